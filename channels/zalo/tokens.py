"""OA access token: read from the store, refreshed once at a time across instances.

Refresh: POST {oauth_base_url}/v4/oa/access_token, header `secret_key: <App Secret>`, form
`refresh_token`, `app_id`, `grant_type=refresh_token` (zalo-java-sdk). The answer carries a new
access token, a new single-use refresh token and `expires_in` (seconds, as a string).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from redis.exceptions import LockError, RedisError

from channels.zalo.http import SessionHolder
from channels.zalo.store import TokenPair, TokenStore

logger = logging.getLogger(__name__)


class TokenError(Exception):
    """No usable access token could be obtained."""


class TokenManager:
    def __init__(
        self,
        store: TokenStore,
        http: SessionHolder,
        oauth_base_url: str,
        app_id: str,
        app_secret: str,
        seed: TokenPair | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin_seconds: float = 300.0,
    ) -> None:
        self._store = store
        self._http = http
        self._url = f"{oauth_base_url.rstrip('/')}/v4/oa/access_token"
        self._app_id = app_id
        self._app_secret = app_secret
        self._seed = seed
        self._seeded = False
        self._clock = clock
        self._margin = refresh_margin_seconds

    async def _ensure_seeded(self) -> None:
        if not self._seeded:
            if self._seed is not None:
                await self._store.seed(self._seed)
            self._seeded = True

    async def current_token(self) -> str | None:
        """The stored access token, refreshed first if it is known to expire soon."""
        await self._ensure_seeded()
        pair = await self._store.load()
        if pair is None:
            return None
        if not pair.access_token and pair.refresh_token:
            # Seeded with a refresh token only: get the first access token now.
            return await self.refresh(pair.access_token)
        if pair.expires_at and self._clock() >= pair.expires_at - self._margin:
            try:
                return await self.refresh(pair.access_token)
            except TokenError:
                logger.warning("Early refresh of the Zalo access token failed; using the old one")
        return pair.access_token

    async def refresh(self, failed_token: str | None) -> str:
        """A fresh access token replacing `failed_token`, refreshing at most once overall.

        Under the lock the pair is read again: if another instance has already replaced
        `failed_token`, its token is used and the (single-use) refresh token is not spent.
        """
        await self._ensure_seeded()
        try:
            async with self._store.lock():
                pair = await self._store.load()
                if pair is not None and pair.access_token != failed_token:
                    logger.info("Zalo access token was already refreshed by another worker")
                    return pair.access_token
                if pair is None or not pair.refresh_token:
                    raise TokenError("no Zalo refresh token is stored; re-authorise the OA")
                new_pair = await self._call_oauth(pair.refresh_token)
                # Save before use: the old refresh token is spent from now on.
                await self._store.save(new_pair)
                logger.info("Zalo access token refreshed")
                return new_pair.access_token
        except LockError as exc:
            raise TokenError(f"could not take the Zalo token lock: {exc}") from exc
        except RedisError as exc:
            raise TokenError(f"Redis error while refreshing the Zalo token: {exc}") from exc

    async def _call_oauth(self, refresh_token: str) -> TokenPair:
        if not self._app_secret:
            raise TokenError("app_secret (ZALO_APP_SECRET) is not set; cannot refresh tokens")
        form = {
            "refresh_token": refresh_token,
            "app_id": self._app_id,
            "grant_type": "refresh_token",
        }
        headers = {"secret_key": self._app_secret}
        try:
            async with self._http.get().post(self._url, data=form, headers=headers) as resp:
                status = resp.status
                data: Any = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise TokenError(f"Zalo OAuth call failed: {exc!r}") from exc
        if status != 200 or not isinstance(data, dict) or not data.get("access_token"):
            detail = data if isinstance(data, dict) else {}
            logger.error(
                "Zalo refused the token refresh (HTTP %s, error %s: %s). If the refresh token "
                "was spent or expired, an operator must re-authorise the OA.",
                status,
                detail.get("error"),
                detail.get("error_description")
                or detail.get("message")
                or detail.get("error_name"),
            )
            raise TokenError("Zalo refused the token refresh")
        new_refresh = str(data.get("refresh_token") or "")
        if not new_refresh:
            logger.warning("Zalo token answer has no refresh_token; keeping the old one")
            new_refresh = refresh_token
        try:
            expires_in = float(str(data.get("expires_in", "0")).strip() or 0)
        except ValueError:
            expires_in = 0.0
        expires_at = self._clock() + expires_in if expires_in > 0 else 0.0
        return TokenPair(str(data["access_token"]), new_refresh, expires_at)
