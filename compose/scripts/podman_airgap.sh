#!/usr/bin/env bash
# Build everything the compose stack needs on a host with podman but no registry (../shared/CONTAINERS.md):
# the engine configuration, a Debian base image, the egov image(s) and the stand-ins for
# pgvector/pgvector:pg16 and redis:7-alpine, tagged with the upstream names so compose.yaml runs unchanged.
#
#   compose/scripts/podman_airgap.sh setup          # containers.conf + local/debian:bookworm (once)
#   compose/scripts/podman_airgap.sh build [lite|full|standins|all]
#
# Prints the time each step took and the resulting image sizes. Needs root podman (apt-get install podman
# buildah runc debootstrap) and pip install podman-compose.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
conf="${CONTAINERS_CONF:-/etc/egov-containers.conf}"
export CONTAINERS_CONF="$conf"
ca="${EGOV_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}"
base="${EGOV_BUILD_BASE:-local/debian:bookworm}"

step() { local t0=$SECONDS; "$@"; printf 'step: %-60s %4ds\n' "$*" $((SECONDS - t0)) >&2; }

setup() {
    if [[ ! -f "$conf" ]]; then
        cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    fi
    if ! podman image exists "$base"; then
        local rootfs; rootfs="$(mktemp -d)"
        step debootstrap --variant=minbase bookworm "$rootfs"
        tar -C "$rootfs" -c . | podman import - "$base"
        rm -rf "$rootfs"
    fi
}

# --format docker: podman's default OCI format silently drops HEALTHCHECK (and SHELL).
common=(--format docker --build-arg "BASE=$base" -v "$ca:/host-ca.crt:ro" --build-arg PIP_CERT=/host-ca.crt)

build_lite() { step podman build "${common[@]}" -f "$repo/images/Dockerfile.lite" -t egov:lite "$repo"; }

build_full() {
    local extra=()
    if [[ -n "${EGOV_BUILD_WHEELS:-}" ]]; then extra+=(-v "$EGOV_BUILD_WHEELS:/wheels:ro" --build-arg PIP_FIND_LINKS=/wheels); fi
    if [[ -n "${EGOV_BUILD_TORCH_INDEX+x}" ]]; then extra+=(--build-arg "TORCH_INDEX_URL=$EGOV_BUILD_TORCH_INDEX"); fi
    if [[ -n "${EGOV_HF_SEED:-}" ]]; then extra+=(-v "$EGOV_HF_SEED:/hf-seed:ro" --build-arg HF_SEED=/hf-seed); fi
    step podman build "${common[@]}" "${extra[@]}" -f "$repo/images/Dockerfile.full" -t egov:full "$repo"
}

build_standins() {
    step podman build "${common[@]}" -f "$repo/compose/standins/Dockerfile.postgres" \
        -t docker.io/pgvector/pgvector:pg16 "$repo/compose/standins"
    step podman build "${common[@]}" -f "$repo/compose/standins/Dockerfile.redis" \
        -t docker.io/library/redis:7-alpine "$repo/compose/standins"
}

sizes() {
    podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
        | grep -E '^(localhost/egov|docker.io/pgvector|docker.io/library/redis|localhost/local/debian)' || true
}

case "${1:-}" in
    setup) setup ;;
    build)
        case "${2:-all}" in
            lite) build_lite ;;
            full) build_full ;;
            standins) build_standins ;;
            all) build_standins; build_lite; build_full ;;
            *) echo "build what? lite|full|standins|all" >&2; exit 2 ;;
        esac
        sizes ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
