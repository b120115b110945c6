"""Evidence files made in the test: photos (with GPS EXIF when asked), a PDF, Word and Excel
files, and a file of a type the bot refuses."""

from __future__ import annotations

import io
import os

from PIL import ExifTags, Image

GPS = {1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)}


def jpeg(
    width: int = 800, height: int = 600, *, gps: bool = False, color=(200, 40, 40), noise=False
) -> bytes:
    """A photo; with `noise`, random pixels (which compress badly: a big file)."""
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x0110] = "TestCam"  # Model
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (20, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()


def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("evidence")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "evidence"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def exe() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 200


def gps_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
