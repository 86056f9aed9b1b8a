# Shared shell helpers for test/deploy/*.sh (sourced, not run). Needs: buildah podman runc debootstrap
# (and qemu-user-static binfmt-support for foreign architectures). No registry is reachable here, so
# base images are Debian trixie roots made with debootstrap and imported with `podman import`.
# Everything runs under `nice -n 19` (shared 2-core machines).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${EDGEGW_DEPLOY_WORK:-/tmp/edgegw-deploy}
BUILDAH=(nice -n 19 buildah --storage-driver vfs)
# podman without systemd, CAP_SYS_RESOURCE or crun (see test/harness/podman/containers.conf.in)
PODMAN=(podman --storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file)
RUN_LIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
mkdir -p "$WORK"
# This machine's platform in OCI terms (the build stage runs here, natively).
case $(uname -m) in x86_64) NATIVE=amd64 ;; aarch64) NATIVE=arm64 ;; *) NATIVE=$(uname -m) ;; esac

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# debian_arch amd64|arm64|riscv64 → the suite that has a working nodejs >= 20 on this mirror
# (riscv64 trixie's index failed its hash check here once; sid works: /work/shared/recipes/foreign-rootfs.sh).
suite_for() { case $1 in riscv64) echo "${EDGEGW_RISCV64_SUITE:-trixie}" ;; *) echo trixie ;; esac; }

mirror() {
  local m
  m=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1)
  [ -n "$m" ] || m=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

# rootfs ARCH → prints the directory of a Debian root with nodejs for ARCH (made once, then reused).
rootfs() {
  local arch=$1 dir="$WORK/rootfs-$1" suite
  suite=$(suite_for "$arch")
  if [ ! -x "$dir/usr/bin/node" ]; then
    rm -rf "$dir"
    log "debootstrap $suite $arch → $dir (native ~2 min, emulated arm64 ~5 min)"
    if [ "$arch" = amd64 ]; then
      nice -n 19 debootstrap --variant=minbase --include=nodejs,ca-certificates "$suite" "$dir" "$(mirror)" >"$WORK/debootstrap-$arch.log" 2>&1 ||
        die "debootstrap $arch (see $WORK/debootstrap-$arch.log)"
    else
      enable_binfmt
      if ! nice -n 19 debootstrap --foreign --arch="$arch" --variant=minbase --include=nodejs,ca-certificates \
        "$suite" "$dir" "$(mirror)" >"$WORK/debootstrap-$arch.log" 2>&1; then
        [ "$arch" = riscv64 ] && [ "$suite" != sid ] || die "debootstrap $arch stage 1 (see $WORK/debootstrap-$arch.log)"
        log "riscv64 $suite failed (its index has failed hash checks on this mirror before); trying sid"
        rm -rf "$dir"
        nice -n 19 debootstrap --foreign --arch="$arch" --variant=minbase --include=nodejs,ca-certificates \
          sid "$dir" "$(mirror)" >>"$WORK/debootstrap-$arch.log" 2>&1 || die "debootstrap $arch stage 1"
      fi
      nice -n 19 chroot "$dir" /debootstrap/debootstrap --second-stage >>"$WORK/debootstrap-$arch.log" 2>&1 ||
        die "debootstrap $arch stage 2 (see $WORK/debootstrap-$arch.log)"
    fi
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  fi
  echo "$dir"
}

enable_binfmt() {
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && [ -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ] && return 0
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64 || true
  update-binfmts --enable qemu-riscv64 || true
}

# base_image ARCH → imports the rootfs as localhost/debian-node:trixie-ARCH (the runtime base).
base_image() {
  local arch=$1 name="localhost/debian-node:trixie-$1" dir
  if ! "${PODMAN[@]}" image exists "$name"; then
    dir=$(rootfs "$arch")
    local variant=()
    [ "$arch" = arm64 ] && variant=(--variant v8)
    tar -C "$dir" -c . | "${PODMAN[@]}" import --arch "$arch" "${variant[@]}" - "$name" >/dev/null || die "import $name"
  fi
  echo "$name"
}

# build_image → localhost/node-build:trixie-amd64: the native base plus the host's npm (Debian's npm
# package drags in hundreds of node-* packages; the build stage only needs npm itself).
build_image() {
  local name=localhost/node-build:trixie-amd64 base c npm
  if ! "${PODMAN[@]}" image exists "$name"; then
    base=$(base_image amd64)
    npm=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
    c=$("${BUILDAH[@]}" from "$base")
    "${BUILDAH[@]}" copy "$c" "$npm" /usr/lib/node_modules/npm >/dev/null
    "${BUILDAH[@]}" run --isolation chroot "$c" -- ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/bin/npm
    "${BUILDAH[@]}" commit -q "$c" "$name" >/dev/null
    "${BUILDAH[@]}" rm "$c" >/dev/null
  fi
  echo "$name"
}

# context → a clean build context: a committed tree (EDGEGW_DEPLOY_REV, default HEAD) with the working
# tree's Containerfile, so other people's unfinished edits never reach the image.
context() {
  local dir="$WORK/ctx"
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$REPO" archive "${EDGEGW_DEPLOY_REV:-HEAD}" | tar -x -C "$dir"
  cp "$REPO/Containerfile" "$REPO/.containerignore" "$dir/"
  echo "$dir"
}

# CA bundle for npm behind a TLS-intercepting proxy, if the host has one (passed as a build secret).
ca_secret() {
  local f=${NODE_EXTRA_CA_CERTS:-}
  [ -s "$f" ] || f=/etc/ssl/certs/ca-certificates.crt
  [ -s "$f" ] && echo "--secret=id=npm_ca,src=$f"
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# wait_healthz PORT SECONDS → prints the body once /healthz answers 200
wait_healthz() {
  local port=$1 secs=$2 i
  for ((i = 0; i < secs * 4; i++)); do
    curl -sf "http://127.0.0.1:$port/healthz" && return 0
    sleep 0.25
  done
  return 1
}
