"""Rasa InputChannel for a Zalo Official Account: webhook at /webhooks/zalo/webhook.

A request is verified (signature, app id, timestamp), acknowledged with HTTP 200 at once,
and processed in a background task: duplicates dropped, echoes and receipts ignored, text
passed to Rasa, other messages answered politely.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.zalo.client import ZaloClient
from channels.zalo.config import ZaloConfig, ZaloConfigError
from channels.zalo.http import SessionHolder
from channels.zalo.messages import DEFAULT_CHOICES, SORRY_TEXT, is_text_only_event, text_only_reply
from channels.zalo.output import ZaloOutput
from channels.zalo.signature import SIGNATURE_HEADER, SignatureVerifier, WebhookRejected
from channels.zalo.store import (
    ButtonStore,
    DedupStore,
    MemoryButtonStore,
    MemoryDedupStore,
    MemoryTokenStore,
    RedisButtonStore,
    RedisDedupStore,
    RedisTokenStore,
    TokenPair,
    TokenStore,
)
from channels.zalo.text import payload_for_choice
from channels.zalo.tokens import TokenManager

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# Delivery receipts; the OA's own sends come back as `oa_send_*` and are ignored too.
IGNORED_EVENTS = frozenset({"user_received_message", "user_seen_message"})
MAX_USER_TEXT_CHARS = 4000


def _nested_str(event: dict[str, Any], outer: str, inner: str) -> str:
    value = event.get(outer)
    if isinstance(value, dict):
        item = value.get(inner)
        if isinstance(item, str | int) and not isinstance(item, bool):
            return str(item).strip()
    return ""


class ZaloInput(InputChannel):
    """Named in credentials.yml as `channels.zalo.ZaloInput`."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        try:
            return cls(ZaloConfig.from_mapping(credentials))
        except ZaloConfigError as missing:
            # `make run` on embedded defaults has no Zalo secrets: keep the server up and
            # answer Zalo with 503 until the OA is configured.
            logger.warning("Zalo channel disabled: %s", missing)
            return DisabledZaloInput(str(missing))

    def __init__(
        self,
        config: ZaloConfig,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        redis: Redis | None = None,
    ) -> None:
        self.config = config
        self.verifier = SignatureVerifier(
            config.app_id, config.oa_secret_key, config.max_timestamp_skew_seconds, clock
        )
        self.http = SessionHolder(config.http_timeout_seconds)
        self._owns_redis = redis is None and bool(config.redis_url)
        self.redis = redis
        if self.redis is None and config.redis_url:
            self.redis = Redis.from_url(
                config.redis_url, socket_timeout=5, socket_connect_timeout=5
            )
        prefix = config.redis_key_prefix
        self.dedup: DedupStore
        self.buttons: ButtonStore
        token_store: TokenStore
        if self.redis is not None:
            self.dedup = RedisDedupStore(self.redis, prefix, config.dedup_ttl_seconds)
            self.buttons = RedisButtonStore(self.redis, prefix, config.button_ttl_seconds)
            token_store = RedisTokenStore(self.redis, prefix, config.app_id)
        else:
            self.dedup = MemoryDedupStore(config.dedup_ttl_seconds)
            self.buttons = MemoryButtonStore(config.button_ttl_seconds)
            token_store = MemoryTokenStore()
        seed = None
        if config.access_token or config.refresh_token:
            seed = TokenPair(config.access_token, config.refresh_token)
        self.tokens = TokenManager(
            token_store,
            self.http,
            config.oauth_base_url,
            config.app_id,
            config.app_secret,
            seed=seed,
            clock=clock,
        )
        self.client = ZaloClient(
            self.http,
            self.tokens,
            config.api_base_url,
            rate_limit_retries=config.rate_limit_retries,
            rate_limit_backoff_seconds=config.rate_limit_backoff_seconds,
            sleep=sleep,
        )
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ Rasa hooks

    def get_output_channel(self) -> ZaloOutput:
        return ZaloOutput(self.client, self.buttons)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        zalo_webhook = Blueprint("zalo_webhook", __name__)

        @zalo_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @zalo_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return self.handle_request(
                request.body or b"", request.headers.get(SIGNATURE_HEADER), on_new_message
            )

        @zalo_webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.close()

        return zalo_webhook

    # ------------------------------------------------------------ request handling

    def handle_request(
        self, raw_body: bytes, signature: str | None, on_new_message: OnNewMessage
    ) -> HTTPResponse:
        """Verifies, schedules processing, and answers at once (Zalo wants 200 within ~2 s)."""
        if len(raw_body) > self.config.max_body_bytes:
            logger.warning("Zalo webhook refused: body of %d bytes", len(raw_body))
            return response.json({"error": "body_too_large"}, status=413)
        try:
            event = self.verifier.verify(raw_body, signature)
        except WebhookRejected as rejected:
            logger.warning("Zalo webhook refused (%s): %s", rejected.status, rejected.code)
            return response.json({"error": rejected.code}, status=rejected.status)
        self._spawn(self.process_event(event, on_new_message))
        return response.json({"status": "ok"})

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)  # keep a reference: unreferenced tasks may be collected
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            logger.error("Zalo event processing failed", exc_info=exc)

    async def wait_idle(self) -> None:
        """Waits until all background processing has finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        await self.wait_idle()
        await self.http.close()
        if self._owns_redis and self.redis is not None:
            await self.redis.close()
            await self.redis.connection_pool.disconnect()

    # ------------------------------------------------------------ events

    async def process_event(self, event: dict[str, Any], on_new_message: OnNewMessage) -> None:
        name = str(event.get("event_name") or "")
        if name.startswith("oa_send_") or name in IGNORED_EVENTS:
            logger.debug("Ignoring Zalo event %s", name)
            return
        handled = name == "user_send_text" or name == "follow" or is_text_only_event(name)
        if not handled:
            logger.info("Ignoring Zalo event %r", name)
            return
        if not await self._first_time(event, name):
            logger.info("Dropping repeated Zalo event %s", name)
            return
        if name == "user_send_text":
            await self._handle_text(event, on_new_message)
        elif name == "follow":
            await self._handle_follow(event, on_new_message)
        else:
            await self._handle_non_text(event, name)

    async def _first_time(self, event: dict[str, Any], name: str) -> bool:
        msg_id = _nested_str(event, "message", "msg_id")
        if msg_id:
            key = f"msg:{msg_id}"
        else:
            user = _nested_str(event, "follower", "id") or _nested_str(event, "sender", "id")
            key = f"event:{name}:{user}:{event.get('timestamp')}"
        try:
            return await self.dedup.first_time(key)
        except RedisError:
            # Better a rare duplicate answer than a lost question.
            logger.exception("Zalo duplicate check failed; processing the event anyway")
            return True

    async def _deliver(self, message: UserMessage, on_new_message: OnNewMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Rasa failed on a Zalo message from %s", message.sender_id)
            await self.client.send_text(str(message.sender_id), SORRY_TEXT)

    async def _handle_text(self, event: dict[str, Any], on_new_message: OnNewMessage) -> None:
        sender = _nested_str(event, "sender", "id")
        message = event.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not sender or not isinstance(text, str) or not text.strip():
            logger.warning("Zalo text event without sender or text; ignored")
            return
        text = text[:MAX_USER_TEXT_CHARS]
        metadata: dict[str, Any] = {"zalo_event": "user_send_text", "zalo": event}
        payload = await self._choice_payload(sender, text)
        if payload is not None:
            metadata["zalo_typed_choice"] = text
        user_message = UserMessage(
            payload if payload is not None else text,
            self.get_output_channel(),
            sender,
            input_channel=self.name(),
            message_id=_nested_str(event, "message", "msg_id") or None,
            metadata=metadata,
        )
        await self._deliver(user_message, on_new_message)

    async def _choice_payload(self, sender: str, text: str) -> str | None:
        try:
            buttons = await self.buttons.load(sender)
        except RedisError:
            logger.exception("Could not read the stored Zalo choices of %s", sender)
            return None
        return payload_for_choice(text, buttons) if buttons else None

    async def _handle_follow(self, event: dict[str, Any], on_new_message: OnNewMessage) -> None:
        follower = _nested_str(event, "follower", "id") or _nested_str(event, "sender", "id")
        if not follower:
            logger.warning("Zalo follow event without follower id; ignored")
            return
        if self.config.welcome_text:
            await self.client.send_text(follower, self.config.welcome_text)
            return
        welcome = UserMessage(
            self.config.welcome_intent,
            self.get_output_channel(),
            follower,
            input_channel=self.name(),
            metadata={"zalo_event": "follow", "zalo": event},
        )
        await self._deliver(welcome, on_new_message)

    async def _handle_non_text(self, event: dict[str, Any], name: str) -> None:
        sender = _nested_str(event, "sender", "id")
        if not sender:
            logger.warning("Zalo %s event without sender; ignored", name)
            return
        try:
            await self.buttons.save(sender, DEFAULT_CHOICES)
        except RedisError:
            logger.exception("Could not store Zalo choices for %s", sender)
        await self.client.send_text(sender, text_only_reply(name))


class DisabledZaloInput(InputChannel):
    """Stands in for the Zalo channel when its settings are missing: every call gets 503."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        disabled = Blueprint("zalo_webhook_disabled", __name__)

        @disabled.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "disabled", "reason": self.reason}, status=503)

        @disabled.route("/webhook", methods=["POST"])
        async def webhook(_: Request) -> HTTPResponse:
            return response.json({"error": "zalo_not_configured"}, status=503)

        return disabled
