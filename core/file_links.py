"""Names and signed, expiring links of memo files: /files/<org>/<version>/<name>?exp=…&sig=…"""

from __future__ import annotations

import re

from core.config import Settings
from core.signing import signed_query

FILE_NAME = re.compile(
    r"^memo-(?P<org>[a-z0-9-]+)-v(?P<version>\d+)(?P<suffix>\.pdf|\.docx|-page1\.png)$"
)
KIND_OF_SUFFIX = {".pdf": "pdf", ".docx": "docx", "-page1.png": "png"}
_SUFFIX = {v: k for k, v in KIND_OF_SUFFIX.items()}


def file_name(org: str, version: int, kind: str) -> str:
    return f"memo-{org}-v{version}{_SUFFIX[kind]}"


def file_path(org: str, version: int, kind: str) -> str:
    return f"/files/{org}/{version}/{file_name(org, version, kind)}"


def file_url(settings: Settings, org: str, version: int, kind: str, ttl: int | None = None) -> str:
    path = file_path(org, version, kind)
    query = signed_query(settings.signing_key, path, ttl or settings.file_link_ttl)
    return f"{settings.public_base_url}{path}?{query}"
