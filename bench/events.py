"""Simulated people and the signed webhook requests they cause: the bench's event mix.

Staff are registered straight through the store (invite + redeem, as `ลงทะเบียน CODE` would);
events are LINE webhook bodies built like the simulator builds them (`simulator.webhook`),
signed with the channel secret, each carrying a reply token the simulator issued.

The mix, per request: status by text (Thai and Arabic digits, several measures, negations,
an evidence link), status by tap (postback data signed for that user, as the bot issues
it), ภาพรวม from an admin, and a redelivery of an earlier event (same webhookEventId,
`isRedelivery: true`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from handlers import postback
from simulator import webhook
from store import people
from store.plan_schema import Plan

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

# kind -> share of requests
MIX = {"text": 0.45, "tap": 0.35, "overview": 0.10, "redelivery": 0.10}

STATUS_WORDS = {
    "done": ["เสร็จแล้ว", "ดำเนินการเสร็จเรียบร้อยแล้ว", "เสร็จเรียบร้อย"],
    "in_progress": ["อยู่ระหว่างดำเนินการ", "กำลังทำ", "ยังไม่เสร็จ"],
}


@dataclass
class Person:
    user_id: str
    org: str
    division: str | None
    admin: bool = False
    own: list[str] = field(default_factory=list)  # measure ids of the division


@dataclass
class Request:
    """One webhook POST: its path, body and signature, and what it should cause."""

    kind: str  # text | tap | overview | redelivery
    path: str
    body: bytes
    signature: str
    event_id: str
    user_id: str
    token: str
    event: dict[str, Any]
    updates: list[tuple[str, str]] = field(default_factory=list)  # (measure, status) intended


def register(
    r: redis.Redis, plan: Plan, staff_per_division: int, admins: int, rng: random.Random
) -> list[Person]:
    """Create and redeem invites for staff of every division and a few admins."""
    org = plan.org.id
    out: list[Person] = []
    for division in plan.divisions:
        own = [m.id for m in plan.measures if division in m.owners]
        for i in range(staff_per_division):
            user_id = "U" + rng.getrandbits(128).to_bytes(16, "big").hex()
            code = people.create_invite(r, org, "division", division, created_by="bench")
            result = people.redeem_invite(r, org, user_id, code, f"เจ้าหน้าที่ {division} {i + 1}")
            assert result.ok, result
            out.append(Person(user_id, org, division, own=own))
    for i in range(admins):
        user_id = "U" + rng.getrandbits(128).to_bytes(16, "big").hex()
        code = people.create_invite(r, org, "admin", "admin", created_by="bench")
        assert people.redeem_invite(r, org, user_id, code, f"ผู้ดูแล {i + 1}").ok
        out.append(Person(user_id, org, None, admin=True))
    return out


def register_fast(
    r: redis.Redis, plan: Plan, staff_per_division: int, rng: random.Random
) -> list[Person]:
    """Staff written straight into the people hash in one round trip (for 1,000 orgs)."""
    org = plan.org.id
    out: list[Person] = []
    mapping = {}
    for division in plan.divisions:
        own = [m.id for m in plan.measures if division in m.owners]
        for i in range(staff_per_division):
            user_id = "U" + rng.getrandbits(128).to_bytes(16, "big").hex()
            mapping[user_id] = people.Person(
                user_id, f"เจ้าหน้าที่ {i + 1}", division, joined="2021-03-01"
            ).to_json()
            out.append(Person(user_id, org, division, own=own))
    from store.db import key

    r.hset(key(org, "people"), mapping=mapping)
    return out


class Mix:
    """Builds the next request of the mix. Not thread-safe: one per load generator."""

    def __init__(
        self,
        channel_secret: str,
        signing_key: str,
        people_: list[Person],
        tokens: dict[str, list[str]],
        rng: random.Random,
        *,
        mix: dict[str, float] | None = None,
        path_of=lambda org: f"/callback/{org}",
        in_turn: bool = False,
        secret_of: Callable[[str], str] | None = None,
    ):
        self.secret = channel_secret
        self.signing_key = signing_key
        self.staff = [p for p in people_ if p.division and p.own]
        self.admins = [p for p in people_ if p.admin]
        self.tokens = tokens
        self.rng = rng
        self.mix = mix or MIX
        self.kinds = list(self.mix)
        self.weights = [self.mix[k] for k in self.kinds]
        self.path_of = path_of
        # in_turn: each request from the next staff member in turn (every one of them sends,
        # e.g. one event per organisation), not from one picked at random
        self.in_turn = in_turn
        # secret_of: each organisation's own channel secret (else channel_secret for all)
        self.secret_of = secret_of
        self._destinations: dict[str, str] = {}
        self.sent: list[Request] = []  # first deliveries, for redelivery
        self.seq = 0
        self.unissued = 0

    def _token(self, user_id: str) -> str:
        """A reply token the simulator issued to this user; an unknown one when they ran out
        (the reply then fails and the bot pushes instead: counted as such)."""
        pool = self.tokens.get(user_id)
        if pool:
            return pool.pop()
        self.unissued += 1
        return webhook.new_reply_token()

    def _sign(
        self, kind: str, user: Person, event: dict[str, Any], updates: list[tuple[str, str]]
    ) -> Request:
        secret = self.secret_of(user.org) if self.secret_of else self.secret
        destination = self._destinations.get(secret)
        if destination is None:  # the bot user id LINE names as the webhook's destination
            destination = self._destinations[secret] = webhook.bot_user_id(secret)
        body = webhook.webhook_body(destination, [event])
        return Request(
            kind,
            self.path_of(user.org),
            body,
            webhook.sign(secret, body),
            event["webhookEventId"],
            user.user_id,
            event.get("replyToken", ""),
            event,
            updates,
        )

    def _text(self, user: Person) -> tuple[str, list[tuple[str, str]]]:
        own = user.own
        m = self.rng.choice(own)
        form = self.rng.randrange(6)
        if form == 0:
            return f"ข้อ {m} {self.rng.choice(STATUS_WORDS['done'])}", [(m, "done")]
        if form == 1:
            return f"ข้อ {m.translate(THAI_DIGITS)} อยู่ระหว่างดำเนินการ", [(m, "in_progress")]
        if form == 2:
            self.seq += 1
            link = f"https://{user.org}.go.th/ita/{self.seq}"
            return f"มาตรการที่ {m} เสร็จแล้ว ตรวจสอบในเว็บไซต์ {link}", [(m, "done")]
        if form == 3 and len(own) >= 2:
            a, b = sorted(self.rng.sample(own, 2), key=int)
            return f"ข้อ {a} กับ {b} กำลังทำ", [(a, "in_progress"), (b, "in_progress")]
        if form == 4:
            return f"ยังไม่ได้เริ่มข้อ {m}", [(m, "not_started")]
        return f"ข้อ {m} ยังไม่เสร็จ", [(m, "in_progress")]

    def _sender(self) -> Person:
        if self.in_turn:
            return self.staff[len(self.sent) % len(self.staff)]
        return self.rng.choice(self.staff)

    def next(self) -> Request:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind == "redelivery" and self.sent:
            original = self.rng.choice(self.sent[-200:])
            event = json.loads(json.dumps(original.event))
            event["deliveryContext"] = {"isRedelivery": True}
            user = next(p for p in self.staff + self.admins if p.user_id == original.user_id)
            return self._sign("redelivery", user, event, original.updates)
        if kind == "overview" and self.admins:
            user = self.rng.choice(self.admins)
            req = self._sign(
                kind,
                user,
                webhook.text_event(user.user_id, "ภาพรวม", self._token(user.user_id)),
                [],
            )
        elif kind == "tap":
            user = self._sender()
            m = self.rng.choice(user.own)
            status = self.rng.choice(["not_started", "in_progress", "done"])
            data = postback.encode(self.signing_key, user.org, user.user_id, "st", m, status)
            event = webhook.postback_event(user.user_id, data, self._token(user.user_id))
            req = self._sign(kind, user, event, [(m, status)])
        else:
            user = self._sender()
            text, updates = self._text(user)
            req = self._sign(
                "text",
                user,
                webhook.text_event(user.user_id, text, self._token(user.user_id)),
                updates,
            )
        self.sent.append(req)
        return req
