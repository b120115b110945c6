"""The office's Garuda (ครุฑ) for the memo's top left: plan field `memo.emblem`.

The plan file names an image file (`emblem: garuda.png`, relative to the plan file); loading
the plan reads and checks it, and the stored plan carries the image itself (base64), so every
web and worker process has it. A PNG or an SVG of at most 1 MB.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import struct
from typing import Any, Literal
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from core.texts import plan as texts

EMBLEM_MAX_BYTES = 1_000_000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Emblem(BaseModel):
    """The image and its kind, as stored with the plan."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1)  # the file's name, for people
    format: Literal["png", "svg"]
    data: str  # base64 of the file

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.data)

    @model_validator(mode="before")
    @classmethod
    def _read(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):  # a path, as the plan file gives it
            return _read_file(value, (info.context or {}).get("plan_dir") or ".")
        if isinstance(value, dict) and isinstance(value.get("data"), str):  # as stored
            try:
                content = base64.b64decode(value["data"], validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(texts.EMBLEM_BAD_DATA) from None
            if image_format(content, value.get("name", "")) != value.get("format"):
                raise ValueError(texts.EMBLEM_WRONG_KIND)
        return value


def _read_file(value: str, base: str) -> dict[str, str]:
    path = os.path.join(base, os.path.expanduser(value.strip()))
    try:
        if os.path.getsize(path) > EMBLEM_MAX_BYTES:
            raise ValueError(texts.emblem_too_big(value, EMBLEM_MAX_BYTES // 1_000_000))
        with open(path, "rb") as handle:
            content = handle.read(EMBLEM_MAX_BYTES + 1)
    except OSError as exc:
        raise ValueError(texts.emblem_cannot_open(value, exc.strerror)) from None
    return {
        "name": os.path.basename(path),
        "format": image_format(content, value, decode=True),
        "data": base64.b64encode(content).decode("ascii"),
    }


def _decode_png(content: bytes, name: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValueError(texts.emblem_broken_png(name)) from None


def image_format(content: bytes, name: str, decode: bool = False) -> str:
    """'png' or 'svg' for a usable image of at most EMBLEM_MAX_BYTES; ValueError otherwise.

    `decode` decodes a PNG whole (a file read from disk; the stored plan was checked so).
    """
    if len(content) > EMBLEM_MAX_BYTES:
        raise ValueError(texts.emblem_too_big(name, EMBLEM_MAX_BYTES // 1_000_000))
    if content.startswith(_PNG_SIGNATURE):
        # IHDR comes first: width and height, both at least 1
        if len(content) < 33 or content[12:16] != b"IHDR":
            raise ValueError(texts.emblem_broken_png(name))
        width, height = struct.unpack(">II", content[16:24])
        if not (0 < width <= 20_000 and 0 < height <= 20_000):
            raise ValueError(texts.emblem_broken_png(name))
        if decode:
            _decode_png(content, name)
        return "png"
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        root = None
    if root is not None and root.tag.rsplit("}", 1)[-1] == "svg":
        return "svg"
    raise ValueError(texts.emblem_not_an_image(name))
