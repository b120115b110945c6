"""The plan editor over plain HTTP: who may post, validation in Thai next to the field, the
confirmation before a removal drops statuses, and rescheduling after a save."""

from __future__ import annotations

import json
import re

from store import plan_revisions, plans
from tests.helpers import itabot, join, report, signed_in
from tests.plan_form import form_fields, with_values

ORG = "naphu"


def plan_url(web: str) -> str:
    return f"{web}/admin/{ORG}/plan"


def statuses() -> dict[str, dict]:
    found = json.loads(itabot("status", "--json").stdout)["measures"]
    return {m["id"]: m["divisions"] for m in found}


def test_reviewer_reads_the_plan_but_every_post_is_refused(sim, web, rdb):
    admin, _ = signed_in(sim, web)
    admin_form = form_fields(admin.get(plan_url(web), timeout=30).text)
    http, _ = signed_in(sim, web, "สราวุทธิ์ หัวหน้าสำนักปลัด", "หัวหน้าสำนักปลัด")
    page = http.get(plan_url(web), timeout=30)
    assert page.status_code == 200
    assert "ให้ความรู้เรื่องการประเมินคุณธรรม" in page.text  # the plan is there to read
    assert '<fieldset class="plain-fieldset" disabled>' in page.text
    assert 'id="plan-save"' not in page.text
    assert http.get(f"{web}/admin/{ORG}/history", timeout=30).status_code == 200
    revision = plans.revision_of(rdb, ORG)
    # the reviewer's own CSRF token (from the logout form) does not make them an admin
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    changed = with_values(admin_form, csrf=csrf, **{"org__short_name": "อบต.เปลี่ยน"})
    for extra in ([], [("confirm", "1")]):
        refused = http.post(plan_url(web), data=changed + extra, timeout=30)
        assert refused.status_code == 403
    assert plans.revision_of(rdb, ORG) == revision
    assert plan_revisions.revisions(rdb, ORG) == []


def test_bad_values_are_named_in_thai_next_to_the_field_and_nothing_is_saved(sim, web, rdb):
    http, _ = signed_in(sim, web)
    fields = form_fields(http.get(plan_url(web), timeout=30).text)
    revision = plans.revision_of(rdb, ORG)

    no_zone = http.post(plan_url(web), data=with_values(fields, deadline="2021-04-30T16:30:00"))
    assert no_zone.status_code == 422
    error = re.search(
        r'<span class="field-error" id="f-deadline-error"[^>]*>([^<]+)<', no_zone.text
    )
    assert error and error.group(1) == "กำหนดส่ง: ต้องระบุเขตเวลา เช่น 2021-03-31T16:30:00+07:00"
    assert 'value="2021-04-30T16:30:00"' in no_zone.text  # what was typed stays in the field

    not_a_division = with_values(fields) + [("measures.2.owners", "กองไม่มีจริง")]
    refused = http.post(plan_url(web), data=not_a_division, timeout=30)
    assert refused.status_code == 422
    assert "มาตรการลำดับที่ ๓ · ผู้รับผิดชอบ: “กองไม่มีจริง” ไม่อยู่ในรายชื่อหน่วยงาน" in refused.text

    no_owner = [(n, v) for n, v in fields if n != "measures.3.owners"]
    refused = http.post(plan_url(web), data=no_owner, timeout=30)
    assert "ผู้รับผิดชอบ: ต้องมีอย่างน้อยหนึ่งรายการ" in refused.text

    assert plans.revision_of(rdb, ORG) == revision
    assert plans.get_plan(rdb, ORG).measure("3").owners == ["กองคลัง"]
    assert plan_revisions.revisions(rdb, ORG) == []


def test_removing_a_measure_shows_what_is_dropped_then_drops_its_statuses(sim, web, rdb):
    office = join(sim, "สมศรี สำนักปลัด", "สำนักปลัด")
    report(sim, office, "ข้อ 6 กำลังทำ")
    report(sim, office, "ข้อ 4 เสร็จแล้ว")
    http, _ = signed_in(sim, web)
    fields = form_fields(http.get(plan_url(web), timeout=30).text)
    removal = with_values(fields, **{"measures__5__remove": "1"})

    confirm = http.post(plan_url(web), data=removal, timeout=30)
    assert confirm.status_code == 200
    assert "ยืนยันการแก้ไขแผน" in confirm.text
    assert re.search(r'<ul id="dropped-measures"><li>ข้อ ๖ ', confirm.text)
    assert "<li>ข้อ ๖ · สำนักปลัด</li>" in confirm.text
    assert plans.get_plan(rdb, ORG).measure("6") is not None  # nothing saved yet
    assert statuses()["6"] == {"สำนักปลัด": "in_progress"}

    saved = http.post(plan_url(web), data=form_fields(confirm.text, "plan-confirm"), timeout=30)
    assert saved.status_code == 200 and "บันทึกแผนแล้ว" in saved.text
    assert plans.get_plan(rdb, ORG).measure("6") is None
    now = statuses()
    assert "6" not in now
    assert now["4"] == {"สำนักปลัด": "done"}  # a surviving measure keeps its status
    assert "6|สำนักปลัด" not in rdb.hkeys(f"ita:{{{ORG}}}:status")
    (revision,) = plan_revisions.revisions(rdb, ORG)
    assert revision.by_name == "กัญรัตน์ แผนงาน"
    assert any(line.startswith("ลบมาตรการข้อ ๖") for line in revision.summary)
    history = http.get(f"{web}/admin/{ORG}/history", timeout=30).text
    assert "ลบมาตรการข้อ ๖" in history


def _reminder_jobs(rdb) -> set[str]:
    ids = rdb.smembers(f"ita:{{{ORG}}}:scheduled-jobs")
    return {i for i in ids if "-remind-" in i and rdb.zscore("rq:scheduled:default", i) is not None}


def test_changing_the_reminder_schedule_reschedules_the_jobs(sim, web, rdb):
    http, _ = signed_in(sim, web)
    fields = form_fields(http.get(plan_url(web), timeout=30).text)
    first = with_values(
        fields,
        deadline="2099-03-31T16:30:00+07:00",
        reminders__days_before="10, 2",
        reminders__time="08:00",
    )
    assert "บันทึกแผนแล้ว" in http.post(plan_url(web), data=first, timeout=30).text
    assert _reminder_jobs(rdb) == {
        "sched-naphu-remind-20990321T0100Z",
        "sched-naphu-remind-20990329T0100Z",
    }
    fields = form_fields(http.get(plan_url(web), timeout=30).text)
    second = with_values(fields, reminders__days_before="๕", reminders__time="09:30")
    assert "บันทึกแผนแล้ว" in http.post(plan_url(web), data=second, timeout=30).text
    assert _reminder_jobs(rdb) == {"sched-naphu-remind-20990326T0230Z"}
    assert plans.get_plan(rdb, ORG).reminders.days_before == [5]
    latest = plan_revisions.revisions(rdb, ORG)[0].summary
    assert latest == ["เปลี่ยนกำหนดการแจ้งเตือน: ๕ วันก่อนกำหนด เวลา ๐๙:๓๐ น."]
