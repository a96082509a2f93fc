"""What the assistant says: short bubbles with buttons, and the slot changes that go with them.

Dialogue code returns an :class:`Outcome`; the rasa-sdk actions only translate it into
``dispatcher.utter_message`` calls and ``SlotSet`` events. Keeping this in plain Python makes
every conversation path testable without Rasa.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

BUBBLE_LIMIT = 300  # characters per chat bubble, for small screens and slow readers


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass
class Reply:
    """One chat bubble. ``simple`` is a plainer wording used by "Nói đơn giản hơn"."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    simple: str | None = None


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    followup: str | None = None  # an action to run next (e.g. a form)

    def say(
        self,
        text: str,
        buttons: list[Button] | None = None,
        simple: str | None = None,
        whole: bool = False,
    ) -> Outcome:
        """Add ``text`` split into bubbles (one bubble if ``whole``); buttons go last."""
        bubbles = [text.strip()] if whole else split_bubbles(text)
        for index, bubble in enumerate(bubbles):
            last = index == len(bubbles) - 1
            self.replies.append(
                Reply(bubble, list(buttons or []) if last else [], simple if last else None)
            )
        return self


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload that triggers ``intent`` with entities, e.g. ``/inform{"x":"y"}``."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


# Buttons offered again and again: one place for their wording.
ASK_PROCEDURE = Button("Hỏi thủ tục", "/ask_procedure")
FILE_ONLINE = Button("Nộp hồ sơ trực tuyến", "/ask_how_to_file_online")
CHECK_STATUS = Button("Tra cứu hồ sơ", "/check_dossier_status")
TALK_TO_HUMAN = Button("Gặp cán bộ", "/talk_to_human")
FEEDBACK = Button("Góp ý", "/give_feedback")
MAIN_MENU = [ASK_PROCEDURE, FILE_ONLINE, CHECK_STATUS, TALK_TO_HUMAN]

_SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+|\n+")


def split_bubbles(text: str, limit: int = BUBBLE_LIMIT) -> list[str]:
    """Split text into bubbles of at most ``limit`` characters, on line or sentence ends.

    A numbered list (lines starting "1.", "2." ...) is kept in one bubble where it fits, so a
    document checklist can be forwarded whole; a single sentence longer than the limit is cut
    on word boundaries.
    """
    text = (text or "").strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    bubbles: list[str] = []
    current = ""
    for piece in pieces:
        joiner = "\n" if re.match(r"^\d+[.)]\s", piece) or current.endswith(":") else " "
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            bubbles.append(current)
        while len(piece) > limit:
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            bubbles.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        current = piece
    if current:
        bubbles.append(current)
    return bubbles
