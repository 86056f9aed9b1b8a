#!/bin/bash
# Builds the Containerfile for linux/amd64, linux/arm64 and linux/riscv64 with buildah into one
# manifest list, writes it as one OCI index (oci-archive), and runs the arm64 and riscv64 images
# under qemu-user (binfmt_misc) far enough to answer /healthz. Base images are Debian roots with
# nodejs made by debootstrap and imported locally (no registry is reachable here).
#
# Slow (first run ~15-25 min: two emulated debootstraps; then ~5 min) and heavy: NOT part of
# `npm test`. Run as root, at most one at a time:  test/deploy/build-multiarch.sh [LIST_NAME]
# Needs: buildah podman runc debootstrap qemu-user-static binfmt-support.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LIST=${1:-localhost/edge-gateway:multiarch}
PLATFORMS=(amd64 arm64 riscv64)
ARCHIVE="$WORK/edge-gateway-multiarch.oci.tar"

enable_binfmt
BUILD=$(build_image)
declare -A BASE
for a in "${PLATFORMS[@]}"; do BASE[$a]=$(base_image "$a"); done
CTX=$(context)

t0=$(date +%s)
# EDGEGW_SKIP_BUILD=1 reuses localhost/edge-gateway:<arch> from an earlier run (index + runs only).
for a in "${PLATFORMS[@]}"; do
  [ "${EDGEGW_SKIP_BUILD:-}" = 1 ] && "${PODMAN[@]}" image exists "localhost/edge-gateway:$a" && continue
  log "building linux/$a (BASE_IMAGE=${BASE[$a]})"
  ta=$(date +%s)
  # One platform per run, each FROM its own local base by name, WITHOUT --platform: buildah 1.28
  # (Debian 12) resolves local images for a foreign --platform wrongly — through a manifest list it
  # silently used the amd64 base and labelled the result arm64 (seen here: process.arch x64), and by
  # name it reports "image not known". Without --platform the base is taken as named, the image
  # inherits its architecture, and the runtime stage's RUN runs the foreign binaries through
  # binfmt_misc/qemu-user. With a registry and a current buildah, `--platform linux/amd64,linux/arm64,
  # linux/riscv64 --manifest NAME` against a multi-arch BASE_IMAGE does the same in one command.
  # No --layers: its cache keys ignore the platform in this buildah.
  # shellcheck disable=SC2046
  "${BUILDAH[@]}" build --isolation chroot --format docker $(ca_secret) \
    --build-arg BUILD_IMAGE="$BUILD" --build-arg BASE_IMAGE="${BASE[$a]}" \
    --build-arg REVISION="$(git -C "$REPO" rev-parse --short HEAD)" \
    -t "localhost/edge-gateway:$a" -f "$CTX/Containerfile" "$CTX" >"$WORK/build-$a.log" 2>&1 ||
    { tail -20 "$WORK/build-$a.log"; die "build linux/$a (see $WORK/build-$a.log)"; }
  got=$("${PODMAN[@]}" image inspect "localhost/edge-gateway:$a" --format '{{.Architecture}}')
  [ "$got" = "$a" ] || die "the linux/$a build produced a $got image"
  log "linux/$a built in $(($(date +%s) - ta)) s"
done
build_s="$(($(date +%s) - t0)) s"
[ "${EDGEGW_SKIP_BUILD:-}" = 1 ] && build_s="skipped (EDGEGW_SKIP_BUILD=1)"

# The list is assembled explicitly: with buildah 1.28, `build --manifest` per platform lost the
# first platform's entry here.
"${BUILDAH[@]}" manifest rm "$LIST" >/dev/null 2>&1 || true
"${BUILDAH[@]}" manifest create "$LIST" >/dev/null
for a in "${PLATFORMS[@]}"; do
  "${BUILDAH[@]}" manifest add "$LIST" "containers-storage:localhost/edge-gateway:$a" >/dev/null || die "manifest add $a"
done

rm -f "$ARCHIVE"
"${BUILDAH[@]}" manifest push --all "$LIST" "oci-archive:$ARCHIVE" >/dev/null 2>&1 || die "manifest push"
index=$(tar -xOf "$ARCHIVE" index.json)
digest=$(node -e 'const i=JSON.parse(process.argv[1]);console.log(i.manifests[0].digest.replace(":","/"))' "$index")
nested=$(tar -xOf "$ARCHIVE" "blobs/$digest")
platforms=$(node -e 'const i=JSON.parse(process.argv[1]);console.log((i.manifests||[]).map(m=>m.platform.os+"/"+m.platform.architecture).sort().join(" "))' "$nested")
[ "$platforms" = "linux/amd64 linux/arm64 linux/riscv64" ] || die "index platforms: $platforms"
log "OCI index $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)): $platforms"

