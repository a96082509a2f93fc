"""Settings of the Zalo connector, read from credentials.yml with environment fallbacks.

Every key may be left out of credentials.yml: the connector then reads the environment
variable named next to it. (Rasa's `${VAR}` substitution fails when VAR is unset, so optional
values are better left to these fallbacks.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_API_BASE_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_BASE_URL = "https://oauth.zaloapp.com"

# credentials.yml key -> environment variable used when the key is missing or empty.
ENV_FALLBACKS: dict[str, str] = {
    "app_id": "ZALO_APP_ID",
    "oa_secret_key": "ZALO_OA_SECRET_KEY",
    "app_secret": "ZALO_APP_SECRET",
    "access_token": "ZALO_ACCESS_TOKEN",
    "refresh_token": "ZALO_REFRESH_TOKEN",
    "api_base_url": "ZALO_API_BASE_URL",
    "oauth_base_url": "ZALO_OAUTH_BASE_URL",
    "redis_url": "ZALO_REDIS_URL",
    "redis_key_prefix": "ZALO_REDIS_KEY_PREFIX",
    "max_timestamp_skew_seconds": "ZALO_MAX_TIMESTAMP_SKEW_SECONDS",
    "welcome_intent": "ZALO_WELCOME_INTENT",
    "welcome_text": "ZALO_WELCOME_TEXT",
}


class ZaloConfigError(ValueError):
    """A required setting is missing or a value cannot be used."""


def _as_int(name: str, value: Any, default: int, minimum: int = 0) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ZaloConfigError(f"Zalo setting '{name}' must be a whole number: {value!r}") from exc
    if number < minimum:
        raise ZaloConfigError(f"Zalo setting '{name}' must be at least {minimum}: {number}")
    return number


def _as_float(name: str, value: Any, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        number = float(str(value).strip())
    except ValueError as exc:
        raise ZaloConfigError(f"Zalo setting '{name}' must be a number: {value!r}") from exc
    if number <= 0:
        raise ZaloConfigError(f"Zalo setting '{name}' must be positive: {number}")
    return number


@dataclass(frozen=True)
class ZaloConfig:
    """Everything the connector needs; build it with `from_mapping`."""

    app_id: str
    # Secrets are kept out of repr() so they never end up in logs.
    oa_secret_key: str = field(repr=False)
    app_secret: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    oauth_base_url: str = DEFAULT_OAUTH_BASE_URL
    redis_url: str = ""
    redis_key_prefix: str = ""
    max_timestamp_skew_seconds: int = 300
    http_timeout_seconds: float = 10.0
    dedup_ttl_seconds: int = 86400
    button_ttl_seconds: int = 86400
    rate_limit_retries: int = 3
    rate_limit_backoff_seconds: float = 1.0
    welcome_intent: str = "/greet"
    welcome_text: str = ""
    max_body_bytes: int = 256 * 1024

    @classmethod
    def from_mapping(
        cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
    ) -> ZaloConfig:
        """Builds the settings from a credentials.yml block, falling back to `environ`."""
        creds = dict(credentials or {})
        env = os.environ if environ is None else environ

        def get(key: str, default: str = "") -> str:
            value = creds.get(key)
            if value is None or str(value).strip() == "":
                env_name = ENV_FALLBACKS.get(key)
                value = env.get(env_name, "") if env_name else ""
            value = str(value).strip()
            return value or default

        app_id = get("app_id")
        oa_secret_key = get("oa_secret_key")
        missing = [
            name
            for name, value in (("app_id", app_id), ("oa_secret_key", oa_secret_key))
            if not value
        ]
        if missing:
            names = ", ".join(f"{m} (env {ENV_FALLBACKS[m]})" for m in missing)
            raise ZaloConfigError(f"Zalo connector is missing required settings: {names}")

        return cls(
            app_id=app_id,
            oa_secret_key=oa_secret_key,
            app_secret=get("app_secret"),
            access_token=get("access_token"),
            refresh_token=get("refresh_token"),
            api_base_url=get("api_base_url", DEFAULT_API_BASE_URL).rstrip("/"),
            oauth_base_url=get("oauth_base_url", DEFAULT_OAUTH_BASE_URL).rstrip("/"),
            redis_url=get("redis_url"),
            redis_key_prefix=get("redis_key_prefix"),
            max_timestamp_skew_seconds=_as_int(
                "max_timestamp_skew_seconds", get("max_timestamp_skew_seconds"), 300, minimum=1
            ),
            http_timeout_seconds=_as_float(
                "http_timeout_seconds", creds.get("http_timeout_seconds"), 10.0
            ),
            dedup_ttl_seconds=_as_int(
                "dedup_ttl_seconds", creds.get("dedup_ttl_seconds"), 86400, minimum=1
            ),
            button_ttl_seconds=_as_int(
                "button_ttl_seconds", creds.get("button_ttl_seconds"), 86400, minimum=1
            ),
            rate_limit_retries=_as_int("rate_limit_retries", creds.get("rate_limit_retries"), 3),
            rate_limit_backoff_seconds=_as_float(
                "rate_limit_backoff_seconds", creds.get("rate_limit_backoff_seconds"), 1.0
            ),
            welcome_intent=get("welcome_intent", "/greet"),
            welcome_text=get("welcome_text"),
            max_body_bytes=_as_int(
                "max_body_bytes", creds.get("max_body_bytes"), 256 * 1024, minimum=1024
            ),
        )
