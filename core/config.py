"""Settings from the environment (12-factor); a `.env` file in the working directory may hold them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEMO_CHANNEL_SECRET = "demo-channel-secret-not-for-production"
DEMO_ACCESS_TOKEN = "demo-channel-access-token-not-for-production"


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
    line_api_url: str
    line_data_api_url: str
    public_base_url: str
    port: int
    file_link_ttl: int
    login_link_ttl: int
    signing_key: str

    @property
    def is_demo_secret(self) -> bool:
        return self.channel_secret == DEMO_CHANNEL_SECRET


def load_settings() -> Settings:
    _load_dotenv()
    port = int(os.environ.get("PORT", "8000"))
    simulator = os.environ.get(
        "SIMULATOR_URL", f"http://127.0.0.1:{os.environ.get('SIMULATOR_PORT', '8001')}"
    )
    secret = os.environ.get("LINE_CHANNEL_SECRET", DEMO_CHANNEL_SECRET)
    return Settings(
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        channel_secret=secret,
        access_token=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", DEMO_ACCESS_TOKEN),
        line_api_url=os.environ.get("LINE_API_URL", simulator).rstrip("/"),
        line_data_api_url=os.environ.get("LINE_DATA_API_URL", simulator).rstrip("/"),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        port=port,
        file_link_ttl=int(os.environ.get("ITABOT_FILE_LINK_TTL", str(7 * 24 * 3600))),
        login_link_ttl=int(os.environ.get("ITABOT_LOGIN_LINK_TTL", "600")),
        # Signs file links, postback data and login links; defaults to one derived from the
        # channel secret so a deployment has one secret less to manage.
        signing_key=os.environ.get("ITABOT_SIGNING_KEY", "itabot-links:" + secret),
    )
