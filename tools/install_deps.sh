#!/usr/bin/env bash
# Installs neardup's build and test dependencies from Debian 12 packages.
# Run as root. Nothing else is downloaded.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  g++ cmake make pkg-config zstd \
  libtbb-dev libsimdjson-dev libxxhash-dev libzstd-dev zlib1g-dev \
  libutf8proc-dev libhwy-dev libcli11-dev libdtl-dev libgtest-dev libbenchmark-dev \
  pybind11-dev python3-dev python3-numpy python3-pytest python3-dask python3-distributed >/dev/null
