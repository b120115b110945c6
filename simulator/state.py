"""The simulator's memory: channels, users, what they received, tokens, retry keys, calls,
faults.

Everything lives in one object guarded by one lock; the Flask handlers hold the lock only
for bookkeeping, never while a webhook is in flight (the bot calls back in meanwhile).
Several LINE channels (Official Accounts) may be served at once: each user is a friend of
one channel, and reply tokens, retry keys, contents and rich menus belong to one channel,
as on LINE's platform.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator import texts, webhook

FAULT_MODES = ("reject", "accept_then_fail", "timeout")
DEFAULT_CHANNEL = "default"  # the channel the simulator was started with


@dataclass
class Channel:
    """One LINE Official Account: its secret signs webhooks, its token authorises API calls."""

    id: str
    secret: str
    token: str
    webhook_url: str  # the webhook endpoint ("" = not set)
    name: str = ""
    active: bool = True  # the console's "Use webhook"

    @property
    def destination(self) -> str:
        return webhook.bot_user_id(self.secret)

    def public(self) -> dict[str, Any]:
        # Secret and token stay out: the chat page shows this.
        return {
            "id": self.id,
            "name": self.name,
            "webhookUrl": self.webhook_url,
            "destination": self.destination,
        }


@dataclass
class User:
    """One person's chat with one channel. `user_id` is the simulator's handle of the chat;
    `line_id` is the id the bot sees. They are the same but for a person who is a friend of
    several channels of one LINE provider: LINE gives them one user id in all of them, so
    their second chat gets a handle of its own."""

    user_id: str
    name: str
    created: float
    channel: str = DEFAULT_CHANNEL
    # None: never followed; True: friend; False: blocked (unfollowed). LINE accepts pushes to
    # a user who blocked the bot but does not deliver them; so does the simulator.
    followed: bool | None = None
    loading_until: float = 0.0
    line_id: str = ""

    def __post_init__(self) -> None:
        self.line_id = self.line_id or self.user_id

    def public(self) -> dict[str, Any]:
        return {
            "userId": self.user_id,
            "lineUserId": self.line_id,
            "name": self.name,
            "channel": self.channel,
            "followed": self.followed,
            "loadingUntil": self.loading_until,
        }


@dataclass
class Delivery:
    """One message as the user received it."""

    seq: int
    id: str
    user_id: str
    message: dict[str, Any]
    via: str  # reply | push | multicast
    time: float
    request_id: str
    quote_token: str
    retry_key: str | None = None
    channel: str = DEFAULT_CHANNEL

    def public(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "id": self.id,
            "userId": self.user_id,
            "message": self.message,
            "via": self.via,
            "time": self.time,
            "requestId": self.request_id,
            "retryKey": self.retry_key,
            "channel": self.channel,
        }


@dataclass
class SentEvent:
    """One webhook event the simulator sent (on behalf of a user)."""

    seq: int
    event: dict[str, Any]
    user_id: str | None
    time: float
    status: int | None = None  # the bot's HTTP answer; None while the POST is in flight
    response: str = ""
    deliveries: list[dict[str, Any]] = field(default_factory=list)  # each POST: status, time
    display_text: str | None = None  # what the chat shows for a postback (not sent to the bot)
    channel: str = DEFAULT_CHANNEL

    def public(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event": self.event,
            "userId": self.user_id,
            "time": self.time,
            "status": self.status,
            "response": self.response,
            "deliveries": self.deliveries,
            "displayText": self.display_text,
            "channel": self.channel,
        }


@dataclass
class Fault:
    status: int
    count: int
    path_prefix: str = "/v2/"
    mode: str = "reject"
    delay: float = 0.0


@dataclass
class RichMenu:
    rich_menu_id: str
    body: dict[str, Any]
    image: bytes | None = None
    image_type: str = ""
    channel: str = DEFAULT_CHANNEL


class SimState:
    def __init__(self, default_channel: Channel, reply_token_ttl: float = 120.0):
        self.lock = threading.RLock()
        self.reply_token_ttl = reply_token_ttl
        self.channels: dict[str, Channel] = {default_channel.id: default_channel}
        self.rich_menus: dict[str, RichMenu] = {}
        self.default_rich_menus: dict[str, str] = {}  # channel id -> rich menu id
        self.reset()

    def reset(self) -> None:
        """Forget users, messages, events, calls, tokens, retry keys, faults and every channel
        but the default one (with their rich menus).

        The default channel's rich menus stay: the bot creates them once at start-up, not per
        test."""
        with self.lock:
            self.channels = {DEFAULT_CHANNEL: self.channels[DEFAULT_CHANNEL]}
            self.rich_menus = {
                k: m for k, m in self.rich_menus.items() if m.channel == DEFAULT_CHANNEL
            }
            self.default_rich_menus = {
                c: m for c, m in self.default_rich_menus.items() if c == DEFAULT_CHANNEL
            }
            self.seq = 0
            self.users: dict[str, User] = {}  # by handle
            self.chats: dict[tuple[str, str], str] = {}  # (channel id, LINE user id) -> handle
            self._channel_of_token: dict[str, str] = {}  # access token -> channel id, remembered
            self.deliveries: list[Delivery] = []
            self.events: dict[str, SentEvent] = {}
            # reply token -> (user id, channel id, issued, used)
            self.reply_tokens: dict[str, tuple[str, str, float, bool]] = {}
            # (channel id, retry key) -> (request id, sent messages)
            self.retry_keys: dict[tuple[str, str], tuple[str, list[dict[str, str]]]] = {}
            self.calls: list[dict[str, Any]] = []
            self.faults: list[Fault] = []
            # message id -> (bytes, content type, channel id)
            self.contents: dict[str, tuple[bytes, str, str]] = {}

    def next_seq(self) -> int:
        with self.lock:
            self.seq += 1
            return self.seq

    # channels ----------------------------------------------------------------------------
    def add_channel(self, channel: Channel) -> Channel:
        """Add a channel, or update the one that already has its id or token (so a test may
        register the same channel again)."""
        with self.lock:
            for existing in list(self.channels.values()):
                if existing.token == channel.token and existing.id != channel.id:
                    channel.id = existing.id
            self.channels[channel.id] = channel
            return channel

    def channel_by_token(self, token: str) -> Channel | None:
        # Every API call asks this: a remembered answer, checked against the channel (whose
        # token may have changed since), spares a scan of hundreds of channels.
        with self.lock:
            known = self.channels.get(self._channel_of_token.get(token, ""))
            if known is not None and known.token == token:
                return known
            found = next((c for c in self.channels.values() if c.token == token), None)
            if found is not None:
                self._channel_of_token[token] = found.id
            return found

    def user_channel(self, user: User) -> Channel:
        with self.lock:
            return self.channels.get(user.channel) or self.channels[DEFAULT_CHANNEL]

    # users -------------------------------------------------------------------------------
    def create_user(
        self, name: str, channel: str = DEFAULT_CHANNEL, line_id: str | None = None
    ) -> User:
        """A new chat; with `line_id`, the same LINE user as another channel's chat."""
        with self.lock:
            line_id = line_id or webhook.new_user_id()
            handle = line_id if line_id not in self.users else f"{line_id}-{channel}"
            if handle in self.users or self.channel_user(line_id, channel) is not None:
                raise ValueError(f"{line_id} already has a chat with {channel}")
            user = User(handle, name, time.time(), channel=channel, line_id=line_id)
            self.users[handle] = user
            self.chats[(channel, line_id)] = handle
            return user

    def ensure_user(self, user_id: str, channel: str = DEFAULT_CHANNEL) -> User:
        """A user the bot addresses but the simulator never saw (e.g. after a reset)."""
        with self.lock:
            user = self.channel_user(user_id, channel) or self.users.get(user_id)
            if user is None:
                name = texts.unseen_user_name(user_id)
                user = User(user_id, name, time.time(), followed=True, channel=channel)
                self.users[user_id] = user
                self.chats[(channel, user_id)] = user_id
            return user

    def channel_user(self, line_id: str, channel: str) -> User | None:
        """The chat of this LINE user with `channel`, if they are its friend (a user of
        another channel only is unknown to it)."""
        with self.lock:
            return self.users.get(self.chats.get((channel, line_id), ""))

    # reply tokens ------------------------------------------------------------------------
    def issue_reply_token(self, user_id: str, channel: str | None = None) -> str:
        """A reply token for the chat `user_id` (a handle; one the simulator does not know is
        taken as a LINE user id of `channel`, the default one if None)."""
        with self.lock:
            user = self.users.get(user_id)
            if channel is None:
                channel = user.channel if user is not None else DEFAULT_CHANNEL
            line_id = user.line_id if user is not None else user_id
            token = webhook.new_reply_token()
            self.reply_tokens[token] = (line_id, channel, time.monotonic(), False)
            return token

    def consume_reply_token(self, token: str, channel: str = DEFAULT_CHANNEL) -> str | None:
        """The token's LINE user id, if the token is known to this channel, unused and fresh;
        it is then used up."""
        with self.lock:
            entry = self.reply_tokens.get(token)
            if entry is None:
                return None
            user_id, owner, issued, used = entry
            if owner != channel or used or time.monotonic() - issued > self.reply_token_ttl:
                return None
            self.reply_tokens[token] = (user_id, owner, issued, True)
            return user_id

    # deliveries --------------------------------------------------------------------------
    def deliver(
        self,
        user_ids: list[str],
        messages: list[dict[str, Any]],
        via: str,
        request_id: str,
        retry_key: str | None = None,
        channel: str = DEFAULT_CHANNEL,
    ) -> list[dict[str, str]]:
        """Store messages as received; returns LINE's `sentMessages` (of the first user).

        A user who is a friend of another channel does not receive them (as a user who blocked
        the bot does not): one channel's token never reaches another channel's chats."""
        sent: list[dict[str, str]] = []
        with self.lock:
            for index, user_id in enumerate(user_ids):
                user = self.ensure_user(user_id, channel)
                for message in messages:
                    delivery = Delivery(
                        seq=self.next_seq(),
                        id=webhook.new_message_id(),
                        user_id=user.user_id,
                        message=message,
                        via=via,
                        time=time.time(),
                        request_id=request_id,
                        quote_token=webhook.new_quote_token(),
                        retry_key=retry_key,
                        channel=channel,
                    )
                    if index == 0:
                        sent.append({"id": delivery.id, "quoteToken": delivery.quote_token})
                    if user.followed is not False and user.channel == channel:
                        self.deliveries.append(delivery)
                user.loading_until = 0.0  # a message ends the typing indicator, as in LINE
        return sent

    def messages(self, user_id: str, since: int = 0) -> list[dict[str, Any]]:
        with self.lock:
            return [d.public() for d in self.deliveries if d.user_id == user_id and d.seq > since]

    # retry keys --------------------------------------------------------------------------
    def accepted_retry_key(
        self, key: str, channel: str = DEFAULT_CHANNEL
    ) -> tuple[str, list[dict[str, str]]] | None:
        with self.lock:
            return self.retry_keys.get((channel, key))

    def accept_retry_key(
        self,
        key: str,
        request_id: str,
        sent: list[dict[str, str]],
        channel: str = DEFAULT_CHANNEL,
    ) -> None:
        with self.lock:
            self.retry_keys[(channel, key)] = (request_id, sent)

    # events ------------------------------------------------------------------------------
    def record_event(
        self, event: dict[str, Any], user_id: str | None, display_text: str | None = None
    ) -> SentEvent:
        with self.lock:
            sent = SentEvent(self.next_seq(), event, user_id, time.time())
            sent.display_text = display_text
            user = self.users.get(user_id or "")
            sent.channel = user.channel if user is not None else DEFAULT_CHANNEL
            self.events[event["webhookEventId"]] = sent
            return sent

    def events_of(self, user_id: str) -> list[SentEvent]:
        with self.lock:
            return [e for e in self.events.values() if e.user_id == user_id]

    # calls and faults --------------------------------------------------------------------
    def record_call(self, call: dict[str, Any]) -> None:
        with self.lock:
            call["seq"] = self.next_seq()
            self.calls.append(call)

    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, path: str) -> Fault | None:
        """The first armed fault for this path, its count decremented."""
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and path.startswith(fault.path_prefix):
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def faults_public(self) -> list[dict[str, Any]]:
        with self.lock:
            return [asdict(f) for f in self.faults]


def new_request_id() -> str:
    return str(uuid.uuid4())
