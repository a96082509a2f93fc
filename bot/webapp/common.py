"""Shared pieces of the web app: app keys, errors, rendering and access helpers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import aiohttp_jinja2
from aiohttp import web

from bot.feedback.store import FeedbackStore, StaffAccount
from bot.webapp.config import WebConfig

T = TypeVar("T")

STORE_KEY = web.AppKey("feedback_store", FeedbackStore)
CONFIG_KEY = web.AppKey("web_config", WebConfig)
OPENAPI_KEY = web.AppKey("openapi_spec", dict)

USER = "user"  # request key: the signed-in StaffAccount
CSRF = "csrf_token"  # request key and form field name
CSRF_HEADER = "X-CSRF-Token"


class UserError(web.HTTPBadRequest):
    """400 with a message meant for the person (Vietnamese) and a detail for developers."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(text=message)
        self.user_message = message
        self.detail = detail


class Forbidden(web.HTTPForbidden):
    def __init__(self, message: str) -> None:
        super().__init__(text=message)
        self.user_message = message


class NotFound(web.HTTPNotFound):
    def __init__(self, message: str) -> None:
        super().__init__(text=message)
        self.user_message = message


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def current_user(request: web.Request) -> StaffAccount:
    user = request.get(USER)
    if user is None:  # the auth middleware guarantees this does not happen on private routes
        raise web.HTTPUnauthorized()
    return user  # type: ignore[no-any-return]


def require_manager(request: web.Request) -> StaffAccount:
    user = current_user(request)
    if not user.is_manager:
        raise Forbidden("Chỉ cán bộ quản lý mới được đánh dấu đã xử lý.")
    return user


async def in_thread(request: web.Request, func: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Run a blocking store call off the event loop."""
    return await asyncio.to_thread(functools.partial(func, *args, **kw))


def store_of(request: web.Request) -> FeedbackStore:
    return request.app[STORE_KEY]


def config_of(request: web.Request) -> WebConfig:
    return request.app[CONFIG_KEY]


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    base = {
        "user": request.get(USER),
        "csrf_token": request.get(CSRF, ""),
        "path": request.path,
    }
    base.update(context)
    return aiohttp_jinja2.render_template(template, request, base, status=status)
