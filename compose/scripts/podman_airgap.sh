#!/usr/bin/env bash
# Build everything the compose stack needs on a host with podman but no registry (../shared/CONTAINERS.md):
# the engine and its configuration, a Debian base image, the egov image(s) and the stand-ins for
# pgvector/pgvector:pg16 and redis:7-alpine, tagged with the upstream names so compose.yaml runs unchanged.
#
#   compose/scripts/podman_airgap.sh setup          # engine, containers.conf, local/debian:bookworm, stand-ins
#   compose/scripts/podman_airgap.sh build [lite|full|standins|all]
#   eval "$(compose/scripts/podman_airgap.sh env)"  # the exports that nox -s images / stack need
#
# Idempotent: each step is skipped when its result is already there. Prints the time each step took
# and the image sizes. Run as root (rootful podman; apt-get). Full from a local model directory:
# EGOV_BUILD_EMBED_MODEL=sentence-transformers/all-MiniLM-L6-v2 EGOV_BUILD_EMBED_MODEL_DIR=/path/to/model.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Outside /etc on purpose: nothing system-wide changes, and CONTAINERS_CONF points podman at it.
conf="${CONTAINERS_CONF:-${XDG_CONFIG_HOME:-$HOME/.config}/egov/containers.conf}"
export CONTAINERS_CONF="$conf"
ca="${EGOV_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}"
base="${EGOV_BUILD_BASE:-local/debian:bookworm}"
compose_venv="${PODMAN_COMPOSE_VENV:-/opt/podman-compose}"

step() { local t0=$SECONDS; "$@"; printf 'step: %-60s %4ds\n' "$*" $((SECONDS - t0)) >&2; }

# netavark + aardvark-dns are what give containers on a compose network each other's names. They are
# only Recommends of podman: with --no-install-recommends podman falls back to CNI, records that choice,
# and every lookup of `postgres` fails (`Name or service not known`). netavark in turn needs iptables
# (not even a Recommends of it in bookworm): without it every RUN and every container start fails with
# `netavark: No such file or directory (os error 2)`.
packages=(podman buildah runc debootstrap netavark aardvark-dns iptables iproute2)

engine() {
    local missing=()
    for pkg in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        # A fresh host has no package lists yet.
        step apt-get update -q
        step apt-get install -y --no-install-recommends "${missing[@]}"
    fi
    # Debian's podman-compose (1.0.x) is too old for compose.yaml: a current one in a venv of its own.
    if ! command -v podman-compose >/dev/null; then
        python3 -m venv "$compose_venv"
        step "$compose_venv/bin/pip" install --quiet "podman-compose>=1.1"
        ln -sf "$compose_venv/bin/podman-compose" /usr/local/bin/podman-compose
    fi
}

# A host that once ran podman without netavark keeps using CNI: the choice is recorded in the store
# (defaultNetworkBackend), and its cni-podman0 bridge keeps 10.88.0.0/16, the subnet netavark's podman0
# wants, so the route goes to the dead bridge. Forget the record (the network_backend line above is
# explicit anyway) and delete the stale bridge; containers and images are kept (no `podman system reset`).
network_backend() {
    local record; record="$(podman info --format '{{.Store.GraphRoot}}' 2>/dev/null || echo /var/lib/containers/storage)"
    if [[ -f "$record/defaultNetworkBackend" ]] && [[ "$(cat "$record/defaultNetworkBackend")" != netavark ]]; then
        echo "podman had recorded the $(cat "$record/defaultNetworkBackend") network backend: switching to netavark" >&2
        printf netavark > "$record/defaultNetworkBackend"
    fi
    if ip link show cni-podman0 >/dev/null 2>&1; then
        echo "deleting the stale CNI bridge cni-podman0" >&2
        ip link delete cni-podman0
    fi
    local backend; backend="$(podman info --format '{{.Host.NetworkBackend}}')"
    if [[ "$backend" != netavark ]]; then
        echo "podman still uses the $backend network backend; containers would not resolve each other's names" >&2
        exit 1
    fi
}

setup() {
    engine
    if [[ ! -f "$conf" ]]; then
        mkdir -p "$(dirname "$conf")"
        # crun fails here (setrlimit RLIMIT_NOFILE, then "cgroups in hybrid mode not supported"): runc,
        # explicit ulimits, cgroupfs; the file events logger because there is no journald.
        cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
CONF
    elif ! grep -q '^network_backend' "$conf"; then
        printf '[network]\nnetwork_backend = "netavark"\n' >> "$conf"
    fi
    network_backend
    if ! podman image exists "$base"; then
        local rootfs; rootfs="$(mktemp -d)"
        step debootstrap --variant=minbase bookworm "$rootfs"
        tar -C "$rootfs" -c . | podman import - "$base"
        rm -rf "$rootfs"
    fi
    if ! podman image exists docker.io/pgvector/pgvector:pg16 || ! podman image exists docker.io/library/redis:7-alpine; then
        build_standins
    fi
    echo "ready: export CONTAINERS_CONF=$conf" >&2
}

# --format docker: podman's default OCI format silently drops HEALTHCHECK (and SHELL).
common=(--format docker --build-arg "BASE=$base" -v "$ca:/host-ca.crt:ro" --build-arg PIP_CERT=/host-ca.crt)

build_lite() { step podman build "${common[@]}" -f "$repo/images/Dockerfile.lite" -t egov:lite "$repo"; }

build_full() {
    local extra=()
    if [[ -n "${EGOV_BUILD_WHEELS:-}" ]]; then extra+=(-v "$EGOV_BUILD_WHEELS:/host-wheels:ro" --build-arg PIP_FIND_LINKS=/host-wheels); fi
    if [[ -n "${EGOV_BUILD_TORCH_INDEX+x}" ]]; then extra+=(--build-arg "TORCH_INDEX_URL=$EGOV_BUILD_TORCH_INDEX"); fi
    if [[ -n "${EGOV_BUILD_EMBED_MODEL:-}" ]]; then extra+=(--build-arg "EMBED_MODEL=$EGOV_BUILD_EMBED_MODEL"); fi
    if [[ -n "${EGOV_BUILD_EMBED_MODEL_DIR:-}" ]]; then
        extra+=(-v "$(realpath "$EGOV_BUILD_EMBED_MODEL_DIR"):/embed-model:ro" --build-arg EMBED_MODEL_DIR=/embed-model)
    fi
    if [[ -n "${EGOV_BUILD_HF_SEED:-}" ]]; then extra+=(-v "$EGOV_BUILD_HF_SEED:/hf-seed:ro" --build-arg HF_SEED=/hf-seed); fi
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
    setup) setup; sizes ;;
    env)
        printf 'export CONTAINERS_CONF=%q EGOV_BUILD_BASE=%q EGOV_BUILD_CA=%q\n' "$conf" "$base" "$ca"
        if [[ -d /opt/wheels ]]; then printf 'export EGOV_BUILD_WHEELS=/opt/wheels EGOV_BUILD_TORCH_INDEX=\n'; fi ;;
    build)
        case "${2:-all}" in
            lite) build_lite ;;
            full) build_full ;;
            standins) build_standins ;;
            all) build_standins; build_lite; build_full ;;
            *) echo "build what? lite|full|standins|all" >&2; exit 2 ;;
        esac
        sizes ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
