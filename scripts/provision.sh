#!/usr/bin/env bash
# Installs and provisions, idempotently, everything the project runs on, from
# the package registries these machines reach (npm, Debian, the Go module
# proxy, Maven Central). Tools are built once per machine into a cache keyed
# by version, outside the clone, and linked into .tools/bin.
#
# Overrides: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH point at existing
# executables; TOOLS_CACHE_DIR moves the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/provision/versions.sh

cache_dir=${TOOLS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/customer-request-orchestrator}
mkdir -p "$cache_dir" .tools/bin var
log() { printf '[provision] %s\n' "$*" >&2; }

# Retries a network-bound command: registries are reachable but not always fast.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    log "attempt $attempt of 3 failed: $*"
    sleep $((attempt * 5))
  done
  return 1
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing $*; install it with: sudo apt-get install -y $*"; return 1
  fi
  if [ ! -f "$cache_dir/.apt-updated" ]; then
    retry apt-get update -qq && touch "$cache_dir/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive retry apt-get install -y -qq "$@" >/dev/null
}

version_at_least() { # $1 >= $2, dotted versions
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

provision_node_modules() {
  # npm ci only when the lockfile changed since the last install.
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    return 0
  fi
  log "installing npm packages (npm ci)"
  retry npm ci --no-audit --no-fund --loglevel=error
}

provision_postgres() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return 0; fi
  log "installing PostgreSQL server binaries (Debian)"
  apt_install postgresql
  # Debian's package starts a cluster of its own; the project runs its own
  # clusters and needs none, so stop it if the service manager started one.
  if command -v pg_ctlcluster >/dev/null; then
    for conf in /etc/postgresql/*/main; do
      [ -d "$conf" ] || continue
      v=$(basename "$(dirname "$conf")")
      pg_ctlcluster "$v" main stop >/dev/null 2>&1 || true
    done
  fi
}

cli_binary="$cache_dir/temporal-cli-$TEMPORAL_CLI_VERSION/temporal"
provision_temporal_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then ln -sfn "$TEMPORAL_CLI_PATH" .tools/bin/temporal; return 0; fi
  local want=${TEMPORAL_CLI_VERSION#v}
  if [ -x "$cli_binary" ] && "$cli_binary" --version 2>/dev/null | grep -q "temporal version $want"; then
    ln -sfn "$cli_binary" .tools/bin/temporal; return 0
  fi
  command -v go >/dev/null || apt_install golang-go
  local have
  have=$(go env GOVERSION | sed 's/^go//')
  version_at_least "$have" "$GO_MIN_VERSION" || { log "Go $have is older than $GO_MIN_VERSION, which the Temporal CLI needs"; return 1; }
  log "building the Temporal CLI $TEMPORAL_CLI_VERSION with Go $have (once per machine, several minutes)"
  local staging="$cache_dir/temporal-cli-$TEMPORAL_CLI_VERSION.partial"
  rm -rf "$staging"; mkdir -p "$staging"
  # The release builds stamp the version the same way; --version then tells it.
  GOBIN="$staging" GOFLAGS=-trimpath retry go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$want" \
    "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  "$staging/temporal" --version | grep -q "temporal version $want"
  rm -rf "$(dirname "$cli_binary")"; mv "$staging" "$(dirname "$cli_binary")"
  ln -sfn "$cli_binary" .tools/bin/temporal
}

test_server_dir="$cache_dir/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"
provision_test_server() {
  if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then ln -sfn "$TEMPORAL_TEST_SERVER_PATH" .tools/bin/temporal-test-server; return 0; fi
  if [ -f "$test_server_dir/.complete" ] && [ -x "$test_server_dir/temporal-test-server" ]; then
    ln -sfn "$test_server_dir/temporal-test-server" .tools/bin/temporal-test-server; return 0
  fi
  command -v java >/dev/null || apt_install default-jre-headless
  command -v mvn >/dev/null || apt_install maven
  log "fetching the Temporal test server $TEMPORAL_TEST_SERVER_VERSION from Maven Central"
  local staging="$test_server_dir.partial"
  rm -rf "$staging"; mkdir -p "$staging/lib"
  retry mvn -q -B -Dstyle.color=never -f scripts/provision/test-server-pom.xml \
    -Dtemporal.test-server.version="$TEMPORAL_TEST_SERVER_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$staging/lib"
  # The SDK starts the server as `<executable> <port> [extra args]` and drives
  # time skipping itself; the wrapper adds no flag of its own.
  cat > "$staging/temporal-test-server" <<WRAPPER
#!/bin/sh
exec java -cp "$test_server_dir/lib/*" io.temporal.testserver.TestServer "\$@"
WRAPPER
  chmod +x "$staging/temporal-test-server"
  rm -rf "$test_server_dir"; mv "$staging" "$test_server_dir"
  touch "$test_server_dir/.complete"
  ln -sfn "$test_server_dir/temporal-test-server" .tools/bin/temporal-test-server
}

# One provisioning at a time per machine: npm start and npm test may race.
exec 9>"$cache_dir/.lock"
flock 9

provision_postgres
# The Go build is the long pole; overlap it with the Maven fetch and npm ci.
provision_temporal_cli > >(sed 's/^/[temporal-cli] /' >&2) 2>&1 &
cli_job=$!
provision_test_server
provision_node_modules
wait "$cli_job" || { log "building the Temporal CLI failed"; exit 1; }
log "ready: $(.tools/bin/temporal --version | head -n1); test server $TEMPORAL_TEST_SERVER_VERSION; $(ls -d /usr/lib/postgresql/*/bin | head -n1)"
