"""Run profiles: ``embedded`` (default, nothing to install) and ``production`` (Redis).

``APP_PROFILE=production`` selects ``endpoints.production.yml``: Rasa's tracker and lock stores
in Redis at ``REDIS_URL``. Rasa's endpoint files only substitute whole environment variables,
so the URL is split here into ``REDIS_HOST``, ``REDIS_PORT``, ``REDIS_DB`` and
``REDIS_PASSWORD``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PROFILES = {"embedded": "endpoints.yml", "production": "endpoints.production.yml"}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class ProfileError(ValueError):
    pass


def profile_name(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    name = (env.get("APP_PROFILE") or "embedded").strip().lower()
    if name not in PROFILES:
        raise ProfileError(f"APP_PROFILE must be one of {', '.join(PROFILES)}, not {name!r}")
    return name


def endpoints_file(env: Mapping[str, str] | None = None) -> Path:
    return ROOT / PROFILES[profile_name(env)]


def redis_settings(url: str) -> dict[str, str]:
    """``REDIS_*`` variables for a ``redis://[:password@]host[:port][/db]`` URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ProfileError(f"REDIS_URL must look like redis://host:6379/0, not {url!r}")
    db = (parts.path or "/0").lstrip("/") or "0"
    if not db.isdigit():
        raise ProfileError(f"REDIS_URL database must be a number, not {db!r}")
    return {
        "REDIS_HOST": parts.hostname,
        "REDIS_PORT": str(parts.port or 6379),
        "REDIS_DB": db,
        "REDIS_PASSWORD": parts.password or "",
    }


def apply(env: MutableMapping[str, str] | None = None) -> Path:
    """Fill the environment the selected profile's endpoint file needs; return that file."""
    env = os.environ if env is None else env
    if profile_name(env) == "production":
        env.update(redis_settings(env.get("REDIS_URL") or DEFAULT_REDIS_URL))
        env.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    return endpoints_file(env)
