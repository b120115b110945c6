"""Settings from the environment (12-factor); a `.env` file in the working directory may hold them.

Unset LINE addresses mean the real platform: a deployment that forgets them talks to LINE,
never to a simulator on 127.0.0.1. `make run`, the tests and the bench set the simulator's
address themselves.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("itabot.config")

DEMO_CHANNEL_SECRET = "demo-channel-secret-not-for-production"
DEMO_ACCESS_TOKEN = "demo-channel-access-token-not-for-production"

# The real platform's hosts. Either one set explicitly counts as unset: the SDK then picks
# api.line.me or api-data.line.me per operation, whereas a host set in its Configuration
# would send content downloads to api.line.me too.
REAL_API_URL = "https://api.line.me"
REAL_DATA_API_URL = "https://api-data.line.me"
MB = 1024 * 1024


class ConfigError(RuntimeError):
    """A setting this process must not start with; the message names the variable."""


def _load_dotenv(path: Path = Path(".env")) -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


@dataclass(frozen=True)
class Settings:
    redis_url: str
    channel_secret: str
    access_token: str
    # None: the real platform, the SDK's own hosts; otherwise another base URL (the simulator).
    line_api_url: str | None
    line_data_api_url: str | None
    public_base_url: str
    port: int
    file_link_ttl: int
    login_link_ttl: int
    signing_key: str
    signing_key_derived: bool = False  # no ITABOT_SIGNING_KEY: derived from the channel secret
    # ITABOT_MASTER_KEY, a Fernet key: encrypts the organisations' stored channel credentials
    # (core/crypto.py). Without it no credentials can be stored, and a store that holds some
    # makes the web app and the worker refuse to start (store/channels.py:check_master_key).
    master_key: str | None = None
    # Evidence sent from the phone (store/evidence.py): each organisation's share, and one file.
    evidence_quota_bytes: int = 200 * MB
    evidence_max_bytes: int = 20 * MB

    @property
    def on_real_platform(self) -> bool:
        return self.line_api_url is None

    def check_production(self) -> None:
        """Refuse the demo channel's credentials on the real platform; warn of a derived key.

        Called by the entry points that serve (the web app and `itabot worker`) before they
        start; raises ConfigError naming the variable to set."""
        if not self.on_real_platform:
            return
        for variable, value, demo in (
            ("LINE_CHANNEL_SECRET", self.channel_secret, DEMO_CHANNEL_SECRET),
            ("LINE_CHANNEL_ACCESS_TOKEN", self.access_token, DEMO_ACCESS_TOKEN),
        ):
            if value == demo:
                raise ConfigError(
                    f"{variable} is the demo channel's, while LINE_API_URL is unset or "
                    f"{REAL_API_URL}, i.e. the real LINE platform: set {variable} to your "
                    "channel's, or LINE_API_URL and LINE_DATA_API_URL to the simulator's address"
                )
        if self.signing_key_derived:
            log.warning(
                "ITABOT_SIGNING_KEY is not set: links and postbacks are signed with a key "
                "derived from LINE_CHANNEL_SECRET; give ITABOT_SIGNING_KEY its own value"
            )


def _line_host(variable: str, real: str) -> str | None:
    value = os.environ.get(variable, "").strip().rstrip("/")
    return None if not value or value == real else value


def _megabytes(variable: str, default: float) -> int:
    value = os.environ.get(variable, "").strip()
    try:
        return int(float(value or default) * MB)
    except ValueError:
        raise ConfigError(f"{variable} must be a number of megabytes, not {value!r}") from None


def load_settings() -> Settings:
    _load_dotenv()
    port = int(os.environ.get("PORT", "8000"))
    secret = os.environ.get("LINE_CHANNEL_SECRET", DEMO_CHANNEL_SECRET)
    signing_key = os.environ.get("ITABOT_SIGNING_KEY")
    return Settings(
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        channel_secret=secret,
        access_token=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", DEMO_ACCESS_TOKEN),
        line_api_url=_line_host("LINE_API_URL", REAL_API_URL),
        line_data_api_url=_line_host("LINE_DATA_API_URL", REAL_DATA_API_URL),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        port=port,
        file_link_ttl=int(os.environ.get("ITABOT_FILE_LINK_TTL", str(7 * 24 * 3600))),
        login_link_ttl=int(os.environ.get("ITABOT_LOGIN_LINK_TTL", "600")),
        # Signs file links, postback data and login links. Without a value of its own it is
        # derived from the channel secret (fine for the demo; production warns at start).
        signing_key=signing_key or "itabot-links:" + secret,
        signing_key_derived=not signing_key,
        master_key=os.environ.get("ITABOT_MASTER_KEY", "").strip() or None,
        evidence_quota_bytes=_megabytes("ITABOT_EVIDENCE_QUOTA_MB", 200),
        evidence_max_bytes=_megabytes("ITABOT_EVIDENCE_MAX_MB", 20),
    )
