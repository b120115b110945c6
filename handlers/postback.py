"""Postback data the bot issues: short, `|`-separated, signed for the one user it was sent to.

LINE sends the data back unchanged; a tap whose signature does not verify for the tapping
user (forged, or copied from someone else's chat) is refused. Data stays under LINE's
300-character limit and carries no user id or secret.
"""

from __future__ import annotations

from core.signing import sign, verify

SIG_LENGTH = 12  # bytes of HMAC-SHA256 → 16 base64 characters


def encode(key: str, org: str, user_id: str, *parts: str) -> str:
    body = "|".join(parts)
    return f"{body}|{sign(key, f'{org}|{user_id}|{body}', SIG_LENGTH)}"


def decode(key: str, org: str, user_id: str, data: str) -> list[str] | None:
    """The parts of data issued to this user, or None when it was not."""
    # ASCII only, as the bot writes it (and hmac.compare_digest raises on non-ASCII text)
    if not isinstance(data, str) or len(data) > 300 or "|" not in data or not data.isascii():
        return None
    body, _, signature = data.rpartition("|")
    if not verify(key, f"{org}|{user_id}|{body}", signature, SIG_LENGTH):
        return None
    return body.split("|")
