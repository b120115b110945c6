"""Bad input: the webhook fuzzed with correctly signed bodies (hypothesis).

Each generated body goes through the Flask app (its test client: no sockets, fast) and, when
the app stores it, through the worker's handler `jobs.webhook.process_body`, run in this
process exactly as the worker runs it, with the LINE client pointed at a simulator. Checked:
never a 500, the handler never raises, and no status changes that the body did not ask for.

Hypothesis draws LINE-shaped bodies (staff reports and taps, strangers, unknown event types,
wrong types, missing fields, odd Unicode, huge strings, JSON nested thousands deep, broken
bytes) and each drawn body yields VARIANTS mutants of it. ITABOT_FUZZ_EXAMPLES is the number
of bodies: 12,000 in `make test` (about 45 s), 100,000 in `make fuzz`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import io
import json
import logging
import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import DEMO_CHANNEL_SECRET, Settings, load_settings
from store.event_queues import inbox_key, shard_of, waiting_bodies
from tests.helpers import SEED_PLAN
from tests.own_stack import RedisServer, environment
from tests.simulator_fixtures import running_simulator

ORG = "naphu"
BODY_COUNT = int(os.environ.get("ITABOT_FUZZ_EXAMPLES", "12000"))  # bodies through web and worker
MIB = 1024 * 1024

STAFF = "U" + "5" * 32  # กองคลัง: owns measures 1, 2, 3 and 5
REVIEWER = "U" + "7" * 32  # หัวหน้าสำนักปลัด
ADMIN = "U" + "a" * 32
STRANGER = "U" + "0" * 32
STAFF_CELLS = {f"{m}|กองคลัง" for m in ("1", "2", "3", "5")}


class World:
    """The fuzz's own Redis, web app (test client) and settings."""

    def __init__(self, settings: Settings, client: Any, r: redis.Redis):
        self.settings, self.client, self.r = settings, client, r
        self.accepted = 0

    def __repr__(self) -> str:  # hypothesis prints its arguments: no settings (secrets) in reports
        return "World()"

    def post(self, body: bytes, signature: str | None = None) -> int:
        headers = {
            "X-Line-Signature": signature if signature is not None else sign(body),
            "Content-Type": "application/json",
        }
        return self.client.post("/callback", data=body, headers=headers).status_code

    def snapshot(self) -> tuple[dict[str, str], int, int]:
        """(status cells, history length, webhook bodies stored), in one round trip."""
        pipe = self.r.pipeline(transaction=False)
        pipe.hgetall(f"ita:{{{ORG}}}:status")
        pipe.llen(f"ita:{{{ORG}}}:history")
        pipe.llen(inbox_key(shard_of(ORG)))  # the organisation's inbox (store/event_queues.py)
        cells, history, queued = pipe.execute()
        return cells, history, queued

    def _rq(self):
        from store.db import connect_binary

        return connect_binary(self.settings.redis_url)

    def worker_handles(self, body: bytes, queued_before: int) -> None:
        """What the worker's drain job does with the body the web stored:
        `process_body(org, body)`, here."""
        from jobs.webhook import process_body

        self.accepted += 1
        if self.accepted % 50 == 1:  # now and then: one body stored, and it is exactly this one
            stored = list(waiting_bodies(self._rq(), ORG))
            assert len(stored) == queued_before + 1
            assert stored[-1] == body.decode()
        process_body(ORG, body.decode())  # never raises
        if self.accepted % 200 == 0:
            self.drain()

    def statuses(self) -> dict[str, str]:
        return self.snapshot()[0]

    def run_stored_jobs(self) -> int:
        """Handle every stored webhook body as the worker would; returns how many there were."""
        from jobs.webhook import process_body

        bodies = list(waiting_bodies(self._rq(), ORG))
        for body in bodies:
            process_body(ORG, body)
        self.drain()
        return len(bodies)

    def drain(self) -> None:
        """Drop the stored bodies, the inbox's owner and the drain job the web queued."""
        from rq import Queue

        rq = self._rq()
        shard = shard_of(ORG)
        rq.delete(inbox_key(shard), f"itabot:inbox-owner:{shard}")
        Queue(shard, connection=rq).empty()


