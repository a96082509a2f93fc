"""Sign-in, sign-out and the login throttle."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.webapp.common import CONFIG_KEY, CSRF, STORE_KEY, in_thread, render
from bot.webapp.security import new_csrf_token, safe_next


class LoginThrottle:
    """At most `max_failures` failed sign-ins per user name, and ten times that per client
    address (a commune office shares one address), in a sliding window. In-memory, so per web
    process."""

    ADDRESS_FACTOR = 10

    def __init__(
        self, max_failures: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        entries = self._failures.setdefault(key, deque())
        while entries and now - entries[0] > self.window:
            entries.popleft()
        return entries

    def blocked(self, user_key: str, address_key: str) -> bool:
        return (
            len(self._recent(user_key)) >= self.max_failures
            or len(self._recent(address_key)) >= self.max_failures * self.ADDRESS_FACTOR
        )

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())
        if len(self._failures) > 10_000:  # bound memory under a spray of user names
            for key in [k for k, v in self._failures.items() if not v][:5_000]:
                del self._failures[key]

    def succeeded(self, username_key: str) -> None:
        self._failures.pop(username_key, None)


THROTTLE_KEY = web.AppKey("login_throttle", LoginThrottle)


def _keys(request: web.Request, username: str) -> tuple[str, str]:
    return f"user:{username.strip().lower()[:64]}", f"ip:{request.remote or '?'}"


async def login_page(request: web.Request) -> web.Response:
    session = await get_session(request)
    if session.get("username") and request.get("user"):
        return web.Response(status=303, headers={"Location": "/"})
    return render(request, "login.html", {"next": safe_next(request.query.get("next"))})


async def login_post(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))[:200]
    target = safe_next(str(form.get("next", "")))
    throttle = request.app[THROTTLE_KEY]
    user_key, ip_key = _keys(request, username)
    if throttle.blocked(user_key, ip_key):
        minutes = max(1, round(throttle.window / 60))
        message = f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
        return render(request, "login.html", {"error": message, "next": target}, status=429)
    user = None
    if username and password:
        user = await in_thread(request, request.app[STORE_KEY].authenticate, username, password)
    if user is None:
        throttle.failed(user_key, ip_key)
        message = "Tên đăng nhập hoặc mật khẩu không đúng."
        return render(
            request,
            "login.html",
            {"error": message, "next": target, "username": username},
            status=401,
        )
    throttle.succeeded(user_key)
    session = await new_session(request)  # fresh session: no fixation
    session["username"] = user.username
    session["auth_at"] = time.time()
    session["csrf"] = token = new_csrf_token()
    request[CSRF] = token
    return web.Response(status=303, headers={"Location": target})


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    return web.Response(status=303, headers={"Location": "/login"})


def setup_auth(app: web.Application) -> None:
    config = app[CONFIG_KEY]
    app[THROTTLE_KEY] = LoginThrottle(config.login_max_failures, config.login_window_seconds)
    app.router.add_get("/login", login_page, name="login")
    app.router.add_post("/login", login_post, name="login_post")
    app.router.add_post("/logout", logout, name="logout")


__all__ = ["THROTTLE_KEY", "LoginThrottle", "setup_auth"]
