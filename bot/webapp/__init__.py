"""Staff web app: dashboard, follow-ups, callback requests, exports and JSON API (aiohttp).

`create_app(config)` builds the application; `python -m bot.webapp --port 8080` runs it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware
from cryptography.fernet import Fernet

from bot.feedback.store import FeedbackStore
from bot.webapp.api import setup_api
from bot.webapp.auth import setup_auth
from bot.webapp.common import CONFIG_KEY, STORE_KEY
from bot.webapp.config import WebConfig
from bot.webapp.exports import setup_exports
from bot.webapp.security import (
    SessionStorage,
    auth_middleware,
    error_middleware,
    headers_middleware,
)
from bot.webapp.views import setup_views

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent


def _format_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",") + "%"


def _format_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def create_app(
    config: WebConfig | None = None, store: FeedbackStore | None = None
) -> web.Application:
    """Build the staff web app. `store` may be injected (tests); by default one is opened on
    config.db_url (migrating the database) and closed on shutdown."""
    config = config or WebConfig.from_env()
    storage = SessionStorage(Fernet(config.fernet_key()), secure=config.cookie_secure)
    app = web.Application(
        middlewares=[
            headers_middleware,
            error_middleware,
            session_middleware(storage),
            auth_middleware,
        ],
        client_max_size=1024 * 1024,
    )
    app[CONFIG_KEY] = config
    owned = store is None
    app[STORE_KEY] = store or FeedbackStore(config.db_url)
    if config.bcrypt_rounds:
        app[STORE_KEY].bcrypt_rounds = config.bcrypt_rounds
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = _format_percent
    env.filters["num"] = _format_int

    setup_auth(app)
    setup_views(app)
    setup_api(app)
    setup_exports(app)
    app.router.add_static("/static/", PACKAGE_DIR / "static", name="static")
    _setup_public_widget(app, config)

    if owned:

        async def _close_store(app: web.Application) -> AsyncIterator[None]:
            yield
            app[STORE_KEY].close()

        app.cleanup_ctx.append(_close_store)
    return app


def _setup_public_widget(app: web.Application, config: WebConfig) -> None:
    """Citizens' web chat (owned by the channels/webchat engineer): public, if present."""
    if config.webchat_dir.is_dir():
        app.router.add_static("/webchat/", config.webchat_dir, name="webchat")
    if config.demo_page.is_file():
        demo_page = config.demo_page

        async def demo(request: web.Request) -> web.FileResponse:
            return web.FileResponse(demo_page)

        app.router.add_get("/demo", demo, name="demo")


__all__ = ["WebConfig", "create_app"]
