"""Sending through the fake OA API: request shape, splitting, tokens and every error path."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest

from channels.zalo.store import TokenPair
from tests.fakes.zalo_harness import APP_ID, APP_SECRET, FIXED_NOW, Harness, zalo_harness


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with zalo_harness() as harness:
        yield harness


async def test_request_shape_and_headers(h: Harness) -> None:
    connector = h.connector()
    assert await connector.client.send_text("user-1", "Dạ, cháu chào bác.")
    [request] = h.fake.message_requests
    assert request.headers["access_token"] == "acc-1"
    assert "Authorization" not in request.headers
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.body == {
        "recipient": {"user_id": "user-1"},
        "message": {"text": "Dạ, cháu chào bác."},
    }
    assert request.answer["error"] == 0


async def test_long_text_is_sent_in_parts_the_api_accepts(h: Harness) -> None:
    connector = h.connector()
    text = " ".join(["Bác mang căn cước đến bộ phận một cửa của xã."] * 110)  # 5059 chars
    assert await connector.client.send_text("user-1", text)
    parts = h.fake.texts_to("user-1")
    assert len(parts) == 3
    assert all(len(p) <= 2000 for p in parts)
    assert " ".join(parts) == text
    assert all(r.answer["error"] == 0 for r in h.fake.message_requests)


async def test_empty_text_sends_nothing(h: Harness) -> None:
    connector = h.connector()
    assert not await connector.client.send_text("user-1", "   ")
    assert h.fake.requests == []


async def test_fake_refuses_what_zalo_refuses(h: Harness) -> None:
    """The fake is strict: these are the checks the connector is tested against."""
    connector = h.connector()
    result = await connector.client.send_message("user-1", {"text": "x" * 2001})
    assert (result.ok, result.error) == (False, -201)
    result = await connector.client.send_message("", {"text": "hi"})
    assert result.error == -201


@pytest.mark.parametrize("use_redis", [False, True])
async def test_invalid_token_is_refreshed_once_and_the_message_retried(
    h: Harness, use_redis: bool
) -> None:
    connector = h.connector(use_redis=use_redis, access_token="revoked-token")
    assert await connector.client.send_text("user-1", "Dạ.")
    first, second = h.fake.message_requests
    assert first.answer["error"] == -216
    assert second.headers["access_token"] == "acc-2"
    [oauth] = h.fake.oauth_requests
    assert oauth.headers["secret_key"] == APP_SECRET
    assert oauth.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert oauth.body == {"refresh_token": "ref-1", "app_id": APP_ID, "grant_type": "refresh_token"}
    stored = await connector.tokens._store.load()
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == ("acc-2", "ref-2")
    assert stored.expires_at == FIXED_NOW + 90000


async def test_expired_token_is_refreshed_and_the_message_retried(h: Harness) -> None:
    connector = h.connector()
    h.fake.expire("acc-1")
    assert await connector.client.send_text("user-1", "Dạ.")
    assert [r.answer["error"] for r in h.fake.message_requests] == [-220, 0]
    assert len(h.fake.oauth_requests) == 1
    assert h.fake.texts_to("user-1") == ["Dạ."]


async def test_refresh_happens_only_once_per_message(h: Harness) -> None:
    connector = h.connector()
    h.fake.fail_next(-216, times=2)
    assert not await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.message_requests) == 2
    assert len(h.fake.oauth_requests) == 1


async def test_spent_refresh_token_fails_cleanly(h: Harness, caplog) -> None:
    h.fake.refresh_tokens["ref-1"] = "spent"
    connector = h.connector()
    h.fake.expire("acc-1")
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.message_requests) == 1
    assert len(h.fake.oauth_requests) == 1
    assert "re-authorise" in caplog.text


async def test_missing_app_secret_is_reported_without_calling_oauth(h: Harness, caplog) -> None:
    connector = h.connector(app_secret="")
    h.fake.expire("acc-1")
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert h.fake.oauth_requests == []
    assert "ZALO_APP_SECRET" in caplog.text


async def test_rate_limit_backs_off_and_retries(h: Harness) -> None:
    connector = h.connector()
    h.fake.fail_next(-32, times=2)
    assert await connector.client.send_text("user-1", "Dạ.")
    assert [r.answer["error"] for r in h.fake.message_requests] == [-32, -32, 0]
    assert h.sleeps == [1.0, 2.0]


async def test_rate_limit_retries_are_bounded(h: Harness, caplog) -> None:
    connector = h.connector(rate_limit_retries=3)
    h.fake.fail_next(-32, times=10)
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.message_requests) == 4
    assert h.sleeps == [1.0, 2.0, 4.0]
    assert h.fake.oauth_requests == []
    assert "rate limit" in caplog.text


@pytest.mark.parametrize("code", [-213, -230, -232])
async def test_window_errors_are_logged_and_not_retried(h: Harness, caplog, code: int) -> None:
    connector = h.connector()
    h.fake.fail_next(code)
    with caplog.at_level(logging.WARNING):
        assert not await connector.client.send_text("user-1", "Dạ. " + "x" * 2500)
    assert len(h.fake.message_requests) == 1  # no retry, and the second part is not sent
    assert h.fake.oauth_requests == []
    assert h.sleeps == []
    assert f"error {code}" in caplog.text
    assert "Not retrying" in caplog.text


@pytest.mark.parametrize("code", [-201, -999])
async def test_other_errors_are_logged(h: Harness, caplog, code: int) -> None:
    connector = h.connector()
    h.fake.fail_next(code)
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.message_requests) == 1
    assert f"error {code}" in caplog.text


async def test_no_token_at_all_sends_nothing(h: Harness, caplog) -> None:
    connector = h.connector(access_token="", refresh_token="")
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert h.fake.requests == []
    assert "ZALO_ACCESS_TOKEN" in caplog.text


async def test_refresh_token_alone_is_enough_to_start(h: Harness) -> None:
    connector = h.connector(access_token="", refresh_token="ref-1")
    assert await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.oauth_requests) == 1
    assert h.fake.message_requests[0].headers["access_token"] == "acc-2"


async def test_token_known_to_expire_soon_is_refreshed_first(h: Harness) -> None:
    connector = h.connector(use_redis=True)
    await connector.tokens._store.save(TokenPair("acc-1", "ref-1", expires_at=FIXED_NOW + 60))
    assert await connector.client.send_text("user-1", "Dạ.")
    assert len(h.fake.oauth_requests) == 1
    assert [r.headers["access_token"] for r in h.fake.message_requests] == ["acc-2"]


async def test_timeout_is_reported_as_a_failed_send(h: Harness, caplog) -> None:
    connector = h.connector(http_timeout_seconds=0.2)
    h.fake.hold_messages_until(2)  # a single request is held: the server never answers
    with caplog.at_level(logging.ERROR):
        assert not await connector.client.send_text("user-1", "Dạ.")
    assert "timeout" in caplog.text


async def test_pair_is_stored_as_json_under_the_documented_key(h: Harness) -> None:
    connector = h.connector(use_redis=True, access_token="revoked")
    assert await connector.client.send_text("user-1", "Dạ.")
    assert connector.redis is not None
    raw = await connector.redis.get(f"{h.redis_prefix}zalo:tokens:{APP_ID}")
    assert json.loads(raw)["access_token"] == "acc-2"
    assert json.loads(raw)["refresh_token"] == "ref-2"


async def test_restart_does_not_overwrite_a_rotated_pair_with_old_env_tokens(h: Harness) -> None:
    first = h.connector(use_redis=True, access_token="revoked")
    assert await first.client.send_text("user-1", "Dạ.")
    # A restarted instance is still configured with the original (now spent) pair.
    restarted = h.connector(use_redis=True, access_token="revoked", refresh_token="ref-1")
    assert await restarted.client.send_text("user-1", "Lần hai.")
    assert len(h.fake.oauth_requests) == 1
    assert h.fake.message_requests[-1].headers["access_token"] == "acc-2"


async def test_two_instances_refresh_once_between_them(h: Harness) -> None:
    """Two Rasa instances share Redis; both hit an expired token at the same moment."""
    first, second = h.connector(use_redis=True), h.connector(use_redis=True)
    h.fake.expire("acc-1")
    h.fake.hold_messages_until(2)  # both first attempts are answered -220 before any refresh
    results = await asyncio.gather(
        first.get_output_channel().client.send_text("user-a", "Tin cho bác A."),
        second.get_output_channel().client.send_text("user-b", "Tin cho bác B."),
    )
    assert results == [True, True]
    assert len(h.fake.oauth_requests) == 1
    assert h.fake.oauth_requests[0].answer["refresh_token"] == "ref-2"
    assert sorted(h.fake.delivered) == [("user-a", "Tin cho bác A."), ("user-b", "Tin cho bác B.")]
    first_tries = [r for r in h.fake.message_requests if r.answer["error"] == -220]
    assert len(first_tries) == 2
    assert h.fake.refresh_tokens == {"ref-1": "spent", "ref-2": "active"}


async def test_concurrent_sends_in_one_process_refresh_once(h: Harness) -> None:
    connector = h.connector()  # in-memory pair, asyncio lock
    h.fake.expire("acc-1")
    h.fake.hold_messages_until(3)
    results = await asyncio.gather(
        *(connector.client.send_text(f"user-{i}", "Dạ.") for i in range(3))
    )
    assert results == [True, True, True]
    assert len(h.fake.oauth_requests) == 1
    assert len(h.fake.delivered) == 3
