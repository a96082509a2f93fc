"""Verification of Zalo webhook requests (header `X-ZEvent-Signature: mac=<hex>`).

hex = SHA-256 (a plain hash, not an HMAC) of app_id + raw body + timestamp + OA secret key,
where app_id and timestamp are read from the JSON body and the raw body is hashed exactly as
received (zalo-java-sdk `MacUtils.buildMac`; chatwoot's Zalo webhook job does the same).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"
_MAC_RE = re.compile(r"^\s*mac=([0-9a-fA-F]{64})\s*$")
_TIMESTAMP_RE = re.compile(r"^\d{1,16}$")


class WebhookRejected(Exception):
    """The request must not reach Rasa; `status` and `code` go into the HTTP answer."""

    def __init__(self, status: int, code: str, detail: str = "") -> None:
        super().__init__(f"{status} {code}: {detail}" if detail else f"{status} {code}")
        self.status = status
        self.code = code
        self.detail = detail


def compute_mac(app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """Hex SHA-256 of app_id + raw_body + timestamp + secret (all UTF-8)."""
    digest = hashlib.sha256()
    digest.update(app_id.encode("utf-8"))
    digest.update(raw_body)
    digest.update(timestamp.encode("utf-8"))
    digest.update(secret.encode("utf-8"))
    return digest.hexdigest()


def signature_header_value(app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """The header value Zalo would send for this body (used by tests and the fake server)."""
    return "mac=" + compute_mac(app_id, raw_body, timestamp, secret)


def _scalar_as_str(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return None


@dataclass
class SignatureVerifier:
    """Checks one webhook request. `clock` returns seconds since the epoch (injectable)."""

    app_id: str
    secret: str
    max_skew_seconds: int = 300
    clock: Callable[[], float] = time.time

    def verify(self, raw_body: bytes, header_value: str | None) -> dict[str, Any]:
        """Returns the parsed event, or raises WebhookRejected (401 or 400)."""
        if not header_value or not header_value.strip():
            raise WebhookRejected(401, "missing_signature")
        match = _MAC_RE.match(header_value)
        if match is None:
            raise WebhookRejected(401, "malformed_signature")
        given_mac = match.group(1).lower()

        try:
            event = json.loads(raw_body)
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookRejected(400, "malformed_json") from exc
        if not isinstance(event, dict):
            raise WebhookRejected(400, "malformed_json", "body is not a JSON object")

        app_id = _scalar_as_str(event.get("app_id"))
        timestamp = _scalar_as_str(event.get("timestamp"))
        if not app_id:
            raise WebhookRejected(400, "missing_app_id")
        if not timestamp or not _TIMESTAMP_RE.match(timestamp):
            raise WebhookRejected(400, "missing_timestamp")

        expected_mac = compute_mac(app_id, raw_body, timestamp, self.secret)
        # Both sides are ASCII hex of equal length; compare_digest keeps the time constant.
        if not hmac.compare_digest(expected_mac.encode("ascii"), given_mac.encode("ascii")):
            raise WebhookRejected(401, "bad_signature")
        if not hmac.compare_digest(app_id.encode("utf-8"), self.app_id.encode("utf-8")):
            raise WebhookRejected(401, "unknown_app")

        now_ms = int(self.clock() * 1000)
        skew_ms = self.max_skew_seconds * 1000
        sent_ms = int(timestamp)
        if sent_ms < now_ms - skew_ms:
            raise WebhookRejected(401, "stale_timestamp")
        if sent_ms > now_ms + skew_ms:
            raise WebhookRejected(401, "future_timestamp")
        return event
