"""Builds Zalo connectors wired to a running FakeZalo, for the test_zalo_* modules."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from redis.asyncio import Redis

from channels.zalo import ZaloConfig, ZaloInput
from tests.fakes.fake_zalo import FakeZalo

APP_ID = "app-1"
OA_SECRET = "oa-secret-key"
APP_SECRET = "app-secret"
FIXED_NOW = 1_764_000_000.0  # seconds; webhook timestamps are checked against this clock
FIXED_NOW_MS = int(FIXED_NOW * 1000)
REDIS_URL = "redis://127.0.0.1:6379/0"


class Collector:
    """Stands in for Rasa's `on_new_message`; can answer through the output channel."""

    def __init__(self, reply: Callable[[UserMessage], Awaitable[None]] | None = None) -> None:
        self.messages: list[UserMessage] = []
        self._reply = reply

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self._reply is not None:
            await self._reply(message)

    @property
    def texts(self) -> list[str | None]:
        return [m.text for m in self.messages]


@dataclass
class Harness:
    fake: FakeZalo
    base_url: str
    redis_prefix: str
    sleeps: list[float] = field(default_factory=list)
    _connectors: list[ZaloInput] = field(default_factory=list)
    _redis_clients: list[Redis] = field(default_factory=list)

    def config(self, **overrides: Any) -> ZaloConfig:
        base = ZaloConfig(
            app_id=APP_ID,
            oa_secret_key=OA_SECRET,
            app_secret=APP_SECRET,
            access_token="acc-1",
            refresh_token="ref-1",
            api_base_url=self.base_url,
            oauth_base_url=self.base_url,
            redis_key_prefix=self.redis_prefix,
            http_timeout_seconds=5.0,
        )
        return replace(base, **overrides)

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)  # recorded, never waited for

    def connector(self, use_redis: bool = False, **overrides: Any) -> ZaloInput:
        redis = None
        if use_redis:
            redis = Redis.from_url(REDIS_URL)
            self._redis_clients.append(redis)
        connector = ZaloInput(
            self.config(**overrides), clock=lambda: FIXED_NOW, sleep=self._sleep, redis=redis
        )
        self._connectors.append(connector)
        return connector

    async def close(self) -> None:
        for connector in self._connectors:
            await connector.close()
        for redis in self._redis_clients:
            keys = [k async for k in redis.scan_iter(match=f"{self.redis_prefix}*")]
            if keys:
                await redis.delete(*keys)
            await redis.close()
            await redis.connection_pool.disconnect()


@asynccontextmanager
async def zalo_harness(**fake_kwargs: Any) -> AsyncIterator[Harness]:
    fake = FakeZalo(app_id=APP_ID, app_secret=APP_SECRET, **fake_kwargs)
    server = TestServer(fake.make_app(), host="127.0.0.1")
    await server.start_server()
    harness = Harness(
        fake=fake,
        base_url=str(server.make_url("")).rstrip("/"),
        redis_prefix=f"test:{uuid.uuid4().hex}:",
    )
    try:
        yield harness
    finally:
        await harness.close()
        await server.close()
