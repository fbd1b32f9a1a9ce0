#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages SimCLR Workbench builds and runs with, and nothing
# that is already there. Uses sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libgloo-dev libopenblas0-pthread  # libgloo-dev: the c10d Gloo headers (distributed training)
  qt6-base-dev qt6-svg-dev libqcustomplot-dev
  libopencv-dev nlohmann-json3-dev libcli11-dev libfaiss-dev  # libfaiss-dev: neighbour search in large collections
  libjpeg62-turbo-dev  # JPEGs decoded at a reduced DCT scale (else OpenCV decodes them whole)
  libcurl4-openssl-dev libssl-dev libarchive-dev zlib1g-dev
  dataset-fashion-mnist
  xvfb xauth
  python3-torch python3-torchvision  # the PyTorch round-trip test (about 18 MB to download)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
