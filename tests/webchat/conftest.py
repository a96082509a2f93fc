"""Fixtures for the web chat browser tests: built widget, servers, headless Chromium.

Chromium comes from Debian's packages (scripts/install-browser.sh); Playwright never
downloads a browser here. The fake Rasa servers run as subprocesses so a test can stop one
(a dropped network) and start it again on the same port.
"""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, sync_playwright
from webchat_helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DIST,
    HERE,
    ROOT,
    WEBCHAT,
    ServerProcess,
    demo_html,
    free_port,
)


@pytest.fixture(scope="session")
def built_widget() -> Path:
    """Chromium installed and dist/ freshly built from the repository's sources."""
    if not CHROMIUM.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "install-browser.sh")], check=True)
    subprocess.run(["bash", str(WEBCHAT / "build.sh")], check=True, cwd=ROOT)
    assert (DIST / "widget.js").is_file() and (DIST / "widget.css").is_file()
    return DIST


@pytest.fixture(scope="session")
def static_site(built_widget: Path) -> Iterator[str]:
    """Serves /demo?socket=URL (demo.html aimed at that server) and /webchat/ from dist/."""

    async def demo(request: web.Request) -> web.Response:
        return web.Response(
            text=demo_html(request.query.get("socket", "http://127.0.0.1:9")),
            content_type="text/html",
        )

    async def blank(request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>blank</title>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/demo", demo)
    app.router.add_get("/blank", blank)
    app.router.add_static("/webchat/", built_widget)
    # The server lives in its own thread and event loop: Playwright's sync API owns the
    # main thread's loop while a browser is open.
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30), "static test server did not start"
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(built_widget: Path) -> Iterator[Browser]:
    # Module scope: while Playwright's sync API is active it owns the thread's event loop,
    # so async tests (pytest-asyncio) elsewhere must not run inside its lifetime.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def fake_rasa() -> Iterator[ServerProcess]:
    server = ServerProcess(HERE / "fake_rasa.py")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rasa_channel() -> Iterator[ServerProcess]:
    """Rasa's own socketio channel classes under Sanic, with canned answers."""
    server = ServerProcess(HERE / "rasa_channel_server.py")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
