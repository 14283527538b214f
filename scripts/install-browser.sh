#!/usr/bin/env bash
# Install Debian's chromium for the browser tests, when it is missing and we may install it.
# Playwright drives this system browser (never a downloaded one).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
else
  echo "warning: chromium is not installed and cannot be installed here; browser tests will skip" >&2
fi
