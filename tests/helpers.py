"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def itabot(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"itabot {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
        )
    return result


def invite(target: str, org: str = "naphu") -> str:
    """A fresh code, made in-process (the `itabot invite` command has tests of its own)."""
    from core.config import load_settings
    from store import people, plans
    from store.db import connect

    r = connect(load_settings().redis_url)
    plan = plans.get_plan(r, org)
    assert plan is not None
    kind = "admin" if target == "admin" else "division" if target in plan.divisions else "position"
    return people.create_invite(r, org, kind, target)


def join(sim, name: str, target: str) -> str:
    """A new LINE user who follows the bot and registers with a fresh code for `target`."""
    user = sim.create_user(name)
    assert sim.follow(user) == 200
    sim.wait_for(user, 1)
    code = invite(target)
    assert sim.send_text(user, f"ลงทะเบียน {code}") == 200
    sim.wait_for(user, 2)
    return user
