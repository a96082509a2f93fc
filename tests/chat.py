"""Talking to a running Rasa server through its REST channel."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any


def say(rasa_url: str, message: str, sender: str | None = None) -> list[dict[str, Any]]:
    """Send one message; return the bot's replies (text, buttons...)."""
    body = json.dumps({"sender": sender or uuid.uuid4().hex, "message": message}).encode()
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]
