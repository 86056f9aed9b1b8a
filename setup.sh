#!/usr/bin/env bash
# Installs what edge-gateway and its tests need, idempotently:
#   1. Debian packages (real peers for the tests: Chromium, nats-server, coturn, GStreamer RTSP
#      server, ffmpeg, podman …) with apt-get when run as root; only the missing ones.
#   2. Checks Node >= 20.
#   3. npm ci (npm install when there is no lockfile), skipped when node_modules is current.
#
# usage: ./setup.sh [--system-only | --npm-only] [--force-npm]
#   --system-only  Debian packages only          --npm-only   Node check and npm only
#   --force-npm    run npm ci even when node_modules looks current
# Not root and packages missing: prints the sudo command to run, exits 1.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# TESTING.md "System packages", plus openssl (certificates in tests), curl (podman/start-docker-api.sh)
# and python3 (test/harness/rtsp-camera.py runs with /usr/bin/python3); mosquitto is the MQTT broker
# standing in for IoT Edge's edgeHub in the module-twin test.
# grpcurl is not packaged in Debian 12 (`apt-cache policy grpcurl` is empty), so it is not listed.
PACKAGES=(
  chromium ffmpeg nats-server coturn mosquitto
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp python3 python3-gi gir1.2-gst-rtsp-server-1.0
  podman buildah runc catatonit uidmap busybox-static
  openssl curl
)
NODE_MAJOR_MIN=20

system=1 npm=1 force_npm=0
for arg in "$@"; do
  case $arg in
    --system-only) npm=0 ;;
    --npm-only) system=0 ;;
    --force-npm) force_npm=1 ;;
    -h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }

install_system_packages() {
  if ! command -v dpkg-query >/dev/null; then
    echo "setup.sh: not a Debian/Ubuntu system (no dpkg-query). Install the equivalents of:" >&2
    echo "  ${PACKAGES[*]}" >&2
    return 1
  fi
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    say "system packages: all ${#PACKAGES[@]} installed"
    return 0
  fi
  local install=(apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}")
  if ((EUID != 0)); then
    echo "setup.sh: missing Debian packages: ${missing[*]}" >&2
    echo "Run as root (or: sudo ./setup.sh), i.e.:" >&2
    echo "  sudo apt-get update" >&2
    echo "  sudo DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
    echo "then ./setup.sh again." >&2
    return 1
  fi
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  "${install[@]}"
}

check_node() {
  local version major
  if ! version=$(node --version 2>/dev/null); then
    echo "setup.sh: node not found. Node >= $NODE_MAJOR_MIN is required." >&2
    node_hint
    return 1
  fi
  major=${version#v}
  major=${major%%.*}
  if ((major < NODE_MAJOR_MIN)); then
    echo "setup.sh: Node $version found; Node >= $NODE_MAJOR_MIN is required." >&2
    node_hint
    return 1
  fi
  say "node $version"
}

node_hint() {
  cat >&2 <<EOF
Debian 12's nodejs package is Node 18 (too old). Get Node $NODE_MAJOR_MIN+ from:
  https://nodejs.org/en/download  (official binaries, or nvm: nvm install $NODE_MAJOR_MIN)
  NodeSource: curl -fsSL https://deb.nodesource.com/setup_$NODE_MAJOR_MIN.x | sudo -E bash - && sudo apt-get install -y nodejs
Debian 13 (trixie) ships Node 20: apt-get install nodejs npm
EOF
}

install_npm_dependencies() {
  if ! command -v npm >/dev/null; then
    echo "setup.sh: npm not found (it comes with Node; Debian: apt-get install npm)" >&2
    return 1
  fi
  if [[ -f package-lock.json ]]; then
    # npm's own hidden lockfile is rewritten on every install: newer than both manifests = current.
    if ((force_npm == 0)) && [[ node_modules/.package-lock.json -nt package-lock.json &&
      node_modules/.package-lock.json -nt package.json ]]; then
      say "node_modules is current (npm ci skipped; --force-npm to reinstall)"
      return 0
    fi
    say "npm ci"
    npm ci
  else
    say "npm install (no package-lock.json)"
    npm install
  fi
}

((system == 0)) || install_system_packages
if ((npm == 1)); then
  check_node
  install_npm_dependencies
fi
say "setup done"
