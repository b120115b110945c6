"""The kinds of file kept as evidence: PDF, JPEG, PNG, DOCX and XLSX, told apart by their
bytes (a name can say anything), and the names files are kept under."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}
# what a file's name may end with, for each type
NAMES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX, ".xlsx": XLSX}


def accepted_name(file_name: str) -> bool:
    return PurePosixPath(file_name.lower()).suffix in NAMES


def file_name_for(file_name: str, item_id: str, content_type: str) -> str:
    """The name a file is kept under: its own with the extension of what it really is (a
    photo from LINE has none: photo-<id>.jpg)."""
    stem = PurePosixPath(file_name.replace("\\", "/")).stem if file_name else f"photo-{item_id}"
    return (stem.strip()[:120] or f"file-{item_id}") + EXTENSION[content_type]


def sniff(data: bytes) -> str | None:
    """The accepted type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None
