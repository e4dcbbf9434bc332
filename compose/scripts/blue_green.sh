#!/usr/bin/env bash
# Blue-green releases of the egov app behind Caddy (compose.production.yaml), with zero downtime.
#
#   compose/scripts/blue_green.sh up                  # first start: caddy + the active colour (blue)
#   compose/scripts/blue_green.sh deploy egov:lite-1.2.0
#   compose/scripts/blue_green.sh rollback            # back to the previous colour, still on disk
#   compose/scripts/blue_green.sh status
#
# deploy: 1. run the migrations with the NEW image (they must be backward compatible: the old colour
# keeps serving on the new schema until step 4 — expand first, contract in a later release);
# 2. start the idle colour on the new image; 3. wait until it is ready, checked from inside the
# container and from Caddy's side of the network; 4. give Caddy's active health check time to add it,
# then stop the old colour gracefully (Granian drains in-flight requests; Caddy retries a request that
# hits a stopping upstream on the other one, lb_try_duration). The old colour's container is kept
# (stopped) for `rollback`.
#
# Environment: COMPOSE (default: docker compose, else docker-compose, else podman-compose),
# COMPOSE_FILES (default: compose.yaml + compose.production.yaml), READY_TIMEOUT (seconds, default 180),
# STATE_FILE (default compose/.bluegreen.state; keep it out of git).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_FILE="${STATE_FILE:-$here/.bluegreen.state}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
read -r -a files <<< "${COMPOSE_FILES:-$here/compose.yaml $here/compose.production.yaml}"

if [[ -z "${COMPOSE:-}" ]]; then
    if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"
    elif command -v docker-compose >/dev/null 2>&1; then COMPOSE="docker-compose"
    elif command -v podman-compose >/dev/null 2>&1; then COMPOSE="podman-compose"
    else echo "blue_green: no compose found (docker compose, docker-compose or podman-compose)" >&2; exit 2
    fi
fi

compose() {
    local args=()
    for f in "${files[@]}"; do args+=(-f "$f"); done
    # shellcheck disable=SC2086  # COMPOSE may be two words ("docker compose")
    $COMPOSE --env-file "$here/.env" "${args[@]}" "$@"
}

log() { printf 'blue_green: %s\n' "$*" >&2; }

load_state() {
    ACTIVE=blue PREVIOUS="" EGOV_IMAGE_BLUE="${EGOV_IMAGE_BLUE:-egov:lite}" EGOV_IMAGE_GREEN="${EGOV_IMAGE_GREEN:-egov:lite}"
    # shellcheck disable=SC1090
    [[ -f "$STATE_FILE" ]] && . "$STATE_FILE"
    export EGOV_IMAGE_BLUE EGOV_IMAGE_GREEN
}

save_state() {
    umask 077
    printf 'ACTIVE=%s\nPREVIOUS=%s\nEGOV_IMAGE_BLUE=%s\nEGOV_IMAGE_GREEN=%s\n' \
        "$ACTIVE" "$PREVIOUS" "$EGOV_IMAGE_BLUE" "$EGOV_IMAGE_GREEN" > "$STATE_FILE.tmp"
    mv "$STATE_FILE.tmp" "$STATE_FILE"
}

other() { [[ "$1" == blue ]] && echo green || echo blue; }

probe='import sys,urllib.request as u; sys.exit(0 if u.urlopen("http://127.0.0.1:8000/health/ready", timeout=4).status == 200 else 1)'

wait_ready() {
    local colour="$1" deadline=$((SECONDS + READY_TIMEOUT))
    log "waiting for app-$colour to be ready (up to ${READY_TIMEOUT}s)"
    until compose exec -T "app-$colour" python3 -c "$probe" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "app-$colour is not ready after ${READY_TIMEOUT}s; its last logs:"
            compose logs --tail 30 "app-$colour" >&2 || true
            return 1
        fi
        sleep 2
    done
    # The same check along Caddy's path (network, DNS name), not just inside the container.
    compose exec -T caddy wget -q -O /dev/null "http://app-$colour:8000/health/ready"
    log "app-$colour is ready"
}

cmd_status() {
    load_state
    echo "active: $ACTIVE (blue=$EGOV_IMAGE_BLUE, green=$EGOV_IMAGE_GREEN); previous: ${PREVIOUS:-none}"
    compose ps
}

cmd_up() {
    load_state
    compose up -d caddy "app-$ACTIVE"
    wait_ready "$ACTIVE"
    save_state
}

cmd_deploy() {
    local image="${1:?usage: blue_green.sh deploy IMAGE}"
    load_state
    local next; next="$(other "$ACTIVE")"
    log "deploying $image as $next (active: $ACTIVE)"
    if [[ "$next" == blue ]]; then EGOV_IMAGE_BLUE="$image"; else EGOV_IMAGE_GREEN="$image"; fi
    export EGOV_IMAGE_BLUE EGOV_IMAGE_GREEN
    EGOV_IMAGE="$image" compose run --rm --no-deps migrate
    compose up -d --no-deps --force-recreate "app-$next"
    if ! wait_ready "$next"; then
        log "aborting: stopping app-$next; app-$ACTIVE keeps serving"
        compose stop -t 10 "app-$next" || true
        exit 1
    fi
    sleep 12  # two Caddy health intervals: app-$next is in rotation before app-$ACTIVE leaves
    compose stop -t 30 "app-$ACTIVE"
    PREVIOUS="$ACTIVE" ACTIVE="$next"
    save_state
    log "done: $ACTIVE serves $image; \`blue_green.sh rollback\` returns to $PREVIOUS"
}

cmd_rollback() {
    load_state
    [[ -n "$PREVIOUS" ]] || { log "nothing to roll back to"; exit 1; }
    log "rolling back from $ACTIVE to $PREVIOUS"
    compose up -d --no-deps "app-$PREVIOUS"
    wait_ready "$PREVIOUS"
    sleep 12
    compose stop -t 30 "app-$ACTIVE"
    local was="$ACTIVE"
    ACTIVE="$PREVIOUS" PREVIOUS="$was"
    save_state
    log "done: $ACTIVE is serving again"
}

case "${1:-}" in
    up) cmd_up ;;
    deploy) shift; cmd_deploy "$@" ;;
    rollback) cmd_rollback ;;
    status) cmd_status ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
