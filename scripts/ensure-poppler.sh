#!/usr/bin/env bash
# The memo tests read the PDF's text with poppler's pdftotext, as Linux viewers and many
# archives do: Debian's poppler-utils, installed the way ensure-chromium.sh installs Chromium.
set -euo pipefail
if command -v pdftotext >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "poppler: installing Debian's poppler-utils"
  apt-get install -y -qq poppler-utils >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq poppler-utils >/dev/null; }
fi
command -v pdftotext >/dev/null || { echo "poppler: pdftotext not available; the memo text tests need it (apt-get install poppler-utils)" >&2; exit 1; }
