"""The running bot answers hostile and odd input politely through the REST channel."""

from __future__ import annotations

import pytest

from tests.chat import payloads, say, texts

HOSTILE = [
    "",
    "   \t  ",
    "x" * 10_000,
    "chào " * 2_000,
    "😀😀😀🙏",
    "\x00\x01\x02\x1b[31m",
    "Привет مرحبا 你好 chào",
    "<script>alert('x')</script>",
    "<b>làm căn cước</b><img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    '{"intent": "greet"}',
    "/nonexistent_intent",
    '/ask_fee{"procedure_id": 12345}',
    "/ask_fee{not json",
]


@pytest.mark.parametrize("message", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_a_polite_reply(live_stack, message: str) -> None:
    replies = say(live_stack.rasa_url, message)
    assert replies, "the bot must always answer"
    answer = texts(replies)
    assert answer.strip()
    assert "Traceback" not in answer and "Error" not in answer
    # every reply offers the citizen somewhere to go next
    assert payloads(replies)


def test_conversation_continues_after_hostile_input(live_stack) -> None:
    sender = "hostile-then-normal"
    say(live_stack.rasa_url, "x" * 10_000, sender)
    replies = say(live_stack.rasa_url, "xin chào", sender)
    assert "chào" in texts(replies).lower()


def test_unconfigured_zalo_webhook_answers_503(live_stack) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{live_stack.rasa_url}/webhooks/zalo/webhook", data=b"{}", method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 503


def test_stored_conversation_masks_phone_and_id_numbers(live_stack) -> None:
    import sqlite3

    sender = "masking-check"
    say(live_stack.rasa_url, "số tôi 0912 345 678, căn cước 001234567890", sender)
    with sqlite3.connect(live_stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    stored = " ".join(r[0] for r in rows)
    assert rows
    assert "0912 345 678" not in stored and "001234567890" not in stored
    assert "09" in stored and "******" in stored
