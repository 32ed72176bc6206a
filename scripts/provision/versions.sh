# The pinned versions of every provisioned tool; bump here and nowhere else.
# The Temporal CLI tags after v1.5.1 carry a `replace` directive that
# `go install pkg@version` refuses; v1.5.1 embeds Temporal Server 1.29.
TEMPORAL_CLI_VERSION=v1.5.1
# Java test server (time skipping); same line as the Java SDK on Maven Central.
TEMPORAL_TEST_SERVER_VERSION=1.38.0
# Oldest Go that builds the CLI above.
GO_MIN_VERSION=1.25