# Per platform: the compressed size in the index (config + layer blobs of its manifest, what a
# device pulls) and the unpacked size in local storage.
compressed=$(
  for m in $(node -e 'const i=JSON.parse(process.argv[1]);for(const m of i.manifests)console.log(m.platform.architecture+"="+m.digest.replace(":","/"))' "$nested"); do
    printf '%s=%s\n' "${m%%=*}" "$(tar -xOf "$ARCHIVE" "blobs/${m#*=}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);console.log(m.config.size+m.layers.reduce((a,l)=>a+l.size,0))})')"
  done
)
sizes=""
for a in "${PLATFORMS[@]}"; do
  s=$("${PODMAN[@]}" image inspect "localhost/edge-gateway:$a" --format '{{.Size}}')
  arch=$("${PODMAN[@]}" image inspect "localhost/edge-gateway:$a" --format '{{.Architecture}}')
  [ "$arch" = "$a" ] || die "localhost/edge-gateway:$a has architecture $arch"
  c=$(printf '%s\n' "$compressed" | sed -n "s/^$a=//p")
  [ -n "$c" ] || die "no linux/$a manifest in the index"
  sizes="$sizes $a=$((c / 1000000))MB-compressed/$((s / 1000000))MB-unpacked"
  log "linux/$a: $((c / 1000000)) MB compressed in the index, $((s / 1000000)) MB unpacked"
done

# elapsed T0 T1 → seconds between two `date +%s.%N` stamps, one decimal
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

results=""
for a in arm64 riscv64; do
  name=edgegw-$a-$$
  port=$(free_port)
  log "running linux/$a under qemu-user (HTTP 127.0.0.1:$port)"
  t1=$(date +%s.%N)
  # By image ID, without --platform (podman 4.3 would look for the platform in a registry); the
  # kernel's binfmt_misc hands the foreign binaries to qemu-user. `podman run -d` returns once the
  # container runs (with vfs most of that is copying the image into the container's rootfs); from
  # then on the time is node under qemu-user starting the gateway.
  "${PODMAN[@]}" run -d --network host "${RUN_LIMITS[@]}" --name "$name" \
    -e EDGEGW_HTTP_ADDR="127.0.0.1:$port" -e EDGEGW_GRPC_ADDR=127.0.0.1:0 -e EDGEGW_WEBRTC_ADDR=127.0.0.1:0 \
    "$("${PODMAN[@]}" image inspect "localhost/edge-gateway:$a" --format '{{.Id}}')" >/dev/null 2>"$WORK/run-$a.err" ||
    { cat "$WORK/run-$a.err"; die "podman run $a"; }
  t2=$(date +%s.%N)
  if body=$(wait_healthz "$port" 180); then
    t3=$(date +%s.%N)
    run_s=$(elapsed "$t1" "$t2")
    up_s=$(elapsed "$t2" "$t3")
    reported=$("${PODMAN[@]}" exec "$name" node -p 'process.arch + " node " + process.version' 2>/dev/null || echo '?')
    [ "${reported%% *}" = "$a" ] || die "linux/$a image runs a ${reported%% *} node (wrong base?)"
    log "linux/$a /healthz → $body ${up_s} s after the container started (podman run -d: ${run_s} s) ($reported)"
    t4=$(date +%s.%N)
    "${PODMAN[@]}" stop -t 30 "$name" >/dev/null 2>&1 || true
    stop_s=$(elapsed "$t4" "$(date +%s.%N)")
    code=$("${PODMAN[@]}" inspect "$name" --format '{{.State.ExitCode}}')
    log "linux/$a SIGTERM → exit $code in ${stop_s} s"
    results="$results $a:/healthz=$body(start ${up_s}s after run ${run_s}s,$reported),exit=$code(${stop_s}s)"
  else
    "${PODMAN[@]}" logs "$name" 2>&1 | tail -20
    "${PODMAN[@]}" rm -f "$name" >/dev/null 2>&1 || true
    die "linux/$a did not answer /healthz"
  fi
  "${PODMAN[@]}" rm -f "$name" >/dev/null 2>&1 || true
done
echo "OK $(date -u +%FT%TZ) $LIST: 3 platforms in one OCI index ($ARCHIVE, $(du -m "$ARCHIVE" | cut -f1) MB), build ${build_s}, sizes:$sizes;$results"
