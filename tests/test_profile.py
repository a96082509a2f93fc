"""Run profiles, and the production profile storing conversations in the real Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis

from bot import profile


def test_embedded_profile_is_the_default() -> None:
    assert profile.endpoints_file({}).name == "endpoints.yml"


def test_unknown_profile_is_refused_clearly() -> None:
    with pytest.raises(profile.ProfileError, match="APP_PROFILE"):
        profile.profile_name({"APP_PROFILE": "staging"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", ("127.0.0.1", "6379", "0", "")),
        ("redis://:s3cret@cache.local:6380/2", ("cache.local", "6380", "2", "s3cret")),
        ("redis://cache", ("cache", "6379", "0", "")),
    ],
)
def test_redis_url_becomes_endpoint_variables(url, expected) -> None:
    settings = profile.redis_settings(url)
    got = (
        settings["REDIS_HOST"],
        settings["REDIS_PORT"],
        settings["REDIS_DB"],
        settings["REDIS_PASSWORD"],
    )
    assert got == expected


@pytest.mark.parametrize("url", ["http://x", "redis://", "redis://h/abc", "nonsense"])
def test_bad_redis_urls_are_refused(url) -> None:
    with pytest.raises(profile.ProfileError):
        profile.redis_settings(url)


def test_production_profile_stores_a_conversation_in_real_redis(
    monkeypatch, nlu_agent, model_path
) -> None:
    """A conversation run with the production endpoints is written to Redis and read back."""
    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    env = {"APP_PROFILE": "production", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    endpoints_file = profile.apply()
    assert endpoints_file.name == "endpoints.production.yml"
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    domain = nlu_agent.domain
    store = TrackerStore.create(endpoints.tracker_store, domain)
    lock_store = LockStore.create(endpoints.lock_store)
    assert type(store).__name__ == "MaskingRedisTrackerStore"
    assert type(lock_store).__name__ == "RedisLockStore"

    agent = Agent.load(str(model_path), tracker_store=store, lock_store=lock_store)
    sender = f"test-{uuid.uuid4().hex}"
    try:
        replies = asyncio.run(agent.handle_text("xin chào", sender_id=sender))
        assert replies and "chào" in replies[0]["text"].lower()

        fresh = TrackerStore.create(endpoints.tracker_store, domain)
        tracker = asyncio.run(fresh.retrieve(sender))
        assert tracker is not None
        user_texts = [e.text for e in tracker.events if e.type_name == "user"]
        assert user_texts == ["xin chào"]
        keys = redis.Redis(host="127.0.0.1", port=6379, db=0).keys(f"*{sender}*")
        assert keys, "the conversation is in Redis"

        # personal data typed by the citizen is masked in the stored copy only
        asyncio.run(agent.handle_text("số của tôi là 0912345678", sender_id=sender))
        raw = b"".join(
            redis.Redis(host="127.0.0.1", port=6379, db=0).get(k) or b"" for k in keys
        ).decode("utf-8")
        assert "0912345678" not in raw
        assert "09******78" in raw
    finally:
        redis.Redis(host="127.0.0.1", port=6379, db=0).delete(
            *redis.Redis(host="127.0.0.1", port=6379, db=0).keys(f"*{sender}*") or ["none"]
        )
