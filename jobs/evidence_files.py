"""Evidence files made ready to keep: the type read from the bytes (not trusted from the
name), photos reduced to at most 1,600 px with their EXIF data (GPS included) dropped unless
the plan keeps it, and a small thumbnail for the web page and the memo annex."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.file_types import EXTENSION, JPEG, PNG, sniff

MAX_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 85


class Refused(Exception):
    """Not a file of an accepted type (whatever its name says)."""


@dataclass(frozen=True)
class Prepared:
    data: bytes
    content_type: str
    thumb: bytes | None  # JPEG, for images

    @property
    def extension(self) -> str:
        return EXTENSION[self.content_type]


def prepare(data: bytes, *, keep_exif: bool = False) -> Prepared:
    """The file as it is kept; raises Refused for any other type."""
    content_type = sniff(data)
    if content_type is None:
        raise Refused("not an accepted type")
    if content_type not in (JPEG, PNG):
        return Prepared(data, content_type, None)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # upright, before the EXIF goes
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise Refused(str(exc)) from None
    exif = image.getexif() if keep_exif else None
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return Prepared(_encode(image, content_type, exif), content_type, thumbnail(image))


def _encode(image: Image.Image, content_type: str, exif: Image.Exif | None) -> bytes:
    out = io.BytesIO()
    options: dict = {"exif": exif} if exif else {}
    if content_type == JPEG:
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    return out.getvalue()


def thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    if small.mode not in ("RGB", "L"):
        small = small.convert("RGB")
    out = io.BytesIO()
    small.save(out, "JPEG", quality=75)
    return out.getvalue()
