"""Helpers for tests of the staff web app (used by tests/test_webapp*.py)."""

from __future__ import annotations

import re
from typing import Any

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from_html(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise AssertionError("no CSRF token in page")
    return match.group(1)


async def login(client: Any, username: str, password: str) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = await client.get("/login")
    token = csrf_from_html(await page.text())
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        allow_redirects=False,
    )
    if response.status != 303:
        raise AssertionError(f"login failed with {response.status}")
    info = await client.get("/api/v1/session")
    return str((await info.json())["csrf_token"])
