"""Sending customer-service messages: POST {api_base_url}/v3.0/oa/message/cs.

Zalo reports errors with HTTP 200 and `error != 0` in the body, so every answer is checked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from redis.exceptions import RedisError

from channels.zalo.http import SessionHolder
from channels.zalo.text import split_text
from channels.zalo.tokens import TokenError, TokenManager

logger = logging.getLogger(__name__)

TOKEN_INVALID = -216
TOKEN_EXPIRED = -220
RATE_LIMITED = -32
TOKEN_ERRORS = frozenset({TOKEN_INVALID, TOKEN_EXPIRED})
# The user cannot be reached right now; retrying will not help.
WINDOW_ERRORS = {
    -213: "the user does not follow the OA (or has not written to it recently)",
    -230: "the user has not interacted with the OA in the last 7 days",
    -232: "the user has not interacted with the OA recently (outside the allowed window)",
}


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: int | None = None
    message: str = ""
    message_id: str | None = None


class ZaloClient:
    def __init__(
        self,
        http: SessionHolder,
        tokens: TokenManager,
        api_base_url: str,
        rate_limit_retries: int = 3,
        rate_limit_backoff_seconds: float = 1.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self.url = f"{api_base_url.rstrip('/')}/v3.0/oa/message/cs"
        self._rate_limit_retries = rate_limit_retries
        self._backoff = rate_limit_backoff_seconds
        self._sleep = sleep

    async def send_text(self, user_id: str, text: str) -> bool:
        """Sends `text` in parts of at most 2,000 characters; stops at the first failure."""
        parts = split_text(text)
        if not parts:
            logger.debug("Not sending an empty Zalo message to %s", user_id)
            return False
        for part in parts:
            result = await self.send_message(user_id, {"text": part})
            if not result.ok:
                return False
        return True

    async def send_message(self, user_id: str, message: dict[str, Any]) -> SendResult:
        body = {"recipient": {"user_id": user_id}, "message": message}
        try:
            token = await self._tokens.current_token()
        except (TokenError, RedisError) as exc:
            logger.error("No Zalo access token: %s", exc)
            return SendResult(False, message=str(exc))
        if not token:
            logger.error("No Zalo access token configured (ZALO_ACCESS_TOKEN); message dropped")
            return SendResult(False, message="no access token")

        refreshed = False
        rate_retries = 0
        while True:
            result = await self._post(token, body)
            if result.ok:
                return result
            if result.error in TOKEN_ERRORS and not refreshed:
                refreshed = True
                logger.info("Zalo token rejected (error %s); refreshing once", result.error)
                try:
                    token = await self._tokens.refresh(token)
                except TokenError as exc:
                    logger.error("Zalo message to %s not sent: %s", user_id, exc)
                    return result
                continue
            if result.error == RATE_LIMITED and rate_retries < self._rate_limit_retries:
                delay = self._backoff * (2**rate_retries)
                rate_retries += 1
                logger.warning(
                    "Zalo rate limit (-32); retry %d/%d in %.1fs",
                    rate_retries,
                    self._rate_limit_retries,
                    delay,
                )
                await self._sleep(delay)
                continue
            self._log_failure(user_id, result)
            return result

    async def _post(self, token: str, body: dict[str, Any]) -> SendResult:
        headers = {"access_token": token}
        try:
            async with self._http.get().post(self.url, json=body, headers=headers) as resp:
                status = resp.status
                data: Any = await resp.json(content_type=None)
        except asyncio.TimeoutError:
            return SendResult(False, message="timeout")
        except (aiohttp.ClientError, ValueError) as exc:
            return SendResult(False, message=f"network or format error: {exc!r}")
        if status != 200 or not isinstance(data, dict):
            return SendResult(False, message=f"HTTP {status}")
        try:
            error = int(data.get("error", -1))
        except (TypeError, ValueError):
            error = -1
        if error == 0:
            payload = data.get("data")
            message_id = payload.get("message_id") if isinstance(payload, dict) else None
            return SendResult(True, 0, str(data.get("message", "")), message_id)
        return SendResult(False, error, str(data.get("message", "")))

    @staticmethod
    def _log_failure(user_id: str, result: SendResult) -> None:
        if result.error in WINDOW_ERRORS:
            logger.warning(
                "Zalo will not deliver to user %s: %s (error %s: %s). Not retrying; the "
                "citizen must write to the OA again first.",
                user_id,
                WINDOW_ERRORS[result.error],
                result.error,
                result.message,
            )
        elif result.error in TOKEN_ERRORS:
            logger.error(
                "Zalo still rejects the access token after a refresh (error %s: %s)",
                result.error,
                result.message,
            )
        elif result.error == RATE_LIMITED:
            logger.error("Zalo rate limit persists; message to %s dropped", user_id)
        else:
            logger.error(
                "Zalo message to %s failed (error %s: %s)", user_id, result.error, result.message
            )
