"""Personal details held in conversation slots are sealed (encrypted), not stored in clear.

The call-back form needs the name and phone number across several turns, so they live in slots,
and slots are written to the tracker store. Sealing them with a server-side key (Fernet:
AES-128-CBC + HMAC) keeps the conversation record free of readable personal data; the action
that finally stores the request unseals them.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "sealed:"
_DEV_SECRET = "dev-only-slot-seal-secret"  # noqa: S105 - development only, refused in production


def _fernet() -> Fernet:
    secret = os.environ.get("SLOT_SEAL_SECRET") or os.environ.get("FEEDBACK_SENDER_KEY_SECRET")
    if not secret:
        if os.environ.get("APP_ENV") == "production":
            raise RuntimeError("set SLOT_SEAL_SECRET (or FEEDBACK_SENDER_KEY_SECRET) in production")
        secret = _DEV_SECRET
    key = base64.urlsafe_b64encode(hashlib.sha256(b"slot-seal\x1f" + secret.encode()).digest())
    return Fernet(key)


def seal(value: str | None) -> str | None:
    if value is None:
        return None
    return PREFIX + _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(value: object) -> str | None:
    """The clear value, or None when ``value`` is not something we sealed with this key."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
