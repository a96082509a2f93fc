"""Configuration of the staff web app (from code or from the environment)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from bot.feedback.demo import DEMO_PROCEDURES

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env_bool(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None  # unset or "auto"


@dataclass
class WebConfig:
    """Settings; `from_env()` reads them from environment variables (see docs/METRICS.md).

    secret_key: a Fernet key (urlsafe base64 of 32 bytes) that encrypts the session cookie.
    cookie_secure: True/False forces the Secure flag; None sets it on https requests only.
    """

    db_url: str | None = None
    secret_key: str | bytes | None = None
    cookie_secure: bool | None = None
    session_max_age: int = 8 * 3600
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    bcrypt_rounds: int | None = None
    procedure_labels: Mapping[str, str] = field(default_factory=lambda: dict(DEMO_PROCEDURES))
    webchat_dir: Path = REPO_ROOT / "channels" / "webchat" / "dist"
    demo_page: Path = REPO_ROOT / "channels" / "webchat" / "demo.html"
    production: bool = False

    @classmethod
    def from_env(cls) -> WebConfig:
        production = os.environ.get("APP_ENV", "").lower() == "production"
        secure = _env_bool("WEBAPP_COOKIE_SECURE")
        if secure is None and production:
            secure = True  # production sits behind a TLS proxy: the app itself sees http
        return cls(
            db_url=os.environ.get("FEEDBACK_DB_URL") or None,
            secret_key=os.environ.get("WEBAPP_SECRET_KEY") or None,
            cookie_secure=secure,
            session_max_age=int(os.environ.get("WEBAPP_SESSION_MAX_AGE", 8 * 3600)),
            production=production,
        )

    def fernet_key(self) -> bytes:
        if self.secret_key:
            key = self.secret_key.encode() if isinstance(self.secret_key, str) else self.secret_key
            Fernet(key)  # raises ValueError early on a malformed key
            return key
        if self.production:
            raise RuntimeError("WEBAPP_SECRET_KEY must be set when APP_ENV=production")
        log.warning("WEBAPP_SECRET_KEY not set: using a random key; sessions end on restart")
        self.secret_key = Fernet.generate_key()
        return self.secret_key
