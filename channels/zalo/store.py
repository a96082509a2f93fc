"""State the connector keeps: seen message ids, last choices per user, the token pair.

Each store has a Redis variant (several Rasa instances share it) and an in-memory variant
(the embedded single-process default).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from redis.asyncio import Redis

logger = logging.getLogger(__name__)

MAX_MEMORY_ENTRIES = 50_000


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float = 0.0  # seconds since the epoch; 0 = unknown

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> TokenPair | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(
                access_token=str(data["access_token"]),
                refresh_token=str(data.get("refresh_token") or ""),
                expires_at=float(data.get("expires_at") or 0.0),
            )
        except (ValueError, KeyError, TypeError):
            logger.error("Stored Zalo token pair is unreadable; ignoring it")
            return None


class _TtlDict:
    """A small dict whose entries expire; bounded so it cannot grow without limit."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._data: dict[str, tuple[float, Any]] = {}

    def _prune(self) -> None:
        now = self._clock()
        for key in [k for k, (expiry, _) in self._data.items() if expiry <= now]:
            del self._data[key]
        while len(self._data) >= MAX_MEMORY_ENTRIES:
            del self._data[next(iter(self._data))]

    def get(self, key: str) -> Any:
        entry = self._data.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def set(self, key: str, value: Any, ttl: float) -> None:
        if len(self._data) >= MAX_MEMORY_ENTRIES // 2:
            self._prune()
        self._data.pop(key, None)
        self._data[key] = (self._clock() + ttl, value)


class DedupStore(Protocol):
    async def first_time(self, key: str) -> bool:
        """True the first time `key` is seen within the TTL, False afterwards."""
        ...


class ButtonStore(Protocol):
    async def save(self, user_id: str, buttons: Sequence[Mapping[str, Any]]) -> None: ...

    async def load(self, user_id: str) -> list[dict[str, Any]] | None: ...


class TokenStore(Protocol):
    async def load(self) -> TokenPair | None: ...

    async def save(self, pair: TokenPair) -> None: ...

    async def seed(self, pair: TokenPair) -> None:
        """Stores `pair` only if nothing is stored yet (a rotated pair is never overwritten)."""
        ...

    def lock(self) -> AbstractAsyncContextManager[Any]: ...


def _clean_buttons(buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
        for b in buttons
    ]


# ---------------------------------------------------------------- in memory


class MemoryDedupStore:
    def __init__(self, ttl_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._seen = _TtlDict(clock)

    async def first_time(self, key: str) -> bool:
        if self._seen.get(key) is not None:
            return False
        self._seen.set(key, True, self._ttl)
        return True


class MemoryButtonStore:
    def __init__(self, ttl_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._sets = _TtlDict(clock)

    async def save(self, user_id: str, buttons: Sequence[Mapping[str, Any]]) -> None:
        self._sets.set(user_id, _clean_buttons(buttons), self._ttl)

    async def load(self, user_id: str) -> list[dict[str, Any]] | None:
        value = self._sets.get(user_id)
        return list(value) if value is not None else None


class MemoryTokenStore:
    def __init__(self) -> None:
        self._pair: TokenPair | None = None
        self._lock = asyncio.Lock()

    async def load(self) -> TokenPair | None:
        return self._pair

    async def save(self, pair: TokenPair) -> None:
        self._pair = pair

    async def seed(self, pair: TokenPair) -> None:
        if self._pair is None:
            self._pair = pair

    def lock(self) -> AbstractAsyncContextManager[Any]:
        return self._lock


# ---------------------------------------------------------------- Redis


class RedisDedupStore:
    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    async def first_time(self, key: str) -> bool:
        # SET key 1 NX EX ttl: atomic, so concurrent duplicates on several instances agree.
        created = await self._redis.set(f"{self._prefix}zalo:seen:{key}", 1, nx=True, ex=self._ttl)
        return bool(created)


class RedisButtonStore:
    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}zalo:buttons:{user_id}"

    async def save(self, user_id: str, buttons: Sequence[Mapping[str, Any]]) -> None:
        raw = json.dumps(_clean_buttons(buttons), ensure_ascii=False)
        await self._redis.set(self._key(user_id), raw, ex=self._ttl)

    async def load(self, user_id: str) -> list[dict[str, Any]] | None:
        raw = await self._redis.get(self._key(user_id))
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


class RedisTokenStore:
    """The pair is one JSON string at `<prefix>zalo:tokens:<app_id>`."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        app_id: str,
        lock_timeout: float = 30.0,
        lock_wait: float = 20.0,
    ) -> None:
        self._redis = redis
        self.key = f"{prefix}zalo:tokens:{app_id}"
        self._lock_timeout = lock_timeout
        self._lock_wait = lock_wait

    async def load(self) -> TokenPair | None:
        return TokenPair.from_json(await self._redis.get(self.key))

    async def save(self, pair: TokenPair) -> None:
        await self._redis.set(self.key, pair.to_json())

    async def seed(self, pair: TokenPair) -> None:
        await self._redis.set(self.key, pair.to_json(), nx=True)

    def lock(self) -> AbstractAsyncContextManager[Any]:
        # timeout: the lock frees itself if its holder dies; blocking_timeout: how long others
        # wait for it (LockError after that).
        return self._redis.lock(
            f"{self.key}:lock", timeout=self._lock_timeout, blocking_timeout=self._lock_wait
        )
