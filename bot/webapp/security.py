"""Middlewares: security headers, polite error pages, sign-in requirement and CSRF checks."""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp_session import Session, get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.webapp.common import (
    CONFIG_KEY,
    CSRF,
    CSRF_HEADER,
    STORE_KEY,
    USER,
    Forbidden,
    in_thread,
    is_api,
    render,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Routes anyone may open. Everything else needs a signed-in staff account.
PUBLIC_ROUTES = frozenset({"login", "login_post", "static", "webchat", "demo", "healthz"})
# Public routes that need no session at all (no cookie is set for them).
SESSIONLESS_ROUTES = frozenset({"static", "webchat", "demo", "healthz"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "dvc_staff_session"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

DEFAULT_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Vui lòng đăng nhập để tiếp tục.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang bạn cần.",
    405: "Thao tác này không được hỗ trợ ở địa chỉ này.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.",
    500: "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.",
}


class SessionStorage(EncryptedCookieStorage):
    """Encrypted cookie session whose Secure flag follows the request when not forced."""

    def __init__(self, secret_key: Fernet, *, secure: bool | None) -> None:
        super().__init__(
            secret_key, cookie_name=SESSION_COOKIE, httponly=True, samesite="Lax", secure=secure
        )
        self._force_secure = secure

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        # No await between this assignment and the cookie being written (single-threaded loop).
        secure = request.secure if self._force_secure is None else self._force_secure
        self._cookie_params["secure"] = secure
        await super().save_session(request, response, session)


def route_name(request: web.Request) -> str | None:
    resource = request.match_info.route.resource
    return resource.name if resource is not None else None


def _public_widget(request: web.Request) -> bool:
    return route_name(request) in ("webchat", "demo")


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _public_widget(request):
        # Citizens' widget: may be embedded in a commune's site; its owner sets its own CSP.
        return response
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if route_name(request) == "static":
        headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        headers["Cache-Control"] = "no-store"
    return response


def error_response(request: web.Request, status: int, message: str, **extra: Any) -> web.Response:
    if is_api(request):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        body["error"].update({k: v for k, v in extra.items() if v is not None})
        return web.json_response(body, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            response = web.Response(status=exc.status, headers=exc.headers)
        else:
            message = getattr(exc, "user_message", None) or DEFAULT_MESSAGES.get(
                exc.status, DEFAULT_MESSAGES[400 if exc.status < 500 else 500]
            )
            response = error_response(
                request, exc.status, message, detail=getattr(exc, "detail", None)
            )
            for name in ("Allow", "Retry-After"):
                if name in exc.headers:
                    response.headers[name] = exc.headers[name]
        for name, morsel in exc.cookies.items():
            response.cookies[name] = morsel
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(request, 500, DEFAULT_MESSAGES[500])


def safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def login_redirect(request: web.Request) -> web.Response:
    location = "/login"
    if request.method == "GET" and request.path != "/":
        location += "?next=" + quote(request.path_qs, safe="")
    return web.Response(status=303, headers={"Location": location})


async def _load_user(request: web.Request, session: Session) -> Any:
    username = session.get("username")
    if not username:
        return None
    max_age = request.app[CONFIG_KEY].session_max_age
    if time.time() - float(session.get("auth_at", 0)) > max_age:
        session.invalidate()
        return None
    user = await in_thread(request, request.app[STORE_KEY].get_user, username)
    if user is None or not user.active:
        session.invalidate()
        return None
    return user


async def _submitted_token(request: web.Request) -> str:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.post()
        except (ValueError, UnicodeDecodeError, web.HTTPException):
            return ""
        value = form.get(CSRF)
        return value if isinstance(value, str) else ""
    return ""


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    name = route_name(request)
    if name is None or name in SESSIONLESS_ROUTES:
        return await handler(request)  # unknown route (404/405) or cookie-free public file
    session = await get_session(request)
    user = await _load_user(request, session)
    request[USER] = user
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    request[CSRF] = token
    if name not in PUBLIC_ROUTES and user is None:
        if is_api(request):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Cookie realm="staff"'})
        return login_redirect(request)
    if request.method not in SAFE_METHODS:
        submitted = await _submitted_token(request)
        if not submitted or not hmac.compare_digest(submitted.encode(), str(token).encode()):
            raise Forbidden(
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                "Vui lòng tải lại trang rồi thử lại."
            )
    return await handler(request)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


__all__ = [
    "PUBLIC_ROUTES",
    "SESSION_COOKIE",
    "SessionStorage",
    "auth_middleware",
    "error_middleware",
    "headers_middleware",
    "new_csrf_token",
    "safe_next",
]