def sign(body: bytes) -> str:
    return base64.b64encode(
        hmac.new(DEMO_CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
    ).decode()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    """A redis-server of its own (the session's worker must not pick these bodies up), the seed
    plan, a staff member, a reviewer and an admin, and a LINE simulator for the replies."""
    from bot.app import create_app
    from store import people, plans
    from store.db import key
    from store.plan_schema import load_plan_file

    server = RedisServer(tmp_path_factory.mktemp("fuzz-redis"), persistent=False)
    server.start()
    with running_simulator() as simulator:
        env = {
            "REDIS_URL": server.url,
            "LINE_API_URL": simulator.base_url,
            "LINE_DATA_API_URL": simulator.base_url,
        }
        with environment(env):  # process_body reads its settings from the environment
            own = load_settings()
            r = server.client()
            plans.save_plan(r, load_plan_file(str(SEED_PLAN)), replace=True)
            for user, record in (
                (STAFF, people.Person(STAFF, "คลัง", "กองคลัง")),
                (REVIEWER, people.Person(REVIEWER, "หัวหน้า", positions=["หัวหน้าสำนักปลัด"])),
                (ADMIN, people.Person(ADMIN, "แผน", admin=True)),
            ):
                r.hset(key(ORG, "people"), user, record.to_json())
            yield World(own, create_app(own).test_client(), r)
    server.kill()


# -- what LINE might send, and what it never would -----------------------------------------

THAI = "กขคงจฉชซญฎฏฐฑฒณดตถทธนบปผพฟภมยรลวศษสหฬอฮะาำิีึืุู่้๊๋็์ๆฯ๐๑๒๓๔๕๖๗๘๙0123456789 "
ODD_TEXT = st.one_of(
    st.text(max_size=24),  # any code point but surrogates: emoji, controls, NUL, RTL marks, ...
    st.text(alphabet=THAI, max_size=24),
    st.sampled_from(
        [
            "👍",
            "🏳️‍🌈",
            "👨‍👩‍👧‍👦",
            "\u200b\u200d\ufeff",
            "\u202eข้อ 1",
            "\x00",
            "\r\n",
            "\U0010ffff",
            "ｆｕｌｌ",
            "Ⅻ①٣۳१",
            '"\\|{{%s<b>',
            "ข้อ ๑ เสร็จ\u0000แล้ว",
            "",
            " ",
            "null",
            "[]",
        ]
    ),
)
REPORT_WORDS = [
    "ข้อ",
    "มาตรการที่",
    "๑",
    "๒",
    "๓",
    "๕",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "9",
    "99999999999999999999",
    "-1",
    "0",
    "เสร็จแล้ว",
    "ยังไม่เสร็จ",
    "กำลังทำ",
    "อยู่ระหว่างดำเนินการ",
    "ยังไม่ได้เริ่ม",
    "done",
    "กับ",
    "และ",
    ",",
    "ตรวจสอบในเว็บไซต์",
    "https://example.go.th/ita",
    "50%",
    "ยกเลิก",
    "รายงาน",
    "ภาพรวม",
    "สถานะบันทึก",
    "เข้าสู่ระบบ",
    "ลงทะเบียน",
    "register",
    "ABCD-EFGH",
    "ไม่มีความเห็น",
    "ช่วยเหลือ",
    " ",
    "\n",
    "😀",
]
REPORTS = st.builds(  # what staff type, more or less: "ข้อ 3 เสร็จแล้ว", "ข้อ ๑ กับ 5 กำลังทำ ..."
    "{} {}{} {} {}".format,
    st.sampled_from(["ข้อ", "มาตรการที่", "ยังไม่ได้เริ่มข้อ", ""]),
    st.sampled_from(["1", "2", "3", "5", "๓", "๕", "4", "6", "9"]),
    st.sampled_from(["", " กับ 2", " และ ๓", ",5"]),
    st.sampled_from(["เสร็จแล้ว", "กำลังทำ", "อยู่ระหว่างดำเนินการ", "ยังไม่เสร็จ", "ยังไม่ได้เริ่ม", "done", ""]),
    st.one_of(st.just(""), st.sampled_from(REPORT_WORDS), ODD_TEXT),
)
TEXTS = st.one_of(
    REPORTS,
    REPORTS.map(lambda text: text),
    st.lists(st.sampled_from(REPORT_WORDS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(REPORT_WORDS), max_size=8).map("".join),
    ODD_TEXT,
    st.builds(
        lambda s, n: s * n, st.sampled_from(["ข้อ 1 เสร็จ ", "😀", "a"]), st.integers(100, 6000)
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ODD_TEXT)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(ODD_TEXT, inner, max_size=3)
    ),
    max_leaves=4,
)
USERS = st.one_of(st.sampled_from([STAFF, STAFF, STAFF, REVIEWER, ADMIN, STRANGER]), ODD_TEXT, JUNK)
EVENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "message",
            "message",
            "message",
            "postback",
            "postback",
            "follow",
            "unfollow",
            "join",
            "leave",
            "memberJoined",
            "memberLeft",
            "beacon",
            "accountLink",
            "things",
            "unsend",
            "videoPlayComplete",
            "activated",
            "deactivated",
            "botSuspended",
            "module",
            "membership",
        ]
    ),
    ODD_TEXT,
    JUNK,
)


