"""Webhook verification: the unit itself, and the HTTP answer of the connector."""

from __future__ import annotations

import hashlib
import json

import pytest

from channels.zalo.signature import SignatureVerifier, WebhookRejected, compute_mac
from tests.fakes.fake_zalo import signed, user_event
from tests.fakes.zalo_harness import (
    APP_ID,
    FIXED_NOW,
    FIXED_NOW_MS,
    OA_SECRET,
    Collector,
    zalo_harness,
)

SKEW = 300


def verifier(now: float = FIXED_NOW, secret: str = OA_SECRET) -> SignatureVerifier:
    return SignatureVerifier(APP_ID, secret, SKEW, clock=lambda: now)


def event(**kwargs: object) -> dict:
    base = user_event("user_send_text", text="Xin chào", timestamp_ms=FIXED_NOW_MS)
    base.update(kwargs)
    return base


def test_mac_is_plain_sha256_of_app_id_body_timestamp_secret() -> None:
    body = b'{"a":1}'
    expected = hashlib.sha256(b"app-1" + body + b"123" + b"s3cret").hexdigest()
    assert compute_mac("app-1", body, "123", "s3cret") == expected


def test_valid_request_is_accepted_and_parsed() -> None:
    body, headers = signed(event(), OA_SECRET)
    parsed = verifier().verify(body, headers["X-ZEvent-Signature"])
    assert parsed["message"]["text"] == "Xin chào"


def test_raw_body_is_hashed_as_received_not_reserialised() -> None:
    # Extra spaces and escaped unicode: re-serialising would change the bytes and the hash.
    body = (
        '{ "app_id": "app-1",  "event_name": "user_send_text", '
        f'"timestamp": "{FIXED_NOW_MS}", "sender": {{"id": "u"}}, '
        '"message": {"msg_id": "m", "text": "Xin ch\\u00e0o"} }'
    ).encode()
    header = "mac=" + compute_mac(APP_ID, body, str(FIXED_NOW_MS), OA_SECRET)
    assert verifier().verify(body, header)["message"]["text"] == "Xin chào"
    assert verifier().verify(body, header.upper().replace("MAC=", "mac="))


