"""Encryption at rest of what the store must keep secret (the organisations' LINE channel
credentials): Fernet from the `cryptography` library, keyed by ITABOT_MASTER_KEY.

Fernet is AES-128-CBC with an HMAC-SHA256 over the whole token, so a value changed in Redis
or decrypted with another key fails loudly instead of yielding garbage.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken

from core.config import ConfigError

MASTER_KEY_VARIABLE = "ITABOT_MASTER_KEY"


class DecryptError(ConfigError):
    """A stored value that this master key cannot open (another key, or altered)."""


def generate_key() -> str:
    """A new master key, as `Fernet.generate_key()` makes it (URL-safe base64, 32 bytes)."""
    return Fernet.generate_key().decode("ascii")


@functools.cache
def _fernet(master_key: str) -> Fernet:
    try:
        return Fernet(master_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ConfigError(
            f"{MASTER_KEY_VARIABLE} is not a Fernet key: make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def check_key(master_key: str) -> None:
    """Raise ConfigError naming the variable when the key is not a Fernet key."""
    _fernet(master_key)


def encrypt(master_key: str, plaintext: str) -> str:
    return _fernet(master_key).encrypt(plaintext.encode("utf-8")).decode("ascii")


@functools.lru_cache(maxsize=4096)
def decrypt(master_key: str, token: str) -> str:
    """The plaintext of a stored value; cached, since a webhook or push opens the same
    credentials over and over and a rotation stores a new token (a new cache entry)."""
    try:
        return _fernet(master_key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptError(
            f"a stored credential does not open with this {MASTER_KEY_VARIABLE}"
        ) from None
