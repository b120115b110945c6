"""HMAC signatures for links (memo files, sign-in) and postback data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def _mac(key: str, message: str, length: int = 16) -> str:
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:length]).decode().rstrip("=")


def sign(key: str, message: str, length: int = 16) -> str:
    return _mac(key, message, length)


def verify(key: str, message: str, signature: str, length: int = 16) -> bool:
    return hmac.compare_digest(_mac(key, message, length), signature or "")


def signed_query(key: str, path: str, ttl: int, now: float | None = None) -> str:
    """`?exp=…&sig=…` for a path: the link works until exp and only for that path."""
    expires = int((now or time.time()) + ttl)
    return f"exp={expires}&sig={sign(key, f'{path}|{expires}')}"


def check_signed(
    key: str, path: str, expires: str | None, signature: str | None, now: float | None = None
) -> bool:
    if not expires or not signature or not expires.isdigit():
        return False
    if int(expires) < (now or time.time()):
        return False
    return verify(key, f"{path}|{expires}", signature)