def _issued(parts: list[str]) -> str:
    """Postback data the bot would have issued to the staff member (signed with the right key)."""
    from handlers import postback

    return postback.encode(load_settings().signing_key, ORG, STAFF, *parts)


PARTS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "st",
                "ask",
                "rv",
                "1",
                "3",
                "4",
                "1,3",
                "done",
                "in_progress",
                "approve",
                "reject",
                "0",
                "",
            ]
        ),
        ODD_TEXT,
    ),
    max_size=5,
)
POSTBACK_DATA = st.one_of(
    PARTS.map(_issued),
    st.tuples(
        st.just("st"),
        st.sampled_from(["1", "2", "3", "5", "1,3", "2,5,3", "4", "6", "7", "1,4"]),
        st.sampled_from(["not_started", "in_progress", "done", "finished"]),
    )
    .map(list)
    .map(_issued),
    st.sampled_from([["ask", "2"], ["ask", "4"], ["rv", "1", "0", "approve"], ["rv", "x"]]).map(
        _issued
    ),
    PARTS.map(lambda p: "|".join(p) + "|" + "A" * 16),
    st.sampled_from(
        ["st|3|done", "st|3|done|AAAAAAAAAAAAAAAA", "rv|1|0|approve|x", "|", "||||", ""]
    ),
    ODD_TEXT,
    JUNK,
)


def _copies(strategy: st.SearchStrategy, n: int) -> list[st.SearchStrategy]:
    """n equal branches for st.one_of (which drops repeats of the very same strategy): weights."""
    return [strategy.map(lambda value: value) for _ in range(n)]


OPTIONAL = {
    "webhookEventId": st.one_of(st.uuids().map(str), ODD_TEXT, JUNK),
    "replyToken": st.one_of(st.just("0" * 32), ODD_TEXT, JUNK),
    "timestamp": st.one_of(st.integers(0, 2**53), JUNK),
    "mode": st.one_of(st.sampled_from(["active", "standby"]), JUNK),
    "deliveryContext": st.one_of(st.fixed_dictionaries({"isRedelivery": st.booleans()}), JUNK),
}
TEXT_MESSAGE = st.fixed_dictionaries({"type": st.just("text"), "id": st.just("1"), "text": TEXTS})
TAP = st.fixed_dictionaries({"data": POSTBACK_DATA}, optional={"params": JUNK})


