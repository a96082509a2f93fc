"""Incoming events: text to Rasa, duplicates, echoes, non-text answers, follow, choices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from channels.zalo import ZaloInput, ZaloOutput
from channels.zalo.messages import DEFAULT_CHOICES, SORRY_TEXT
from tests.fakes.fake_zalo import follow_event, signed, user_event
from tests.fakes.zalo_harness import FIXED_NOW_MS, OA_SECRET, Collector, Harness, zalo_harness

NON_TEXT_EVENTS = [
    "user_send_image",
    "user_send_sticker",
    "user_send_audio",
    "user_send_file",
    "user_send_video",
    "user_send_gif",
    "user_send_location",
    "user_send_link",
]


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with zalo_harness() as harness:
        yield harness


async def deliver(connector: ZaloInput, event: dict[str, Any], rasa: Collector) -> None:
    body, headers = signed(event, OA_SECRET)
    answer = connector.handle_request(body, headers["X-ZEvent-Signature"], rasa)
    assert answer.status == 200
    await connector.wait_idle()


def text_event(text: str, sender: str = "user-1", msg_id: str | None = None) -> dict[str, Any]:
    return user_event(
        "user_send_text", sender_id=sender, text=text, msg_id=msg_id, timestamp_ms=FIXED_NOW_MS
    )


async def test_text_reaches_rasa_with_sender_channel_and_metadata(h: Harness) -> None:
    connector = h.connector()
    rasa = Collector()
    await deliver(connector, text_event("Làm căn cước ở đâu?", msg_id="m-1"), rasa)
    [message] = rasa.messages
    assert message.text == "Làm căn cước ở đâu?"
    assert message.sender_id == "user-1"
    assert message.input_channel == "zalo"
    assert message.message_id == "m-1"
    assert isinstance(message.output_channel, ZaloOutput)
    assert message.metadata is not None
    assert message.metadata["zalo"]["message"]["msg_id"] == "m-1"
    assert message.metadata["zalo_event"] == "user_send_text"


async def test_bot_reply_goes_back_through_zalo(h: Harness) -> None:
    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Dạ, ở xã ạ."})

    connector = h.connector()
    await deliver(connector, text_event("hoi"), Collector(reply))
    [request] = h.fake.message_requests
    assert request.headers["access_token"] == "acc-1"
    assert request.body == {"recipient": {"user_id": "user-1"}, "message": {"text": "Dạ, ở xã ạ."}}
    assert h.fake.texts_to("user-1") == ["Dạ, ở xã ạ."]


@pytest.mark.parametrize("use_redis", [False, True])
async def test_same_msg_id_twice_reaches_rasa_once(h: Harness, use_redis: bool) -> None:
    connector = h.connector(use_redis=use_redis)
    rasa = Collector()
    event = text_event("xin chao", msg_id="dup-1")
    await deliver(connector, event, rasa)
    await deliver(connector, event, rasa)
    await deliver(connector, text_event("xin chao", msg_id="dup-2"), rasa)
    assert rasa.texts == ["xin chao", "xin chao"]
    assert [m.message_id for m in rasa.messages] == ["dup-1", "dup-2"]


async def test_duplicates_are_dropped_across_instances_sharing_redis(h: Harness) -> None:
    first, second = h.connector(use_redis=True), h.connector(use_redis=True)
    rasa = Collector()
    event = text_event("xin chao", msg_id="shared-1")
    await deliver(first, event, rasa)
    await deliver(second, event, rasa)
    assert len(rasa.messages) == 1
    redis = first.redis
    assert redis is not None
    keys = [k async for k in redis.scan_iter(match=f"{h.redis_prefix}zalo:seen:*")]
    assert len(keys) == 1
    assert 0 < await redis.ttl(keys[0]) <= 86400


@pytest.mark.parametrize(
    "name", ["oa_send_text", "oa_send_image", "user_received_message", "user_seen_message"]
)
async def test_echoes_and_receipts_are_ignored(h: Harness, name: str) -> None:
    connector = h.connector()
    rasa = Collector()
    event = user_event(name, sender_id="oa-1", text="echo", timestamp_ms=FIXED_NOW_MS)
    await deliver(connector, event, rasa)
    assert rasa.messages == []
    assert h.fake.requests == []


@pytest.mark.parametrize("name", ["unfollow", "user_submit_info", "anonymous_send_text", ""])
async def test_other_events_are_ignored_without_error(h: Harness, name: str) -> None:
    connector = h.connector()
    rasa = Collector()
    await deliver(connector, user_event(name, text="x", timestamp_ms=FIXED_NOW_MS), rasa)
    assert rasa.messages == []
    assert h.fake.requests == []


@pytest.mark.parametrize("name", NON_TEXT_EVENTS)
async def test_non_text_messages_get_a_polite_text_only_answer(h: Harness, name: str) -> None:
    connector = h.connector()
    rasa = Collector()
    await deliver(connector, user_event(name, sender_id="u-9", timestamp_ms=FIXED_NOW_MS), rasa)
    assert rasa.messages == []
    [reply] = h.fake.texts_to("u-9")
    assert reply.startswith("Dạ, cháu chỉ đọc được tin nhắn chữ")
    assert "Bác gõ câu hỏi giúp cháu nhé." in reply
    for number, choice in enumerate(DEFAULT_CHOICES, start=1):
        assert f"\n{number}. {choice['title']}" in reply
    assert "chụp" not in reply  # never asks for a photo
    if name in ("user_send_image", "user_send_file"):
        assert "đừng gửi ảnh căn cước" in reply


async def test_choice_after_non_text_answer_maps_to_its_payload(h: Harness) -> None:
    connector = h.connector()
    rasa = Collector()
    image = user_event("user_send_image", sender_id="u-3", timestamp_ms=FIXED_NOW_MS)
    await deliver(connector, image, rasa)
    await deliver(connector, text_event("số 2", sender="u-3"), rasa)
    assert rasa.texts == [DEFAULT_CHOICES[1]["payload"]]
    assert rasa.messages[0].metadata["zalo_typed_choice"] == "số 2"


async def test_duplicate_non_text_event_is_answered_once(h: Harness) -> None:
    connector = h.connector()
    event = user_event("user_send_sticker", sender_id="u-4", timestamp_ms=FIXED_NOW_MS)
    await deliver(connector, event, Collector())
    await deliver(connector, event, Collector())
    assert len(h.fake.texts_to("u-4")) == 1


async def test_follow_sends_the_greet_intent_to_rasa(h: Harness) -> None:
    connector = h.connector()
    rasa = Collector()
    await deliver(connector, follow_event("new-user", timestamp_ms=FIXED_NOW_MS), rasa)
    [message] = rasa.messages
    assert message.text == "/greet"
    assert message.sender_id == "new-user"
    assert message.input_channel == "zalo"


async def test_follow_with_configured_welcome_text_answers_directly(h: Harness) -> None:
    connector = h.connector(welcome_text="Dạ, cháu chào bác ạ.")
    rasa = Collector()
    await deliver(connector, follow_event("new-user", timestamp_ms=FIXED_NOW_MS), rasa)
    assert rasa.messages == []
    assert h.fake.texts_to("new-user") == ["Dạ, cháu chào bác ạ."]


async def test_repeated_follow_event_welcomes_once(h: Harness) -> None:
    connector = h.connector(use_redis=True)
    rasa = Collector()
    event = follow_event("new-user", timestamp_ms=FIXED_NOW_MS)
    await deliver(connector, event, rasa)
    await deliver(connector, event, rasa)
    assert len(rasa.messages) == 1


BUTTONS = [
    {"title": "Giấy tờ cần chuẩn bị", "payload": "/ask_documents"},
    {"title": "Lệ phí", "payload": "/ask_fee"},
    {"title": "Nộp ở đâu", "payload": '/ask_place{"level": "xã"}'},
]


async def ask_with_buttons(message: UserMessage) -> None:
    if message.text == "hoi thu tuc":
        await message.output_channel.send_response(
            message.sender_id, {"text": "Bác muốn biết gì ạ?", "buttons": list(BUTTONS)}
        )


@pytest.mark.parametrize("use_redis", [False, True])
async def test_numbered_buttons_round_trip(h: Harness, use_redis: bool) -> None:
    connector = h.connector(use_redis=use_redis)
    rasa = Collector(ask_with_buttons)
    await deliver(connector, text_event("hoi thu tuc", sender="u-5"), rasa)
    [shown] = h.fake.texts_to("u-5")
    assert shown.startswith(
        "Bác muốn biết gì ạ?\n1. Giấy tờ cần chuẩn bị\n2. Lệ phí\n3. Nộp ở đâu\n"
    )
    for typed, expected in [
        ("1", "/ask_documents"),
        (" 2 ", "/ask_fee"),
        ("số 2", "/ask_fee"),
        ("3", '/ask_place{"level": "xã"}'),
        ("4", "4"),  # out of range: passed through as text
        ("cho hỏi lệ phí", "cho hỏi lệ phí"),
    ]:
        await deliver(connector, text_event(typed, sender="u-5"), rasa)
        assert rasa.messages[-1].text == expected, typed
    # Another citizen's "1" is just text: choices are remembered per user.
    await deliver(connector, text_event("1", sender="u-6"), rasa)
    assert rasa.messages[-1].text == "1"


async def test_choices_shown_by_one_instance_are_read_by_another(h: Harness) -> None:
    first, second = h.connector(use_redis=True), h.connector(use_redis=True)
    rasa = Collector(ask_with_buttons)
    await deliver(first, text_event("hoi thu tuc", sender="u-7"), rasa)
    await deliver(second, text_event("2", sender="u-7"), rasa)
    assert rasa.texts[-1] == "/ask_fee"
    key = f"{h.redis_prefix}zalo:buttons:u-7"
    assert first.redis is not None
    assert 0 < await first.redis.ttl(key) <= 86400


async def test_newer_choices_replace_older_ones(h: Harness) -> None:
    async def reply(message: UserMessage) -> None:
        if message.text == "a":
            buttons = [{"title": "A1", "payload": "/a1"}]
        elif message.text == "b":
            buttons = [{"title": "B1", "payload": "/b1"}, {"title": "B2", "payload": "/b2"}]
        else:
            return
        await message.output_channel.send_response(
            message.sender_id, {"text": "Chọn:", "buttons": buttons}
        )

    connector = h.connector()
    rasa = Collector(reply)
    for typed in ["a", "b", "1"]:
        await deliver(connector, text_event(typed, sender="u-8"), rasa)
    assert rasa.texts == ["a", "b", "/b1"]


async def test_rasa_failure_gets_an_apology_not_silence(h: Harness) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("model not loaded")

    connector = h.connector()
    await deliver(connector, text_event("xin chao", sender="u-10"), Collector(broken))
    assert h.fake.texts_to("u-10") == [SORRY_TEXT]


@pytest.mark.parametrize(
    "event",
    [
        {"event_name": "user_send_text", "message": {"msg_id": "x", "text": "hi"}},
        {"event_name": "user_send_text", "sender": {"id": "u"}, "message": "not a dict"},
        {"event_name": "user_send_text", "sender": "u", "message": {"text": "hi"}},
        {"event_name": "user_send_text", "sender": {"id": "u"}, "message": {"text": "  "}},
        {"event_name": "user_send_image", "sender": {}},
        {"event_name": "follow", "follower": {}},
    ],
)
async def test_odd_but_signed_events_do_not_crash(h: Harness, event: dict[str, Any]) -> None:
    connector = h.connector()
    rasa = Collector()
    event = {"app_id": "app-1", "timestamp": str(FIXED_NOW_MS), **event}
    await deliver(connector, event, rasa)
    assert rasa.messages == []
    assert h.fake.requests == []


async def test_redis_outage_does_not_lose_the_question(h: Harness) -> None:
    from redis.asyncio import Redis

    broken = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    connector = ZaloInput(h.config(), clock=lambda: FIXED_NOW_MS / 1000, redis=broken)
    try:
        rasa = Collector()
        await deliver(connector, text_event("xin chao"), rasa)
        assert rasa.texts == ["xin chao"]
    finally:
        await connector.close()
        await broken.close()
        await broken.connection_pool.disconnect()


def test_missing_settings_disable_the_webhook_instead_of_crashing(monkeypatch) -> None:
    from channels.zalo.input import DisabledZaloInput, ZaloInput

    for name in ("ZALO_APP_ID", "ZALO_OA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    channel = ZaloInput.from_credentials(None)
    assert isinstance(channel, DisabledZaloInput)
    assert channel.name() == "zalo"
    assert "app_id" in channel.reason
