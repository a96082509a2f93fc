"""A local stand-in for Zalo's OA API, OAuth server and webhook sender.

It checks requests the way the real services are documented to (see docs/ZALO.md): errors come
with HTTP 200 and `error != 0`. Error numbers of the OAuth server are invented (the real ones are
not documented in our sources); the connector only relies on the absence of `access_token`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from channels.zalo.signature import signature_header_value

MAX_TEXT = 2000
ERROR_MESSAGES = {
    -32: "Request exceeds the rate limit",
    -201: "Parameters are invalid",
    -213: "User has not followed the OA",
    -216: "Access token is invalid",
    -220: "Access token has expired",
    -230: "User has not interacted with the OA in the past 7 days",
    -232: "User has not interacted with the OA recently",
}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, form dict, or raw text when unparseable
    answer: dict[str, Any] = field(default_factory=dict)


class FakeZalo:
    def __init__(
        self,
        app_id: str = "app-1",
        app_secret: str = "app-secret",
        access_token: str = "acc-1",
        refresh_token: str = "ref-1",
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.valid_tokens: set[str] = {access_token}
        self.expired_tokens: set[str] = set()
        self.refresh_tokens: dict[str, str] = {refresh_token: "active"}
        self.requests: list[Recorded] = []
        self.delivered: list[tuple[str, str]] = []
        self._forced: deque[int] = deque()
        self._counter = itertools.count(2)
        self._hold_count = 0
        self._held = 0
        self._release = asyncio.Event()

    # ------------------------------------------------------------ test controls

    def expire(self, token: str) -> None:
        self.valid_tokens.discard(token)
        self.expired_tokens.add(token)

    def fail_next(self, code: int, times: int = 1) -> None:
        """The next `times` well-formed, authorised messages get error `code`."""
        self._forced.extend([code] * times)

    def hold_messages_until(self, count: int) -> None:
        """The first `count` message requests wait until all `count` have arrived."""
        self._hold_count = count
        self._held = 0
        self._release = asyncio.Event()

    @property
    def message_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v3.0/oa/message/cs"]

    @property
    def oauth_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v4/oa/access_token"]

    def texts_to(self, user_id: str) -> list[str]:
        return [text for uid, text in self.delivered if uid == user_id]

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._message)
        app.router.add_post("/v4/oa/access_token", self._oauth)
        return app

    # ------------------------------------------------------------ OA API

    async def _message(self, request: web.Request) -> web.Response:
        raw = await request.text()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        record = Recorded(request.path, dict(request.headers), body)
        self.requests.append(record)
        if self._hold_count and self._held < self._hold_count:
            self._held += 1
            if self._held >= self._hold_count:
                self._release.set()
            await self._release.wait()
        answer = self._answer_message(request.headers.get("access_token"), body)
        record.answer = answer
        return web.json_response(answer)

    def _answer_message(self, token: str | None, body: Any) -> dict[str, Any]:
        if not token or (token not in self.valid_tokens and token not in self.expired_tokens):
            return self._error(-216)
        if token in self.expired_tokens:
            return self._error(-220)
        if not isinstance(body, dict):
            return self._error(-201)
        recipient = body.get("recipient")
        message = body.get("message")
        user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
        if not isinstance(user_id, str) or not user_id or not isinstance(message, dict):
            return self._error(-201)
        text = message.get("text")
        if "attachment" not in message and (not isinstance(text, str) or not text):
            return self._error(-201)
        if isinstance(text, str) and len(text) > MAX_TEXT:
            return self._error(-201)
        if self._forced:
            return self._error(self._forced.popleft())
        if isinstance(text, str):
            self.delivered.append((user_id, text))
        return {
            "error": 0,
            "message": "Success",
            "data": {"message_id": uuid.uuid4().hex, "user_id": user_id},
        }

    @staticmethod
    def _error(code: int) -> dict[str, Any]:
        return {"error": code, "message": ERROR_MESSAGES.get(code, "Unknown error")}

    # ------------------------------------------------------------ OAuth

    async def _oauth(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        record = Recorded(request.path, dict(request.headers), form)
        self.requests.append(record)
        answer = self._answer_oauth(request, form)
        record.answer = answer
        return web.json_response(answer)

    def _answer_oauth(self, request: web.Request, form: dict[str, Any]) -> dict[str, Any]:
        if request.content_type != "application/x-www-form-urlencoded":
            return {"error": -14001, "error_description": "Body must be a form"}
        if request.headers.get("secret_key") != self.app_secret:
            return {"error": -14002, "error_description": "Invalid secret key"}
        if form.get("app_id") != self.app_id or form.get("grant_type") != "refresh_token":
            return {"error": -14003, "error_description": "Invalid app_id or grant_type"}
        refresh = str(form.get("refresh_token") or "")
        state = self.refresh_tokens.get(refresh)
        if state is None:
            return {"error": -14005, "error_description": "Invalid refresh token"}
        if state == "spent":
            return {"error": -14020, "error_description": "Refresh token has already been used"}
        self.refresh_tokens[refresh] = "spent"
        number = next(self._counter)
        access, new_refresh = f"acc-{number}", f"ref-{number}"
        self.valid_tokens.add(access)
        self.refresh_tokens[new_refresh] = "active"
        return {"access_token": access, "refresh_token": new_refresh, "expires_in": "90000"}


# ------------------------------------------------------------ webhook side (Zalo -> us)


def now_ms() -> int:
    return int(time.time() * 1000)


def user_event(
    event_name: str,
    sender_id: str = "user-1",
    text: str | None = None,
    msg_id: str | None = None,
    app_id: str = "app-1",
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """A `user_send_*` event shaped like Zalo's (envelope from integrators' docs)."""
    message: dict[str, Any] = {"msg_id": msg_id or uuid.uuid4().hex}
    if text is not None:
        message["text"] = text
    if event_name != "user_send_text":
        kind = event_name.removeprefix("user_send_")
        payload: dict[str, Any] = {"url": "https://example.invalid/x", "thumbnail": ""}
        if kind == "location":
            payload = {"coordinates": {"latitude": "21.0285", "longitude": "105.8542"}}
        message["attachments"] = [{"type": kind, "payload": payload}]
    return {
        "app_id": app_id,
        "user_id_by_app": "app-scoped-" + sender_id,
        "event_name": event_name,
        "timestamp": str(timestamp_ms if timestamp_ms is not None else now_ms()),
        "sender": {"id": sender_id},
        "recipient": {"id": "oa-1"},
        "message": message,
    }


def follow_event(
    follower_id: str = "user-1", app_id: str = "app-1", timestamp_ms: int | None = None
) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "oa_id": "oa-1",
        "user_id_by_app": "app-scoped-" + follower_id,
        "event_name": "follow",
        "source": "oa_follow",
        "timestamp": str(timestamp_ms if timestamp_ms is not None else now_ms()),
        "follower": {"id": follower_id},
    }


def signed(event: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """Body bytes and headers as Zalo would send them for `event`."""
    body = json.dumps(event, ensure_ascii=False).encode("utf-8")
    header = signature_header_value(str(event["app_id"]), body, str(event["timestamp"]), secret)
    return body, {"X-ZEvent-Signature": header, "Content-Type": "application/json"}
