#!/usr/bin/env bash
# Install the system tools some tests need, from Debian packages:
#   - Chromium, for the browser checks of the HTML report (tests/browser.py);
#   - a Java 17+ runtime, for the local Spark session of the Spark SQL tests.
#
# Idempotent: installs only what is missing, and prints nothing when both are
# there. Uses apt-get, with sudo only when not root and sudo is available.
#
# Usage: scripts/install_test_tools.sh
set -euo pipefail

missing=()
if ! { [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; }; then
    missing+=(chromium fonts-dejavu-core)
fi
if ! command -v java >/dev/null 2>&1; then
    missing+=(openjdk-17-jre-headless)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install_test_tools.sh: ${missing[*]} not installed, and this script is neither running as root" >&2
    echo "nor able to find sudo. Install them as root with:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_test_tools.sh: apt-get not found; this script supports Debian/Ubuntu only." >&2
    echo "Install ${missing[*]} with your system's package manager." >&2
    exit 1
fi

echo "install_test_tools.sh: installing ${missing[*]} (apt-get)..." >&2
if ! "${SUDO[@]}" apt-get update -qq; then
    echo "install_test_tools.sh: 'apt-get update' failed (is the Debian mirror reachable?)." >&2
    exit 1
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "install_test_tools.sh: 'apt-get install ${missing[*]}' failed." >&2
    exit 1
fi
echo "install_test_tools.sh: installed ${missing[*]}" >&2