def _event(
    types: st.SearchStrategy, users: st.SearchStrategy, **fields: st.SearchStrategy
) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {
            "type": types,
            "source": st.fixed_dictionaries({"type": st.just("user"), "userId": users}),
            **fields,
        },
        optional=OPTIONAL,
    )


# LINE-shaped events: a staff member's text or tap (which may change a status, if they say so),
# anyone else's, and then anything at all in LINE's shape
EVENT = st.one_of(
    *_copies(_event(st.just("message"), st.just(STAFF), message=TEXT_MESSAGE), 3),
    *_copies(_event(st.just("postback"), st.just(STAFF), postback=TAP), 2),
    _event(
        st.sampled_from(["message", "postback", "follow"]),
        USERS,
        message=TEXT_MESSAGE,
        postback=TAP,
    ),
    st.fixed_dictionaries(
        {
            "type": EVENT_TYPES,
            "source": st.one_of(
                st.fixed_dictionaries({"type": st.just("user"), "userId": USERS}),
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["group", "room", "x"]),
                        "userId": USERS,
                        "groupId": ODD_TEXT,
                    }
                ),
                JUNK,
            ),
        },
        optional={
            **OPTIONAL,
            "message": st.one_of(
                TEXT_MESSAGE,
                st.fixed_dictionaries(
                    {
                        "type": st.one_of(
                            st.sampled_from(
                                ["image", "sticker", "location", "audio", "file", "video", "text"]
                            ),
                            JUNK,
                        ),
                        "id": st.one_of(st.text("0123456789", max_size=19), JUNK),
                        "text": st.one_of(TEXTS, JUNK),
                    }
                ),
                JUNK,
            ),
            "postback": st.one_of(TAP, JUNK),
            "x-unknown": JUNK,
        },
    ),
)


def _nested(depth: int, kind: str) -> bytes:
    opener, closer = ("[", "]") if kind == "list" else ('{"a":', "}")
    return (
        '{"destination":"U0","events":[{"type":"message","x":'
        + opener * depth
        + "1"
        + closer * depth
        + "}]}"
    ).encode()


BODIES = st.one_of(
    *_copies(
        st.fixed_dictionaries(
            {
                "destination": st.just("U" + "1" * 32),
                "events": st.lists(EVENT, min_size=1, max_size=3),
            }
        ).map(lambda p: json.dumps(p).encode()),
        6,
    ),
    st.fixed_dictionaries(
        {"destination": st.just("U" + "1" * 32), "events": st.lists(EVENT, max_size=3)}
    ).map(lambda p: json.dumps(p, ensure_ascii=False).encode()),
    st.fixed_dictionaries(
        {"events": st.one_of(JUNK, st.lists(JUNK, max_size=3))}, optional={"destination": JUNK}
    ).map(lambda p: json.dumps(p).encode()),  # a webhook, barely
    JUNK.map(lambda j: json.dumps(j).encode()),  # valid JSON, not a webhook
    st.binary(max_size=200),  # not UTF-8, not JSON
    st.builds(
        _nested, st.sampled_from([10, 999, 1001, 5000, 100_000]), st.sampled_from(["list", "dict"])
    ),
    st.text(max_size=50).map(
        lambda t: (
            '{"events":[{"type":"message","message":{"type":"text","text":"' + t + '"}}]}'
        ).encode("utf-8", "surrogatepass")
    ),  # maybe broken JSON
)


