#!/usr/bin/env bash
# Install Debian's Chromium (used by the browser checks in tests/browser.py).
#
# Idempotent: does nothing (and prints nothing) when Chromium is already
# installed. Otherwise runs `apt-get update` and installs `chromium` plus a
# basic font package, using sudo only when not root and sudo is available.
#
# Usage: scripts/install_chromium.sh
set -euo pipefail

have_chromium() {
    [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1
}

if have_chromium; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install_chromium.sh: Chromium is not installed, and this script is neither" >&2
    echo "running as root nor able to find sudo. Install it as root with:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium.sh: apt-get not found; this script supports Debian/Ubuntu only." >&2
    echo "Install Chromium with your system's package manager." >&2
    exit 1
fi

echo "install_chromium.sh: installing chromium (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq; then
    echo "install_chromium.sh: 'apt-get update' failed (is the Debian mirror reachable?)." >&2
    exit 1
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; then
    echo "install_chromium.sh: 'apt-get install chromium fonts-dejavu-core' failed." >&2
    exit 1
fi

if ! have_chromium; then
    echo "install_chromium.sh: apt-get succeeded but no chromium binary was found." >&2
    exit 1
fi
echo "install_chromium.sh: installed $(chromium --version 2>/dev/null || echo chromium)" >&2
