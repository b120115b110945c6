"""Thai free-text status reports as division staff type them, and what the parser must read.

Every row names the exact updates, problem and note; the plan is the seed's six measures:
1 ให้ความรู้ ITA, 2 ลดขั้นตอน, 3 จัดซื้อจัดจ้าง, 4 ผู้บริหาร/เจตจำนง, 5 การดำเนินงาน, 6 เผยแพร่ข้อมูล.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.values import DONE, IN_PROGRESS, NOT_STARTED
from handlers.parse import MeasureRef, ParsedReport, looks_like_report, parse_report
from store.plan_schema import load_plan_file
from tests.helpers import SEED_PLAN

PLAN = load_plan_file(str(SEED_PLAN))
MEASURES = [MeasureRef(m.id, m.title, m.short_title) for m in PLAN.measures]
ALL = [m.id for m in PLAN.measures]

D, P, N = DONE, IN_PROGRESS, NOT_STARTED


def row(
    text: str,
    updates: str = "",
    problem: str | None = None,
    note: str | None = None,
    *,
    own: list[str] | None = None,
    percent: int | None = None,
    unknown: list[str] | None = None,
    candidates: list[str] | None = None,
    hint: str | None = None,
    looks: bool | None = None,
):
    """`updates` is written "1D 2P 4N" (measure id + D/P/N) to keep the table readable."""
    parsed = [(u[:-1], {"D": D, "P": P, "N": N}[u[-1]]) for u in updates.split()]
    expected = {
        "updates": parsed,
        "problem": problem,
        "note": note,
        "percent": percent,
        "unknown_numbers": unknown or [],
        "candidates": candidates or [],
        "status_hint": hint,
    }
    return pytest.param(text, own or ALL, expected, looks, id=text[:60])


CASES = [
    # -- the examples of docs/PRODUCT.md 3.3 and the issue ---------------------------------------
    row("ข้อ ๒ อยู่ระหว่างดำเนินการ", "2P"),
    row("มาตรการที่ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์", "3D", note="ตรวจสอบในเว็บไซต์"),
    row("ข้อ 1 กับ 5 กำลังทำ", "1P 5P"),
    row("ยังไม่ได้เริ่มข้อ 4", "4N"),
    # -- measure numbers: Arabic, Thai digits, Thai words, lists, ranges ----------------------
    row("ข้อ 2 เสร็จแล้วครับ", "2D"),
    row("ข้อ ๒ เสร็จแล้วค่ะ", "2D"),
    row("ข้อสองเสร็จแล้วค่ะ", "2D"),
    row("มาตรการที่สอง กำลังดำเนินการครับ", "2P"),
    row("มาตรการที่ ๓ ดำเนินการเสร็จเรียบร้อยแล้ว", "3D"),
    row("มาตรการ 3 เสร็จแล้ว", "3D"),
    row("มาตรการที่3เสร็จแล้วค่ะ", "3D"),
    row("ข้อที่ 6 เสร็จสมบูรณ์", "6D"),
    row("(๓) ดำเนินการเสร็จเรียบร้อยแล้วค่ะ", "3D"),
    row("ข้อ1เสร็จแล้วครับ", "1D"),
    row("1. เสร็จแล้ว", "1D"),
    row("3 เสร็จแล้วค่ะ", "3D"),
    row("#3 done", "3D"),
    row("ข้อแรกเสร็จแล้ว", "1D"),
    row("ข้อสุดท้ายกำลังทำ", "6P"),
    row("ข้อ 1, 2 และ 3 เสร็จแล้วค่ะ", "1D 2D 3D"),
    row("ข้อ 1-3 กำลังทำครับ", "1P 2P 3P"),
    row("ข้อ ๑ ถึง ๓ ยังไม่ดำเนินการ", "1N 2N 3N"),
    row("ข้อ 1 กับข้อ 5 เสร็จแล้วค่ะ", "1D 5D"),
    row("ข้อ 4,6 เสร็จแล้ว", "4D 6D"),
    row("ข้อ๑,๒,๓ เรียบร้อยค่ะ", "1D 2D 3D"),
    row("ข้อ 2 3 กำลังทำ", "2P 3P"),
    row("ข้อ 2 ข้อ 3 ข้อ 5 เสร็จแล้ว", "2D 3D 5D"),
    row("ข้อ 4 เรื่องเจตจำนงสุจริต เสร็จแล้ว", "4D"),
    # -- several measures, several statuses, status before or after ---------------------------
    row("ข้อ 1 เสร็จแล้ว ข้อ 2 กำลังทำ", "1D 2P"),
    row("ข้อ1เสร็จแล้วข้อ2กำลังทำข้อ4ยังไม่เริ่มค่ะ", "1D 2P 4N"),
    row("ข้อ 1 เสร็จแล้ว\nข้อ 2 กำลังทำ\nข้อ 3 ยังไม่เริ่ม", "1D 2P 3N"),
    row("1. เสร็จแล้ว\n2. กำลังทำ\n3. ยังไม่เริ่ม", "1D 2P 3N"),
    row("ข้อ 1 เสร็จ 2 กำลังทำ 3 ยังไม่เริ่ม", "1D 2P 3N"),
    row("ข้อ ๑ เสร็จ ๒ กำลังทำ", "1D 2P"),
    row("ข้อ ๒ เสร็จแล้ว ข้อ ๕ อยู่ระหว่างดำเนินการ", "2D 5P"),
    row("ข้อ 1 และข้อ 2 กำลังทำ ส่วนข้อ 6 เสร็จแล้ว", "1P 2P 6D"),
    row("ข้อ 2 ยังไม่ได้เริ่ม ข้อ 3 เสร็จแล้ว", "2N 3D"),
    row("ข้อ 1 ทำแล้ว ข้อ 2 ยัง ข้อ 3 กำลังทำค่ะ", "1D 2N 3P"),
    row("ข้อ 2 เสร็จแล้ว ส่วนข้อ 3 ยัง", "2D 3N"),
    row("ข้อ 1 เสร็จแล้ว 2 ก็เสร็จแล้ว", "1D 2D"),
    row("ข้อ 1 เสร็จแล้ว และยังไม่ได้เริ่มข้อ 4", "1D 4N"),
    row("กำลังทำข้อ 2 เสร็จแล้วข้อ 3", "2P 3D"),
    row("ยังทำไม่เสร็จข้อ 2", "2P"),
    row("เสร็จแล้วทุกข้อค่ะ", "1D 2D 3D 4D 5D 6D"),
    # -- done ---------------------------------------------------------------------------------
    row("ข้อ 3 ดำเนินการเสร็จเรียบร้อยแล้ว", "3D"),
    row("ข้อ 6 เรียบร้อยครับ", "6D"),
    row("ข้อ 1 ทำแล้ว", "1D"),
    row("ข้อ 3 แล้วเสร็จ", "3D"),
    row("ข้อ 3 ครบแล้ว", "3D"),
    row("ข้อ 3 ปิดแล้วครับ", "3D"),
    row("ข้อ 6 สำเร็จแล้วค่ะ", "6D"),
    row("ข้อ 5 ดำเนินการแล้ว", "5D"),
    row("ข้อ 1 ทำครบแล้วครับ", "1D"),
    row("ข้อ 1 เสร็จเรียบร้อยจ้า", "1D"),
    row("ข้อ 5 done", "5D"),
    row("ข้อ 5 Done ครับ", "5D"),
    row("ข้อ 5 finished", "5D"),
    row("ข้อ 3 100%", "3D", percent=100),
    row("ข้อ 1 เสร็จทั้งหมดแล้ว", "1D"),
    # -- in progress --------------------------------------------------------------------------
    row("ข้อ 2 ยังไม่เสร็จ", "2P"),
    row("ข้อ 2 ยังไม่เสร็จจ้า", "2P"),
    row("ข้อ 2 ไม่เสร็จ", "2P"),
    row("ข้อ 1 ยังดำเนินการไม่แล้วเสร็จ", "1P"),
    row("ข้อ 1 เริ่มแล้ว", "1P"),
    row("ข้อ 1 ทำอยู่ครับ", "1P"),
    row("ข้อ 1 ดำเนินการอยู่", "1P"),
    row("ข้อ 2 มีความคืบหน้าแล้ว", "2P"),
    row("ข้อ 2 ทำไปแล้วครึ่งหนึ่ง", "2P"),
    row("ข้อ 2 ดำเนินการไปได้ครึ่งหนึ่งแล้ว", "2P"),
    row("ข้อที่ 2 ยังไม่เสร็จค่ะ ทำไปครึ่งนึง", "2P"),
    row("ข้อ 2 เกือบเสร็จแล้วครับ", "2P"),
    row("ข้อ 1 กำลังจะเสร็จ", "1P"),
    row("ข้อ 2 จะเสร็จภายใน 31 มี.ค. ค่ะ", "2P"),
    row("ข้อ 2 อยู่ระหว่างดำเนินการ คาดว่าจะเสร็จ 31 มีนาคม", "2P"),
    row("ข้อ 2 กำลังทำ อีก 3 วันเสร็จ", "2P"),
    row("ข้อ 2 ทำไปแล้ว 3 เดือน ยังไม่เสร็จ", "2P"),
    row("ข้อ 2 in progress", "2P"),
    row("ข้อ 1 ongoing", "1P"),
    row("ข้อ 2 ทำไปแล้ว 60%", "2P", percent=60),
    row("ข้อ 2 60%", "2P", percent=60),
    row("ข้อ 1 กำลังดำเนินการ 50%", "1P", percent=50),
    row("ข้อ 2 (60%)", "2P", percent=60),
    row("ข้อ 2 คืบหน้า 70 เปอร์เซ็นต์ค่ะ", "2P", percent=70),
    row("ข้อ 2 คืบหน้า 70 ค่ะ", "2P", percent=70),
    row("ข้อ 2 ทำไป 60 เปอร์เซ็นต์", "2P", percent=60),
    row("ข้อ 1 ร้อยละ 50", "1P", percent=50),
    row("ข้อ 3 เสร็จ 80%", "3P", percent=80),
    row("ข้อ 2 ยังไม่เสร็จค่ะ ทำไปได้ประมาณ 40%", "2P", percent=40),
    row("ข้อ 1 50% ข้อ 2 70%", "1P 2P"),  # one percent field: two values → none kept
    # -- not started --------------------------------------------------------------------------
    row("ข้อ 4 ยังไม่ได้เริ่มนะคะ", "4N"),
    row("ข้อ 4 ยังไม่เริ่ม", "4N"),
    row("ข้อ 4 ยังไม่ทำ", "4N"),
    row("ข้อ ๕ ยังไม่ได้ทำเลยครับ", "5N"),
    row("ข้อ 2 ยังไม่ได้ดำเนินการ", "2N"),
    row("ข้อ 2 ยังไม่มีการดำเนินการ", "2N"),
    row("ข้อ 2 ยังไม่มีความคืบหน้า", "2N"),
    row("ข้อ 4 ไม่ได้ทำ", "4N"),
    row("ข้อ 4 ยังครับ", "4N"),
    row("ข้อ 2 ยังไม่ได้ครับ", "2N"),
    row("ข้อ 4 จะเริ่มเดือนหน้าค่ะ", "4N"),
    row("ข้อ 4 not started", "4N"),
    row("ข้อ 4 0%", "4N", percent=0),
    # -- typing slips, spacing, particles -----------------------------------------------------
    row("ข้อ 3 เสร็ด", "3D"),
    row("ข้อ 3 เสดแล้วค่ะ", "3D"),
    row("ข้อ 6 เรียบร้อบแล้ว", "6D"),
    row("ข้อ 3 ดำเนิการเสร็จเรียบร้อยแล้ว", "3D"),
    row("ข้อ 2 อยุ่ระหว่างดำเนินการ", "2P"),
    row("ข้อ 4 ยังไม่ได้เริม", "4N"),
    row("ข้อ 2 ก\u0e4d\u0e32ลังท\u0e4d\u0e32", "2P"),  # ำ typed as ํ + า
    row("ข้อ 1 เสร็จจจจแล้วววว", "1D"),
    row("  ข้อ   2   เสร็จ   แล้ว  ", "2D"),
    row("ข้อ2เสร็จแล้วค่ะ ขอบคุณค่ะ", "2D"),
    row("สวัสดีค่ะ ข้อ 2 เสร็จแล้วค่ะ", "2D"),
    row("รายงานครับ ข้อ 6 เสร็จแล้ว", "6D"),
    row("กองคลังรายงานค่ะ ข้อ 3 เสร็จแล้ว", "3D"),
    row("เรียนท่านปลัด มาตรการที่ 1 ดำเนินการเสร็จเรียบร้อยแล้วครับ", "1D"),
    # -- negation and questions ---------------------------------------------------------------
    row("ข้อ 2 ไม่ใช่เสร็จนะ", "", "no_status", candidates=["2"]),
    row("ข้อ 2 ไม่ใช่เสร็จนะ กำลังทำอยู่", "2P"),
    row("ข้อ 4 ไม่ใช่ยังไม่เริ่ม", "", "no_status", candidates=["4"]),
    row("ข้อ 1 เสร็จหรือยังคะ", "", "no_status", candidates=["1"]),
    row("ข้อ 1 เสร็จแล้วหรือ", "", "no_status", candidates=["1"]),
    row("ข้อ 1 เสร็จแล้ว เอ๊ะ ไม่ใช่ ยังไม่เสร็จ", "", "conflict", candidates=["1"]),
    # -- measures named by their title --------------------------------------------------------
    row("จัดซื้อจัดจ้างเสร็จแล้ว", "3D"),
    row("จัดซื้อ จัดจ้าง เสร็จแล้ว", "3D"),
    row("เรื่องจัดซื้อจัดจ้าง อยู่ระหว่างดำเนินการ", "3P"),
    row("เผยแพร่ข้อมูลเรียบร้อยแล้วครับ", "6D"),
    row("การเผยแพร่ข้อมูลข่าวสาร ยังไม่ได้เริ่ม", "6N"),
    row("ลดขั้นตอนกำลังทำอยู่ค่ะ", "2P"),
    row("มาตรการลดขั้นตอนการให้บริการ อยู่ระหว่างดำเนินการ", "2P"),
    row("ITA เสร็จแล้วค่ะ", "1D"),
    row("มาตรการให้ความรู้ ITA ทำแล้วค่ะ", "1D"),
    row("ผู้บริหารแสดงเจตจำนงสุจริต เรียบร้อยแล้ว", "4D"),
    row("ข้อ 3 จัดซื้อจัดจ้าง เสร็จแล้ว", "3D"),
    row("ข้อ 5 การดำเนินงาน เสร็จแล้ว", "5D"),
    row("ข้อ 1 เสร็จแล้วเรื่องความโปร่งใส", "1D"),
    row("ความโปร่งใสเสร็จแล้ว", "", "ambiguous_measure", candidates=["1", "3", "4"], hint=D),
    row("คุณธรรม กำลังทำ", "", "ambiguous_measure", candidates=["1", "4"], hint=P),
    row("นโยบาย เสร็จแล้ว", "", "ambiguous_measure", candidates=["3", "4"], hint=D),
    row("ข้อ 2 จัดซื้อจัดจ้าง เสร็จแล้ว", "", "ambiguous_measure", candidates=["2", "3"], hint=D),
    row("ข้อ 1 หรือ 2 เสร็จแล้ว", "", "ambiguous_measure", candidates=["1", "2"], hint=D),
    # -- all / the rest, and divisions that own only some measures ----------------------------
    row("ทุกข้อเสร็จแล้วครับ", "1D 2D 3D 4D 5D 6D"),
    row("ทุกข้อเสร็จแล้วครับ", "3D", own=["3"]),
    row("ทุกมาตรการกำลังดำเนินการค่ะ", "1P 2P 5P", own=["1", "2", "5"]),
    row("ทั้งหมดเสร็จแล้ว", "1D 2D 3D 5D", own=["1", "2", "3", "5"]),
    row("ข้อ 1 เสร็จแล้ว ที่เหลือกำลังทำ", "1D 2P 5P", own=["1", "2", "5"]),
    row("ข้อ 1 เสร็จแล้ว ส่วนที่เหลือทั้งหมดยังไม่เริ่ม", "1D 2N 3N 4N 5N 6N"),
    row("ข้อ 1 กับ 5 กำลังทำ", "1P 5P", own=["1", "5"]),
    row("ข้อ 3 เสร็จแล้ว", "3D", own=["1", "2"]),  # the caller refuses what is not owned
    row("ข้อ 4 เรียบร้อยครับ", "4D", own=["1", "2", "3", "5"]),
    row("ทุกข้อ", "", "no_status", own=["4", "6"], candidates=["4", "6"]),
    # -- evidence notes -----------------------------------------------------------------------
    row("ข้อ 6 เสร็จแล้ว (ตรวจสอบในเว็บไซต์ของหน่วยงาน)", "6D", note="ตรวจสอบในเว็บไซต์ของหน่วยงาน"),
    row("ข้อ 1 เสร็จแล้ว ประชาสัมพันธ์ทางเพจของ อบต.", "1D", note="ประชาสัมพันธ์ทางเพจของ อบต."),
    row(
        "ข้อ 3 ดำเนินการเสร็จเรียบร้อยแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงานครับ",
        "3D",
        note="ตรวจสอบในเว็บไซต์ของหน่วยงาน",
    ),
    row("ข้อ 1 เสร็จแล้ว https://www.naphu.go.th/ita", "1D", note="https://www.naphu.go.th/ita"),
    row(
        "ข้อ 3 เสร็จแล้ว ลิงก์ https://www.naphu.go.th/news/12 ครับ",
        "3D",
        note="https://www.naphu.go.th/news/12",
    ),
    row(
        "ข้อ 3 เสร็จแล้ว\nหลักฐาน: https://naphu.go.th/procure",
        "3D",
        note="https://naphu.go.th/procure",
    ),
    row(
        "ข้อ 4 เรียบร้อยแล้วค่ะ ดูได้ที่ https://naphu.go.th/o10",
        "4D",
        note="ดูได้ที่ https://naphu.go.th/o10",
    ),
    row("ดูได้ที่ www.naphu.go.th ข้อ 6 เสร็จแล้ว", "6D", note="ดูได้ที่ www.naphu.go.th"),
    row(
        "ข้อ 3 เสร็จแล้ว หลักฐาน: รายงานการจัดซื้อจัดจ้างประจำเดือน",
        "3D",
        note="รายงานการจัดซื้อจัดจ้างประจำเดือน",
    ),
    row("ข้อ 5 เสร็จแล้ว หมายเหตุ รอผู้บริหารลงนาม", "5D", note="รอผู้บริหารลงนาม"),
    row("ข้อ 6 เสร็จแล้ว เผยแพร่บนเว็บไซต์แล้ว", "6D", note="เผยแพร่บนเว็บไซต์แล้ว"),
    row("ข้อ 4 ยังไม่ได้ทำค่ะ ตรวจสอบได้ที่กองช่าง", "4N", note="ตรวจสอบได้ที่กองช่าง"),
    row("ข้อ 3 เสร็จแล้ว (๓๑ มี.ค. ๖๔)", "3D", note="๓๑ มี.ค. ๖๔"),
    row("ข้อ 1 เสร็จแล้ว ตรวจสอบในเว็บไซต์ ข้อ 2 กำลังทำ", "1D 2P", note="ตรวจสอบในเว็บไซต์"),
    row("ข้อ 1 ยังไม่ได้ส่งหลักฐาน แต่เสร็จแล้ว", "1D"),
    # -- dates and counts are not measure numbers ---------------------------------------------
    row("ข้อ 1 เสร็จแล้ว เมื่อ 31 มีนาคม 2564", "1D"),
    row("ข้อ 1 เสร็จตั้งแต่วันที่ 15 ค่ะ", "1D"),
    row("วันที่ 15 เสร็จแล้ว", "", "no_measure", candidates=ALL, hint=D),
    # -- not sure: ask back, write nothing ----------------------------------------------------
    row("สวัสดีครับ", "", "no_measure", looks=False),
    row("ขอบคุณค่ะ", "", "no_measure", looks=False),
    row("ลงทะเบียน ABC123", "", "no_measure", looks=False),
    row("ภาพรวม", "", "no_measure", looks=False),
    row("เสร็จแล้วค่ะ", "", "no_measure", candidates=ALL, hint=D, looks=True),
    row("เสร็จแล้วค่ะ", "", "no_measure", own=["3"], candidates=["3"], hint=D),
    row("กำลังทำอยู่ครับ", "", "no_measure", candidates=ALL, hint=P),
    row("ยังไม่เริ่มค่ะ", "", "no_measure", candidates=ALL, hint=N),
    row("60%", "", "no_measure", candidates=ALL, hint=P, percent=60),
    row("done", "", "no_measure", candidates=ALL, hint=D),
    row("ข้อมูลเสร็จแล้ว", "", "no_measure", candidates=ALL, hint=D),
    row("ข้อ 0 เสร็จ", "", "unknown_measure", unknown=["0"], candidates=ALL, hint=D),
    row("ข้อ 3", "", "no_status", candidates=["3"], looks=True),
    row("ข้อ 3 ครับ", "", "no_status", candidates=["3"]),
    row("ข้อ 1 ok", "", "no_status", candidates=["1"]),
    row("ข้อ 1 เสร็จแล้ว ข้อ 2", "", "no_status", candidates=["2"]),
    row("ข้อ 7 เสร็จแล้ว", "", "unknown_measure", unknown=["7"], candidates=ALL, hint=D),
    row("ข้อ 7 เสร็จแล้ว", "", "unknown_measure", own=["3"], unknown=["7"], candidates=["3"], hint=D),
    row("ข้อ ๙ กำลังทำ", "", "unknown_measure", unknown=["9"], candidates=ALL, hint=P),
    row("ข้อ 12 เสร็จแล้ว", "", "unknown_measure", unknown=["12"], candidates=ALL, hint=D),
    row("ข้อ 5-8 เสร็จแล้ว", "", "unknown_measure", unknown=["7", "8"], candidates=ALL, hint=D),
    row("ข้อ 1 เสร็จแล้ว ข้อ 8 กำลังทำ", "", "unknown_measure", unknown=["8"], candidates=ALL),
    row("ข้อ 1 เสร็จแล้ว ยังไม่เสร็จ", "", "conflict", candidates=["1"]),
    row("ข้อ 2 เสร็จแล้ว ข้อ 2 ยังไม่เริ่ม", "", "conflict", candidates=["2"]),
]


@pytest.mark.parametrize(("text", "own", "expected", "looks"), CASES)
def test_table(text: str, own: list[str], expected: dict, looks: bool | None) -> None:
    parsed = parse_report(text, MEASURES, own)
    assert parsed == ParsedReport(**expected)  # every field, including any the table leaves out
    if looks is not None:
        assert looks_like_report(text) is looks
    if parsed.updates:  # whatever it understood, the text looked like a report
        assert looks_like_report(text)


def test_table_is_large_and_covers_the_problems() -> None:
    assert len(CASES) >= 100
    problems = {case.values[2]["problem"] for case in CASES}
    assert problems == {
        None,
        "no_measure",
        "no_status",
        "unknown_measure",
        "ambiguous_measure",
        "conflict",
    }


# -- property: no status word, no update --------------------------------------------------------

# Stems of every status word the parser knows (and their slips); text without any of them
# must never produce an update, whatever numbers, titles, notes or particles it holds.
STATUS_STEMS = (
    *("เสร็", "เสร", "เสด", "เส็ด", "เรีย", "เรีบ", "ร้อ", "สำเ", "กำล", "กํา", "ทำ", "ทํา"),
    *("ดำเ", "เริ", "เร่ิ", "ยัง", "ครบ", "ปิด", "จบ", "คืบ", "ครึ่ง", "บางส่วน", "เกือบ"),
    *("ใกล้", "ระหว่าง", "ระว่าง", "ระหวาง", "อยู่", "อยุ่", "%", "เปอ", "ร้อยละ"),
    *("done", "finish", "complet", "progress", "going", "wip", "doing", "start", "todo"),
    *("not", "process", "working", "yet"),
)
NEAR_MISSES = (
    *("ข้อ 1", "ข้อ ๒", "ข้อสาม", "มาตรการที่ 4", "(๕)", "1.", "ทุกข้อ", "ทั้งหมด", "ที่เหลือ"),
    *("จัดซื้อจัดจ้าง", "เผยแพร่ข้อมูล", "ลดขั้นตอน", "ITA", "ความโปร่งใส", "การดำเนินงาน"),
    *("ครับ", "ค่ะ", "คะ", "นะ", "จ้า", "สวัสดี", "ขอบคุณ", "แล้ว", "ไม่", "ไม่ใช่", "ได้", "ok"),
    *("31 มีนาคม", "2564", "60", "ตรวจสอบในเว็บไซต์", "https://naphu.go.th/x", "หลักฐาน:"),
    *("กองคลัง", "สำนักปลัด", "ลงทะเบียน", "ภาพรวม", "เดือนหน้า", "วันที่ 15", "หรือ", "กับ"),
)
THAI_AND_MORE = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B) | st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz0123456789 ,.-()\n:/")
)
PIECE = st.sampled_from(NEAR_MISSES) | st.text(THAI_AND_MORE, min_size=1, max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(pieces=st.lists(PIECE, min_size=1, max_size=8), glue=st.sampled_from(["", " ", "\n"]))
def test_no_status_word_no_update(pieces: list[str], glue: str) -> None:
    text = glue.join(pieces)
    folded = text.lower().replace("\u0e4d\u0e32", "\u0e33")
    assume(not any(stem in folded for stem in STATUS_STEMS))
    parsed = parse_report(text, MEASURES, ALL)
    assert parsed.updates == []
    assert parsed.problem is not None


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECE | st.sampled_from(["เสร็จแล้ว", "กำลังทำ", "ยังไม่เริ่ม", "50%"])))
def test_sure_means_updates_and_never_both(pieces: list[str]) -> None:
    text = " ".join(pieces)
    parsed = parse_report(text, MEASURES, ALL)
    assert (parsed.problem is None) == bool(parsed.updates)
    assert all(status in (D, P, N) for _, status in parsed.updates)
    assert all(measure_id in ALL for measure_id, _ in parsed.updates)


def test_the_title_index_kept_as_json_parses_every_row_the_same(monkeypatch) -> None:
    """handlers/titles.py keeps the index beside the plan as JSON; a process that reads it back
    must parse exactly as one that built it."""
    from handlers import parse_titles

    built = parse_titles.title_index(tuple(MEASURES))
    read_back = parse_titles.index_from_json(parse_titles.index_to_json(built))
    assert read_back == built
    monkeypatch.setattr(parse_titles, "_INDEXES", parse_titles.OrderedDict())
    parse_titles.remember(tuple(MEASURES), read_back)
    monkeypatch.setattr(parse_titles, "_build", lambda _: pytest.fail("built again"))
    for case in CASES:
        text, own, expected, _ = case.values
        assert parse_report(text, MEASURES, own) == ParsedReport(**expected), text
