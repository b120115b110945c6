"""The DOCX package around the memo's body: the office's ครุฑ (an inline picture 1.5 cm high at
the left margin, บันทึกข้อความ centred on a tab beside it, as the form's heading line), and the
body written into python-docx's skeleton as text."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx.shared import Cm

EMBLEM_HEIGHT_CM = 1.5


def emblem_run(doc: Any, png: bytes) -> str:
    """The run drawing the emblem inline; python-docx stores the image part in `doc`."""
    run = doc.add_paragraph().add_run()
    run.add_picture(io.BytesIO(png), height=Cm(EMBLEM_HEIGHT_CM))
    return run._r.xml  # the paragraph itself goes: docx.py writes the body anew


def heading_with_emblem(emblem: str, title_run: str, centre_twips: int) -> str:
    """The heading paragraph: the emblem's run, then the title on a centre tab."""
    return (
        "<w:p><w:pPr><w:tabs>"
        f'<w:tab w:val="center" w:pos="{centre_twips}"/></w:tabs>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        + emblem
        + title_run
        + "</w:p>"
    )


_BODY = re.compile(r"(<w:body>)(.*?)(<w:sectPr[ >])", re.S)


def with_body(package: bytes, body_xml: str) -> bytes:
    """The package with `body_xml` as the document body, written into document.xml as text.

    Moving parsed elements into python-docx's tree costs ~0.2 s for a large memo (lxml fixes up
    namespaces node by node); splicing the text costs a few milliseconds.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml, count = _BODY.subn(
                    lambda m: m.group(1) + body_xml + m.group(3), data.decode("utf-8"), count=1
                )
                if count != 1:
                    raise ValueError("unexpected document.xml from python-docx: no w:body")
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()
