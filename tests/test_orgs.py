"""`itabot org …` and `--org` after every subcommand: list (and its JSON), credentials files,
a second plan loaded beside the first, the PDPA export archive, and removing every key of an
organisation (the other one intact)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
import requests
from rq.job import Job

from core.config import load_settings
from core.texts import cli as cli_texts
from core.texts import plan_editor as plan_editor_texts
from core.texts.plan_editor import FIELD_LABELS
from store import orgs, plan_revisions, plans, versions
from store.db import connect_binary
from tests.helpers import (
    ROOT,
    SECOND_ORG,
    add_org,
    itabot,
    join_org,
    last_word,
    plan_of,
    settle,
)


def _itabot_stdin(stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def second(sim, web, tmp_path):
    return add_org(sim, web, tmp_path)


def test_org_list_shows_every_org_and_no_secret(second, tmp_path):
    credentials = (
        f"LINE_CHANNEL_SECRET=third-secret-{'9' * 20}\nLINE_CHANNEL_ACCESS_TOKEN=t3-{'8' * 30}\n"
    )
    added = _itabot_stdin(
        credentials, "org", "add", "third", "--credentials", "-", "--name", "อบต.สาม"
    )
    assert added.returncode == 0, added.stderr
    assert "/callback/third" in added.stdout
    rows = json.loads(itabot("org", "list", "--json").stdout)
    assert [row["id"] for row in rows] == ["naphu", SECOND_ORG, "third"]
    for row in rows:
        assert {"id", "name", "province", "has_channel", "default"} <= set(row)
    by_id = {row["id"]: row for row in rows}
    assert by_id["naphu"]["default"] and not by_id["naphu"]["has_channel"]
    assert by_id[SECOND_ORG]["has_channel"] and not by_id[SECOND_ORG]["default"]
    assert by_id[SECOND_ORG]["name"] == "องค์การบริหารส่วนตำบลหนองบัว"
    assert by_id[SECOND_ORG]["province"] == "จังหวัดอุดรธานี"
    assert by_id["third"]["name"] == "อบต.สาม" and by_id["third"]["has_channel"]
    text = itabot("org", "list").stdout
    assert SECOND_ORG in text and "third" in text
    for output in (text, json.dumps(rows), added.stdout + added.stderr):
        for secret in (second["secret"], second["token"], "third-secret-", "t3-888"):
            assert secret not in output
    # a second `org add` of the same id is a rotation's job
    again = _itabot_stdin(credentials, "org", "add", "third", "--credentials", "-")
    assert again.returncode != 0 and "set-channel" in again.stderr


@pytest.mark.parametrize(
    "text, problem",
    [
        ("LINE_CHANNEL_SECRET=abcdefgh12345\n", "LINE_CHANNEL_ACCESS_TOKEN"),
        ("LINE_CHANNEL_SECRET=abcdefgh12345\nLINE_CHANEL_ACCESS_TOKEN=zzzz9999\n", "LINE_CHANEL"),
        ("abcdefgh12345\nLINE_CHANNEL_ACCESS_TOKEN=zzzz9999\n", "บรรทัด 1"),
    ],
)
def test_a_bad_credentials_file_stores_nothing_and_shows_no_value(sim, rdb, text, problem):
    done = _itabot_stdin(text, "org", "add", "fourth", "--credentials", "-")
    assert done.returncode != 0 and problem in done.stderr
    assert "abcdefgh12345" not in done.stderr and "zzzz9999" not in done.stderr
    assert not orgs.exists(rdb, "fourth") and not list(rdb.scan_iter("ita:{fourth}:*"))
    assert itabot("org", "add", "Bad_Id", "--credentials", "-", check=False).returncode != 0


def test_plan_load_of_a_new_org_needs_no_replace(sim, rdb, tmp_path):
    path = plan_of(SECOND_ORG, tmp_path)
    assert "โหลดแผน" in itabot("plan", "load", str(path)).stdout  # no --replace
    assert plans.all_orgs(rdb) == ["naphu", SECOND_ORG]
    assert plans.default_org(rdb) == "naphu"  # `/callback` still serves the first one
    user = sim.create_user("นาพู่")
    assert sim.follow(user) == 200
    assert "นาพู่" in json.dumps(sim.wait_for(user, 1), ensure_ascii=False)
    assert json.loads(itabot("status", "--json").stdout)["measures"]
    # --org must name the plan's own org
    wrong = itabot("plan", "load", str(path), "--org", "naphu", check=False)
    assert wrong.returncode == 2 and plans.get_plan(rdb, "naphu").org.id == "naphu"
    itabot("plan", "load", "--org", SECOND_ORG, str(path), "--replace")
    assert plans.default_org(rdb) == SECOND_ORG
    # each load that changed the plan is a revision in its history, as an edit on the web is
    (first,) = plan_revisions.revisions(rdb, SECOND_ORG)  # the same file again: no new one
    assert first.by_name == cli_texts.PLAN_LOADED_BY
    assert first.summary == [plan_editor_texts.plan_first_loaded(6, 5)]
    path.write_text(path.read_text(encoding="utf-8").replace("ให้ความรู้เรื่อง ITA", "อบรม ITA"))
    itabot("plan", "load", "--org", SECOND_ORG, str(path))
    latest, _ = plan_revisions.revisions(rdb, SECOND_ORG)
    assert latest.summary == [
        plan_editor_texts.change_line(
            "measure_changed", "๑", [FIELD_LABELS["measures.short_title"]]
        )
    ]


def test_every_subcommand_takes_org_after_its_name(sim, rdb, tmp_path):
    itabot("plan", "load", str(plan_of(SECOND_ORG, tmp_path)))
    code = itabot("invite", "--org", SECOND_ORG, "กองคลัง").stdout.splitlines()[0]
    normalised = code.replace("-", "")
    assert rdb.exists(f"ita:{{{SECOND_ORG}}}:invite:{normalised}")
    assert not rdb.exists(f"ita:{{naphu}}:invite:{normalised}")
    before = itabot("--org", SECOND_ORG, "invite", "admin").stdout.splitlines()[0]
    assert rdb.exists(f"ita:{{{SECOND_ORG}}}:invite:{before.replace('-', '')}")

    status = json.loads(itabot("status", "--org", SECOND_ORG, "--json").stdout)
    assert {m["id"] for m in status["measures"]} == {"1", "2", "3", "4", "5", "6"}
    remind = itabot("remind", "--org", SECOND_ORG, "--at", "2021-03-24T09:00:00+07:00", "--dry-run")
    assert "20210324T0200Z" in remind.stdout
    assert itabot("compile", "--org", SECOND_ORG, "--no-wait").stdout.strip() == "version 1 queued"
    assert versions.numbers(rdb, SECOND_ORG) == [1] and versions.numbers(rdb, "naphu") == []
    settle(rdb, timeout=60)
    assert itabot("status", "--org", "ghost", check=False).returncode != 0


def test_org_export_holds_plan_people_history_versions_and_no_secret(second, sim, rdb, tmp_path):
    org = second["org"]
    staff = join_org(sim, "คลังหนองบัว", "กองคลัง", org, second["channel"])
    last_word(sim, staff, "ข้อ 3 เสร็จแล้ว")
    itabot("compile", "--org", org, "--at", "2021-03-30T10:00:00+07:00")
    settle(rdb)
    out = tmp_path / "out" / f"{org}.zip"
    assert str(out) in itabot("org", "export", org, "-o", str(out)).stdout
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        files = {name: archive.read(name) for name in names}
    expected = {"organisation.json", "plan.yaml", "plan.json", "status.json", "people.json"}
    expected |= {"history.json", "versions/v1/version.json"}
    expected |= {f"versions/v1/memo-v1.{kind}" for kind in ("pdf", "docx", "png")}
    assert {f"{org}/{name}" for name in expected} <= names
    plan = json.loads(files[f"{org}/plan.json"])
    assert plan["org"]["id"] == org
    people = json.loads(files[f"{org}/people.json"])
    assert [p["user_id"] for p in people] == [staff] and people[0]["division"] == "กองคลัง"
    history = json.loads(files[f"{org}/history.json"])
    assert [(h["measure"], h["division"], h["new"]) for h in history] == [("3", "กองคลัง", "done")]
    assert files[f"{org}/versions/v1/memo-v1.pdf"].startswith(b"%PDF")
    rb = connect_binary(load_settings().redis_url)
    assert files[f"{org}/versions/v1/memo-v1.pdf"] == versions.read_file(rb, org, 1, "pdf")
    for data in files.values():
        assert second["secret"].encode() not in data and second["token"].encode() not in data
    assert itabot("org", "export", "ghost", "-o", str(tmp_path / "g.zip"), check=False).returncode


def test_org_remove_asks_then_leaves_no_key_of_that_org(sim, web, rdb, tmp_path):
    second = add_org(sim, web, tmp_path, deadline="2099-03-31T16:30:00+07:00")
    org = second["org"]
    join_org(sim, "คลังหนองบัว", "กองคลัง", org, second["channel"])
    scheduled = rdb.smembers(f"ita:{{{org}}}:scheduled-jobs")
    assert scheduled  # reminders and the deadline compile of 2099
    naphu_keys = set(rdb.scan_iter("ita:{naphu}:*"))

    refused = _itabot_stdin("naphu\n", "org", "remove", org)
    assert refused.returncode == 1 and org in refused.stderr
    assert orgs.exists(rdb, org)
    done = _itabot_stdin(f"{org}\n", "org", "remove", org)
    assert done.returncode == 0, done.stderr

    assert list(rdb.scan_iter(f"ita:{{{org}}}:*")) == []
    assert not rdb.sismember("ita:orgs", org) and not rdb.sismember("ita:channels", org)
    rb = connect_binary(load_settings().redis_url)
    for job_id in scheduled:
        assert not Job.exists(job_id, connection=rb)
        assert rdb.zscore("rq:scheduled:default", job_id) is None
    assert set(rdb.scan_iter("ita:{naphu}:*")) == naphu_keys
    assert plans.default_org(rdb) == "naphu" and plans.all_orgs(rdb) == ["naphu"]
    assert requests.post(f"{web}/callback/{org}", data=b"{}", timeout=10).status_code == 404
    assert [row["id"] for row in json.loads(itabot("org", "list", "--json").stdout)] == ["naphu"]
    assert itabot("org", "remove", org, "--yes", check=False).returncode != 0  # gone already
