#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; its own browser
# download is not used), installed when it is missing.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Chromium..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