# Each generated body also yields VARIANTS mutants, made from it with a seed hypothesis draws
# (so a failing mutant is reported, and shrunk, as its body and seed): a value replaced by an
# odd one, a key dropped or added, an event doubled, its type made unknown, the bytes cut.
VARIANTS = 4
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**70),
    1e308,
    -0.0,
    "",
    " ",
    "x" * 5000,
    "ข้อ 1 เสร็จแล้ว" * 300,
    "😀" * 2000,
    "\x00",
    "\ud83d",
    "\udc00ข้อ 2 เสร็จ",
    "\u202e\u200b",
    "ข้อ ๓ เสร็จแล้ว",
    "ยกเลิก",
    "null",
    [],
    {},
    [[[[[]]]]],
    {"type": "message"},
    {"userId": STAFF},
    STAFF,
    "st|3|done|AAAAAAAAAAAAAAAA",
    "somethingNew",
    "postback",
    "message",
    "follow",
    "unfollow",
    "text",
    "image",
    "user",
    "group",
    {"type": "text", "text": "ข้อ 5 กำลังทำ"},
    {"data": "st|1|done"},
    "0" * 32,
    [1, "a", None],
]
KEYS = [
    "type",
    "source",
    "userId",
    "message",
    "text",
    "postback",
    "data",
    "replyToken",
    "webhookEventId",
    "events",
    "destination",
    "mode",
    "timestamp",
    "deliveryContext",
    "isRedelivery",
    "ข้อ",
    "😀",
    "",
]


def _containers(node: Any, found: list) -> list:
    if isinstance(node, dict | list):
        found.append(node)
        for value in node.values() if isinstance(node, dict) else node:
            _containers(value, found)
    return found


