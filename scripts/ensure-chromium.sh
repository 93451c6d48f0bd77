#!/usr/bin/env bash
# Make sure Debian's chromium is installed at /usr/bin/chromium, for the dashboard's browser test.
# Installs it with apt-get when missing (needs root); never downloads a browser any other way.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: $CHROMIUM is missing and this script is not running as root." >&2
    echo "Install it with: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; install Chromium so that $CHROMIUM exists." >&2
    exit 1
fi
echo "ensure-chromium: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi
