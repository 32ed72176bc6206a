#!/usr/bin/env bash
# First-start initialisation of the `postgresql` service (docker-compose.yml).
#
# The postgres image runs every *.sh in /docker-entrypoint-initdb.d once, when
# it creates a new, empty data directory (a new volume), as the superuser, over
# the local socket, before it starts accepting TCP connections. It does NOT run
# again for an existing volume: to change these roles later, use psql (see
# docs/deployment.md).
#
# It creates one role and database for the application, and one role with its
# two databases for the Temporal server, so that neither can read the other's
# data and neither runs as the superuser:
#
#   role ${APP_DB_USER}          owns database ${APP_DB_NAME}
#   role ${TEMPORAL_DB_USER}     owns databases ${TEMPORAL_DB_NAME} and
#                                ${TEMPORAL_VISIBILITY_DB_NAME}
#
# The Temporal schema itself is created (and upgraded) by the temporal service
# (temporalio/auto-setup), which is told not to create the databases.
#
# Settings come from the postgresql service's environment (docker-compose.yml).
# Passwords are passed to psql as variables and quoted by psql, never pasted
# into SQL text.
#
# The image sources a script that is not executable and runs one that is; the
# body is a subshell so that its shell options and failures stay its own in
# both cases (a failure still stops the first start, as it should).
init_databases() (
  set -euo pipefail

  : "${APP_DB_USER:?APP_DB_USER is required}"
  : "${APP_DB_NAME:?APP_DB_NAME is required}"
  : "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
  : "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER is required}"
  : "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD is required}"
  : "${TEMPORAL_DB_NAME:?TEMPORAL_DB_NAME is required}"
  : "${TEMPORAL_VISIBILITY_DB_NAME:?TEMPORAL_VISIBILITY_DB_NAME is required}"

  run_psql() { # run_psql <database>  (SQL on stdin)
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "$1" \
      -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" -v app_db="$APP_DB_NAME" \
      -v temporal_user="$TEMPORAL_DB_USER" -v temporal_password="$TEMPORAL_DB_PASSWORD" \
      -v temporal_db="$TEMPORAL_DB_NAME" -v visibility_db="$TEMPORAL_VISIBILITY_DB_NAME"
  }

  run_psql "${POSTGRES_DB:-postgres}" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;

CREATE ROLE :"temporal_user" LOGIN PASSWORD :'temporal_password';
CREATE DATABASE :"temporal_db" OWNER :"temporal_user";
CREATE DATABASE :"visibility_db" OWNER :"temporal_user";
REVOKE ALL ON DATABASE :"temporal_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"visibility_db" FROM PUBLIC;
SQL

  # Temporal's visibility schema needs the btree_gin extension. It is a trusted
  # extension (the owner could create it), but creating it here as the
  # superuser keeps the schema setup independent of that.
  run_psql "$TEMPORAL_VISIBILITY_DB_NAME" <<'SQL'
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL

  echo "init-databases: created roles ${APP_DB_USER}, ${TEMPORAL_DB_USER} and databases ${APP_DB_NAME}, ${TEMPORAL_DB_NAME}, ${TEMPORAL_VISIBILITY_DB_NAME}"
)

init_databases