def mutants(body: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    try:
        tree_like = isinstance(json.loads(body), dict | list)
    except (ValueError, RecursionError):
        tree_like = False
    out = []
    for _ in range(VARIANTS):
        if tree_like and rng.random() < 0.9:
            try:
                out.append(_mutate_tree(body, rng))
                continue
            except RecursionError:  # nested hundreds deep: mutate its bytes instead
                pass
        out.append(_mutate_bytes(body, rng))
    return out


def _mutate_bytes(body: bytes, rng: random.Random) -> bytes:
    """Cut short, something spliced in, or one byte changed."""
    data = bytearray(body)
    at = rng.randrange(len(data) + 1)
    choice = rng.randrange(3)
    if choice == 0:
        return bytes(data[:at])
    if choice == 1 or not data:
        data[at:at] = rng.choice([b"\xff", b"\xe0\xb8", b'"', b"\\", b"}", b"\x00", "😀".encode()])
    else:
        data[min(at, len(data) - 1)] = rng.randrange(256)
    return bytes(data)


def _mutate_tree(body: bytes, rng: random.Random) -> bytes:
    """One to three of: a value replaced by an odd one, a key dropped or added, an item doubled."""
    tree = json.loads(body)
    for _ in range(rng.randint(1, 3)):
        node = rng.choice(_containers(tree, []))
        if isinstance(node, dict):
            action = rng.randrange(4)
            if node and action == 0:
                node.pop(rng.choice(list(node)))
            elif node and action == 1:
                node[rng.choice(list(node))] = copy.deepcopy(rng.choice(ODD_VALUES))
            else:
                node[rng.choice(KEYS)] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif node and rng.random() < 0.5:
            node.append(copy.deepcopy(rng.choice(node)))  # an event (or anything) twice
        else:
            node.insert(rng.randint(0, len(node)), copy.deepcopy(rng.choice(ODD_VALUES)))
    return json.dumps(tree, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def allowed_cells(body: bytes) -> set[str]:
    """Cells the body may change: those of กองคลัง, if the staff member sent a message or a tap."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return set()
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return set()
    for event in payload["events"]:
        if (
            isinstance(event, dict)
            and isinstance(event.get("source"), dict)
            and event["source"].get("userId") == STAFF
            and event.get("type") in ("message", "postback")
        ):
            return STAFF_CELLS
    return set()


def check(world: World, body: bytes) -> None:
    before, history, queued = world.snapshot()
    status = world.post(body)
    assert status != 500 and status in (200, 400, 413), status
    if status == 200 and has_events(body):
        world.worker_handles(body, queued)
    after, history_after, _ = world.snapshot()
    changed = {cell for cell in set(before) | set(after) if before.get(cell) != after.get(cell)}
    assert changed <= allowed_cells(body), changed
    if history_after != history:
        for entry in world.r.lrange(f"ita:{{{ORG}}}:history", history, -1):
            assert json.loads(entry)["by"] == STAFF
    else:
        assert not changed


def has_events(body: bytes) -> bool:
    return bool(json.loads(body).get("events"))


FUZZ = settings(
    max_examples=max(1, BODY_COUNT // (1 + VARIANTS)),
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@FUZZ
@given(body=BODIES, seed=st.integers(0, 2**32))
def test_signed_odd_bodies_never_500_never_crash_the_worker_never_change_what_they_did_not_ask(
    world, body, seed
):
    for one in (body, *mutants(body, seed)):
        check(world, one)


@settings(
    max_examples=max(12, BODY_COUNT // 2000),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(size=st.integers(MIB - 2000, MIB + 2000), user=st.sampled_from([STAFF, STRANGER]))
def test_bodies_around_one_mebibyte(world, size, user):
    """Just under 1 MiB is handled; over it is 413 before anything reads it."""
    world.drain()
    event = {
        "type": "message",
        "webhookEventId": f"big-{size}-{user}",
        "replyToken": "0" * 32,
        "source": {"type": "user", "userId": user},
        "timestamp": 1,
        "mode": "active",
        "deliveryContext": {"isRedelivery": False},
        "message": {"type": "text", "id": "1", "text": ""},
    }
    skeleton = json.dumps({"destination": "U0", "events": [event]}, ensure_ascii=False).encode()
    head, tail = skeleton.split(b'"text": ""')
    room = size - len(head) - len(tail) - len(b'"text": ""')
    filler = "ข้อ 1 เสร็จ ".encode()  # Thai is 3 bytes a character: the size is in bytes
    text = filler * (room // len(filler)) + b" " * (room % len(filler))
    body = head + b'"text": "' + text + b'"' + tail
    assert len(body) == size
    if size > MIB:
        before = world.statuses()
        assert world.post(body) == 413
        assert world.post(body, signature="not-even-checked") == 413  # refused before the signature
        assert world.run_stored_jobs() == 0 and world.statuses() == before
    else:
        check(world, body)


def test_unknown_event_types_are_ignored_and_logged_with_the_event_id(world):
    from core.logs import JsonFormatter

    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    world.drain()
    try:
        before = world.statuses()
        kinds = ["beacon", "things", "membership", "somethingNew", "ข้อ 1 เสร็จแล้ว"]
        for index, kind in enumerate(kinds):
            body = json.dumps(
                {
                    "destination": "U0",
                    "events": [
                        {
                            "type": kind,
                            "webhookEventId": f"01UNKNOWN{index:017d}",
                            "timestamp": 1,
                            "mode": "active",
                            "replyToken": "0" * 32,
                            "source": {"type": "user", "userId": STAFF},
                            "deliveryContext": {"isRedelivery": False},
                            "message": {"type": "text", "id": "1", "text": "ข้อ 1 เสร็จแล้ว"},
                            "postback": {"data": "st|1|done|AAAAAAAAAAAAAAAA"},
                        }
                    ],
                },
                ensure_ascii=False,
            ).encode()
            assert world.post(body) == 200
            assert world.run_stored_jobs() == 1
    finally:
        logging.getLogger().removeHandler(handler)
    assert world.statuses() == before
    records = [json.loads(line) for line in captured.getvalue().splitlines()]
    ignored = [r for r in records if r["msg"].startswith("unknown event type ignored")]
    assert [r["event_id"] for r in ignored] == [f"01UNKNOWN{i:017d}" for i in range(len(kinds))]
    assert [r["details"]["type"] for r in ignored] == kinds
