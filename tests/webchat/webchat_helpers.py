"""Shared by the web chat tests: paths, the restartable test servers, and what a citizen does
with the widget, as Playwright steps. (Test modules import from here, never from conftest.)
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WEBCHAT = ROOT / "channels" / "webchat"
DIST = WEBCHAT / "dist"
AXE_JS = WEBCHAT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "artifacts" / "webchat"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SOCKET_ATTR = re.compile(r'data-socket-(?:url|port)="[^"]*"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_html(socket_url: str) -> str:
    """demo.html with its socket attribute pointed at `socket_url`."""
    html = (WEBCHAT / "demo.html").read_text(encoding="utf-8")
    html, count = SOCKET_ATTR.subn(f'data-socket-url="{socket_url}"', html)
    assert count == 1, "demo.html must have exactly one data-socket-url/-port attribute"
    return html


class ServerProcess:
    """A test server script run as a subprocess on a fixed port (restartable)."""

    def __init__(self, script: Path, port: int | None = None) -> None:
        self.script = script
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.logfile = ARTIFACTS / f"{script.stem}-{self.port}.log"

    def start(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        out = self.logfile.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(self.script), "--port", str(self.port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.script.name} exited; see {self.logfile}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.script.name} did not start; see {self.logfile}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # like a dropped network: no goodbye to the browser
            self.proc.wait(timeout=10)
        self.proc = None

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.url + "/_fake/log", timeout=5) as r:
            events: list[dict[str, Any]] = json.loads(r.read())
        return [e for e in events if kind is None or e.get("event") == kind]

    def messages(self) -> list[str]:
        return [e["message"] for e in self.events("user_uttered")]


LAUNCHER = "Hỏi đáp thủ tục"
INPUT_LABEL = "Câu hỏi của bác"


def launcher(page: Page) -> Locator:
    return page.locator("#dvc-webchat .launcher")


def chat_input(page: Page) -> Locator:
    return page.get_by_label(INPUT_LABEL)


def bot_texts(page: Page) -> Locator:
    return page.locator("#dvc-webchat .msg.bot .bubble")


def user_texts(page: Page) -> Locator:
    return page.locator("#dvc-webchat .msg.user .bubble")


def status(page: Page) -> Locator:
    return page.locator("#dvc-webchat .status")


def open_demo(page: Page, site: str, socket_url: str) -> None:
    page.goto(f"{site}/demo?socket={socket_url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cổng Dịch vụ công Thành phố Hà Nội — bản demo"
    )


def open_chat(page: Page) -> None:
    page.get_by_role("button", name=LAUNCHER).click()
    expect(chat_input(page)).to_be_focused()


def send(page: Page, text: str) -> None:
    chat_input(page).fill(text)
    chat_input(page).press("Enter")


def wait_bot_text(page: Page, fragment: str, timeout: float | None = None) -> Locator:
    msg = bot_texts(page).filter(has_text=fragment).last
    expect(msg).to_be_visible(timeout=timeout)
    return msg


def run_axe(page: Page, axe_js: Path) -> list[dict[str, Any]]:
    """axe-core over the whole page (it enters open shadow roots); serious/critical only."""
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))
            }));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=2)
