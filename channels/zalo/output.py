"""Rasa OutputChannel that answers through the Zalo OA customer-service API."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel
from redis.exceptions import RedisError

from channels.zalo.client import ZaloClient
from channels.zalo.store import ButtonStore
from channels.zalo.text import render_choices

logger = logging.getLogger(__name__)


class ZaloOutput(OutputChannel):
    """Text only: buttons become a numbered list and are remembered per user."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def __init__(self, client: ZaloClient, buttons: ButtonStore) -> None:
        self.client = client
        self.buttons = buttons

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.client.send_text(recipient_id, text)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        usable = [
            b for b in buttons if isinstance(b, dict) and (b.get("title") or b.get("payload"))
        ]
        if usable:
            try:
                # Remember the choices before sending, so a quick "1" already maps.
                await self.buttons.save(recipient_id, usable)
            except RedisError:
                logger.exception("Could not store Zalo choices for %s", recipient_id)
        await self.client.send_text(recipient_id, render_choices(text or "", usable))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        # Zalo shows a preview for a bare link; no English "Image:" label for the citizen.
        await self.client.send_text(recipient_id, image)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, str):
            await self.client.send_text(recipient_id, attachment)
        else:
            logger.warning("Zalo channel cannot send attachment %r; skipped", attachment)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """`{"zalo_message": {...}}` is sent as a raw Zalo message object; `text` as text."""
        raw = json_message.get("zalo_message") if isinstance(json_message, dict) else None
        if isinstance(raw, dict):
            await self.client.send_message(recipient_id, raw)
        elif isinstance(json_message, dict) and isinstance(json_message.get("text"), str):
            buttons = json_message.get("buttons")
            if isinstance(buttons, list) and buttons:
                await self.send_text_with_buttons(recipient_id, json_message["text"], buttons)
            else:
                await self.client.send_text(recipient_id, json_message["text"])
        else:
            # Never dump raw JSON on a citizen's phone.
            logger.warning("Zalo channel ignored a custom message it cannot render")

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            title = str(element.get("title") or "")
            subtitle = str(element.get("subtitle") or "")
            text = f"{title}\n{subtitle}".strip()
            buttons = element.get("buttons") or []
            if buttons:
                await self.send_text_with_buttons(recipient_id, text, buttons)
            elif text:
                await self.client.send_text(recipient_id, text)