def test_numeric_timestamp_in_body_is_accepted() -> None:
    data = event(timestamp=FIXED_NOW_MS)
    body = json.dumps(data).encode()
    header = "mac=" + compute_mac(APP_ID, body, str(FIXED_NOW_MS), OA_SECRET)
    assert verifier().verify(body, header)["timestamp"] == FIXED_NOW_MS


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("forged", 401, "bad_signature"),
        ("wrong_secret", 401, "bad_signature"),
        ("tampered_body", 401, "bad_signature"),
        ("missing_header", 401, "missing_signature"),
        ("empty_header", 401, "missing_signature"),
        ("no_mac_prefix", 401, "malformed_signature"),
        ("short_hex", 401, "malformed_signature"),
        ("not_hex", 401, "malformed_signature"),
        ("malformed_json", 400, "malformed_json"),
        ("json_array", 400, "malformed_json"),
        ("not_utf8", 400, "malformed_json"),
        ("missing_app_id", 400, "missing_app_id"),
        ("missing_timestamp", 400, "missing_timestamp"),
        ("text_timestamp", 400, "missing_timestamp"),
        ("wrong_app_id", 401, "unknown_app"),
        ("stale", 401, "stale_timestamp"),
        ("future", 401, "future_timestamp"),
    ],
)
def test_refusals(case: str, status: int, code: str) -> None:
    body, headers = signed(event(), OA_SECRET)
    good: str = headers["X-ZEvent-Signature"]
    header: str | None = good
    if case == "forged":
        header = "mac=" + "0" * 64
    elif case == "wrong_secret":
        body, headers = signed(event(), "not-the-secret")
        header = headers["X-ZEvent-Signature"]
    elif case == "tampered_body":
        body = body.replace("Xin chào".encode(), "Chuyển tiền".encode())
    elif case == "missing_header":
        header = None
    elif case == "empty_header":
        header = "  "
    elif case == "no_mac_prefix":
        header = good.removeprefix("mac=")
    elif case == "short_hex":
        header = good[:-2]
    elif case == "not_hex":
        header = "mac=" + "z" * 64
    elif case == "malformed_json":
        body = b'{"app_id": "app-1", '
    elif case == "json_array":
        body = b"[1, 2]"
    elif case == "not_utf8":
        body = b"\xff\xfe\x00"
    elif case == "missing_app_id":
        data = event()
        del data["app_id"]
        body = json.dumps(data).encode()
    elif case == "missing_timestamp":
        data = event()
        del data["timestamp"]
        body = json.dumps(data).encode()
    elif case == "text_timestamp":
        body, headers = signed(event(timestamp="yesterday"), OA_SECRET)
        header = headers["X-ZEvent-Signature"]
    elif case == "wrong_app_id":
        # Correctly signed by someone with the secret but for another app.
        body, headers = signed(event(app_id="other-app"), OA_SECRET)
        header = headers["X-ZEvent-Signature"]
    elif case == "stale":
        old = FIXED_NOW_MS - (SKEW + 1) * 1000
        body, headers = signed(event(timestamp=str(old)), OA_SECRET)
        header = headers["X-ZEvent-Signature"]
    elif case == "future":
        ahead = FIXED_NOW_MS + (SKEW + 1) * 1000
        body, headers = signed(event(timestamp=str(ahead)), OA_SECRET)
        header = headers["X-ZEvent-Signature"]

    with pytest.raises(WebhookRejected) as info:
        verifier().verify(body, header)
    assert (info.value.status, info.value.code) == (status, code)


@pytest.mark.parametrize("offset_s", [-SKEW, SKEW, -SKEW + 1, 0])
def test_timestamps_inside_the_window_are_accepted(offset_s: int) -> None:
    body, headers = signed(event(timestamp=str(FIXED_NOW_MS + offset_s * 1000)), OA_SECRET)
    assert verifier().verify(body, headers["X-ZEvent-Signature"])["app_id"] == APP_ID


def test_clock_is_injected() -> None:
    body, headers = signed(event(), OA_SECRET)
    later = FIXED_NOW + 3600
    with pytest.raises(WebhookRejected):
        verifier(now=later).verify(body, headers["X-ZEvent-Signature"])


# ---------------------------------------------------------------- through the connector


async def test_refused_requests_never_reach_rasa_and_get_small_json_errors() -> None:
    async with zalo_harness() as h:
        connector = h.connector()
        rasa = Collector()
        body, headers = signed(event(), OA_SECRET)
        cases = [
            (body, None, 401),
            (body, "mac=" + "1" * 64, 401),
            (b"not json", headers["X-ZEvent-Signature"], 400),
            (body + b" ", headers["X-ZEvent-Signature"], 401),
        ]
        for raw, header, status in cases:
            answer = connector.handle_request(raw, header, rasa)
            assert answer.status == status
            assert set(json.loads(answer.body or b"")) == {"error"}
        too_big = b"{" + b" " * (connector.config.max_body_bytes + 1) + b"}"
        assert connector.handle_request(too_big, headers["X-ZEvent-Signature"], rasa).status == 413
        await connector.wait_idle()
        assert rasa.messages == []
        assert h.fake.requests == []


async def test_valid_request_is_acknowledged_before_processing() -> None:
    async with zalo_harness() as h:
        connector = h.connector()
        rasa = Collector()
        body, headers = signed(event(), OA_SECRET)
        answer = connector.handle_request(body, headers["X-ZEvent-Signature"], rasa)
        assert answer.status == 200
        # The answer exists before the background task ran: nothing delivered yet.
        assert rasa.messages == []
        await connector.wait_idle()
        assert rasa.texts == ["Xin chào"]
