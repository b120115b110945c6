#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with Playwright (browsers cannot be downloaded here).
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "chromium: installing Debian's chromium"
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
fi
command -v chromium >/dev/null || { echo "chromium: not available; browser tests need it (apt-get install chromium)" >&2; exit 1; }
