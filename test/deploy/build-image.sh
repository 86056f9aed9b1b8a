#!/bin/bash
# Builds the Containerfile for this machine's architecture with buildah (no daemon, chroot isolation),
# runs the image with podman (host network, loopback ports), and checks: /healthz answers 200, the
# image's HEALTHCHECK passes, the process runs as uid 10001, SIGTERM stops it with exit code 0.
# Prints the image size and build time. Slow (~1-2 min warm, +2 min the first time for the base):
# not part of `npm test`. Run as root: test/deploy/build-image.sh [TAG]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TAG=${1:-localhost/edge-gateway:dev}

BASE=$(base_image amd64)
BUILD=$(build_image)
CTX=$(context)
log "building $TAG from $CTX (BASE_IMAGE=$BASE)"
t0=$(date +%s)
# shellcheck disable=SC2046
"${BUILDAH[@]}" build --isolation chroot --format docker $(ca_secret) \
  --build-arg BUILD_IMAGE="$BUILD" --build-arg BASE_IMAGE="$BASE" \
  --build-arg REVISION="$(git -C "$REPO" rev-parse --short HEAD)" \
  --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -t "$TAG" -f "$CTX/Containerfile" "$CTX" >"$WORK/build-native.log" 2>&1 || { tail -20 "$WORK/build-native.log"; die "build (see $WORK/build-native.log)"; }
build_s=$(($(date +%s) - t0))

name=edgegw-smoke-$$
port=$(free_port)
cleanup() { "${PODMAN[@]}" rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
t1=$(date +%s)
"${PODMAN[@]}" run -d --network host "${RUN_LIMITS[@]}" --name "$name" \
  -e EDGEGW_HTTP_ADDR="127.0.0.1:$port" -e EDGEGW_GRPC_ADDR=127.0.0.1:0 -e EDGEGW_WEBRTC_ADDR=127.0.0.1:0 \
  "$TAG" >/dev/null 2>"$WORK/run.err" || { cat "$WORK/run.err"; die "podman run"; }
body=$(wait_healthz "$port" 60) || { "${PODMAN[@]}" logs "$name" 2>&1 | tail -20; die "/healthz did not answer"; }
log "/healthz → $body ($(($(date +%s) - t1)) s after podman run, most of it vfs copying the rootfs)"
"${PODMAN[@]}" healthcheck run "$name" 2>/dev/null || die "HEALTHCHECK failed"
log "HEALTHCHECK passed"
uid=$("${PODMAN[@]}" exec "$name" id -u)
[ "$uid" = 10001 ] || die "runs as uid $uid, want 10001"
"${PODMAN[@]}" stop -t 15 "$name" >/dev/null 2>&1
code=$("${PODMAN[@]}" inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || die "exit code $code after SIGTERM"
"${PODMAN[@]}" logs "$name" 2>&1 | grep -q '"msg":"stopped"' || die "no graceful stop in the logs"
size=$("${PODMAN[@]}" image inspect "$TAG" --format '{{.Size}}')
base_size=$("${PODMAN[@]}" image inspect "$BASE" --format '{{.Size}}')
echo "OK $TAG: build ${build_s} s, image $((size / 1000000)) MB (base $((base_size / 1000000)) MB + app $(((size - base_size) / 1000000)) MB), /healthz 200, HEALTHCHECK ok, uid 10001, SIGTERM exit 0"
