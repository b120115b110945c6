"""How the browser tests and `make docs` start Debian's Chromium (browsers cannot be downloaded
here): its path and the flags that keep it off this machine's closed network."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
