#!/usr/bin/env bash
# Registers the custom search attributes of the customer-request workflows
# (contracts/temporal.ts; api.md "Temporal, as a supervisor sees it") in the
# Temporal namespace, then exits 0. Run by the one-shot
# `temporal-search-attributes` service of docker-compose.yml, in the
# temporalio/admin-tools image (which has bash, jq and the `temporal` CLI).
#
# Idempotent: an attribute that already exists with the same type is left
# alone; one that exists with another type is an error (the workflows would
# fail to upsert it), and the script exits non-zero so that the api and worker
# services, which wait for this one to complete successfully, do not start.
#
# Settings (environment):
#   TEMPORAL_ADDRESS    frontend host:port              (default temporal:7233)
#   TEMPORAL_NAMESPACE  namespace to register into      (default default)
#   WAIT_SECONDS        how long to wait for the server and the namespace
#                       before giving up                (default 300)
#   TEMPORAL_BIN        the CLI to run                  (default temporal)
set -euo pipefail

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
TEMPORAL="${TEMPORAL_BIN:-temporal}"

# Keep in step with SearchAttribute in contracts/temporal.ts.
ATTRIBUTES=(
  RequestStage=Keyword
  RequestSubStage=Keyword
  RequestStatus=Keyword
  Priority=Keyword
  RequestType=Keyword
  CustomerTier=Keyword
  CustomerId=Keyword
  AssignedGroup=Keyword
  AssignedAgent=Keyword
  NextDeadline=Datetime
  LastEscalatedAt=Datetime
  Overdue=Bool
)

log() { printf '%s register-search-attributes: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

cli() { "$TEMPORAL" "$@" --address "$ADDRESS" --color never; }

# The CLI lists types as INDEXED_VALUE_TYPE_<UPPER_SNAKE>.
proto_type() {
  case "$1" in
    Keyword) echo INDEXED_VALUE_TYPE_KEYWORD ;;
    Text) echo INDEXED_VALUE_TYPE_TEXT ;;
    Int) echo INDEXED_VALUE_TYPE_INT ;;
    Double) echo INDEXED_VALUE_TYPE_DOUBLE ;;
    Bool) echo INDEXED_VALUE_TYPE_BOOL ;;
    Datetime) echo INDEXED_VALUE_TYPE_DATETIME ;;
    KeywordList) echo INDEXED_VALUE_TYPE_KEYWORD_LIST ;;
    *) log "unknown search attribute type $1"; exit 2 ;;
  esac
}

deadline=$((SECONDS + WAIT_SECONDS))
wait_until() { # wait_until <what> <command...>
  local what="$1"; shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "gave up after ${WAIT_SECONDS}s waiting for ${what}"
      exit 1
    fi
    log "waiting for ${what}"
    sleep 2
  done
}

serving() { cli operator cluster health | grep -q SERVING; }
namespace_exists() { cli operator namespace describe --namespace "$NAMESPACE"; }
# Prints the type the namespace has for attribute $1, or nothing (also when
# the list cannot be read just now: the callers retry).
current_type() {
  {
    cli operator search-attribute list --namespace "$NAMESPACE" --output json |
      jq -r --arg name "$1" '(.customAttributes // {})[$name] // (.systemAttributes // {})[$name] // empty'
  } 2>/dev/null || true
}

wait_until "the Temporal server at ${ADDRESS}" serving
# auto-setup registers the namespace in the background once the server runs.
wait_until "namespace ${NAMESPACE}" namespace_exists
wait_until "the search-attribute list of ${NAMESPACE}" cli operator search-attribute list --namespace "$NAMESPACE"

failed=0
for entry in "${ATTRIBUTES[@]}"; do
  name="${entry%%=*}"
  type="${entry#*=}"
  want="$(proto_type "$type")"
  have="$(current_type "$name")"
  if [[ "$have" == "$want" ]]; then
    log "${name} (${type}) already registered"
    continue
  fi
  if [[ -n "$have" ]]; then
    log "ERROR: ${name} exists with type ${have}, expected ${want}; remove or rename it by hand"
    failed=1
    continue
  fi
  # Retried: a namespace created moments ago may not be in every cache yet.
  attempt=0
  until output="$(cli operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" 2>&1)"; do
    # Another run may have created it meanwhile ("already exists"): fine if the type is right.
    [[ "$(current_type "$name")" == "$want" ]] && break
    attempt=$((attempt + 1))
    if ((attempt >= 10 || SECONDS >= deadline)); then
      break
    fi
    log "retrying ${name} (${type}): ${output}"
    sleep 3
  done
  if [[ "$(current_type "$name")" == "$want" ]]; then
    log "${name} (${type}) registered"
  else
    log "ERROR: could not register ${name} (${type}): ${output}"
    failed=1
  fi
done

if ((failed)); then
  log "some search attributes are missing or wrong; see above"
  exit 1
fi
log "all ${#ATTRIBUTES[@]} search attributes are registered in namespace ${NAMESPACE}"
