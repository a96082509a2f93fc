"""Fallback, hand-off to a person, "Nhắc lại" and "Nói đơn giản hơn"."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.replies import (
    ASK_PROCEDURE,
    CHECK_STATUS,
    FILE_ONLINE,
    MAIN_MENU,
    TALK_TO_HUMAN,
    Button,
    Outcome,
    Reply,
)

CONTACTS_FILE = Path(__file__).parent / "data" / "contacts.yml"
MISSES_BEFORE_HANDOFF = 2
CALLBACK = Button("Nhờ cán bộ gọi lại", "/request_callback")

# Buttons suggested for a misunderstood message, by the intent NLU thought most likely.
SUGGESTIONS = {
    "ask_documents": Button("Hỏi giấy tờ cần có", "/ask_documents"),
    "ask_fee": Button("Hỏi lệ phí", "/ask_fee"),
    "ask_processing_time": Button("Hỏi thời gian", "/ask_processing_time"),
    "ask_where_to_file": Button("Hỏi nơi nộp", "/ask_where_to_file"),
    "ask_procedure": ASK_PROCEDURE,
    "ask_how_to_file_online": FILE_ONLINE,
    "check_dossier_status": CHECK_STATUS,
    "talk_to_human": TALK_TO_HUMAN,
}


@functools.lru_cache(maxsize=4)
def load_contacts(path: str | None = None) -> dict[str, Any]:
    file = Path(path or os.environ.get("CONTACTS_FILE") or CONTACTS_FILE)
    with file.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not data.get("hotlines") or not data.get("counter"):
        raise ValueError(f"{file}: needs 'hotlines' and 'counter'")
    return data


def fallback(misses: float | None, ranking: Sequence[dict[str, Any]] = ()) -> Outcome:
    """Ask to rephrase, with suggestions; after repeated misses offer a person."""
    count = int(misses or 0) + 1
    if count >= MISSES_BEFORE_HANDOFF:
        outcome = handoff()
        outcome.replies.insert(
            0, Reply("Dạ, cháu xin lỗi, cháu vẫn chưa hiểu ý bác. Cháu nhờ cán bộ giúp bác nhé.")
        )
        outcome.slots["fallback_count"] = 0.0
        return outcome
    suggestions: list[Button] = []
    for item in ranking:
        button = SUGGESTIONS.get(str(item.get("name")))
        if button and button not in suggestions:
            suggestions.append(button)
    for button in MAIN_MENU:
        if button not in suggestions:
            suggestions.append(button)
    outcome = Outcome().say(
        "Dạ, cháu chưa hiểu ý bác. Bác nói lại ngắn gọn giúp cháu, "
        'ví dụ: "làm căn cước cần giấy tờ gì", hoặc bấm chọn bên dưới ạ.',
        suggestions[:4],
        simple="Cháu chưa hiểu. Bác bấm một nút bên dưới nhé.",
    )
    outcome.slots["fallback_count"] = float(count)
    return outcome


def handoff() -> Outcome:
    """Hotlines, counter hours, and the offer of a call back."""
    contacts = load_contacts()
    lines = ["Dạ, bác có thể gặp cán bộ theo các cách sau:"]
    for hotline in contacts["hotlines"]:
        note = f" ({hotline['note']})" if hotline.get("note") else ""
        lines.append(f"- Gọi {hotline['name']}: {hotline['number']}{note}.")
    counter = contacts["counter"]
    lines.append(f"- Đến {counter['name']}. Giờ làm việc: {counter['hours']}.")
    if counter.get("uncertain") and counter.get("note"):
        lines.append(counter["note"])
    outcome = Outcome().say("\n".join(lines))
    outcome.say(
        "Hoặc cháu ghi lại số điện thoại để cán bộ gọi lại cho bác. Bác có muốn không ạ?",
        [CALLBACK, Button("Không cần", "/deny")],
        simple='Bác bấm "Nhờ cán bộ gọi lại" nếu muốn cán bộ gọi cho bác.',
    )
    outcome.slots.update(last_flow="handoff", fallback_count=0.0)
    return outcome


def last_bot_turn(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot messages sent since the citizen's previous message (before the current one)."""
    user_seen = 0
    collected: list[dict[str, Any]] = []
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            user_seen += 1
            if user_seen == 2:
                break
            continue
        if kind == "bot" and user_seen == 1:
            collected.append(event)
    return list(reversed(collected))


def _buttons(event: dict[str, Any]) -> list[Button]:
    data = event.get("data") or {}
    return [
        Button(str(b.get("title", "")), str(b.get("payload", "")))
        for b in data.get("buttons") or []
        if isinstance(b, dict)
    ]


def repeat(events: Sequence[dict[str, Any]]) -> Outcome:
    previous = [e for e in last_bot_turn(events) if e.get("text")]
    if not previous:
        return Outcome().say("Dạ, bác cần cháu giúp gì ạ?", MAIN_MENU)
    outcome = Outcome()
    for event in previous:
        outcome.replies.append(
            Reply(str(event["text"]), _buttons(event), (event.get("metadata") or {}).get("simple"))
        )
    return outcome


_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.DOTALL)


def simplify_text(text: str) -> str:
    """A generic plainer version: the first sentence, without links and brackets."""
    text = re.sub(r"\([^)]*\)", "", text)
    text = re.sub(r"https?://\S+", "", text)
    match = _FIRST_SENTENCE.match(text.strip())
    first = match.group(1) if match else text.strip()
    return re.sub(r"\s+([.,!?])", r"\1", re.sub(r"\s{2,}", " ", first)).strip()


def simpler(events: Sequence[dict[str, Any]]) -> Outcome:
    previous = [e for e in last_bot_turn(events) if e.get("text")]
    if not previous:
        return Outcome().say("Dạ, bác muốn hỏi gì ạ? Bác bấm một nút bên dưới.", MAIN_MENU)
    outcome = Outcome()
    for event in previous:
        simple = (event.get("metadata") or {}).get("simple") or simplify_text(str(event["text"]))
        outcome.replies.append(Reply(simple, _buttons(event), simple))
    outcome.say('Bác chưa rõ chỗ nào, bác bấm "Gặp cán bộ" để được giúp trực tiếp ạ.')
    return outcome


def affirm_deny(intent: str, last_flow: str | None) -> Outcome:
    """A yes after the hand-off offer starts the call-back form; anything else: what next."""
    if intent == "affirm" and last_flow == "handoff":
        outcome = Outcome()
        outcome.followup = "callback_form"
        return outcome
    text = "Dạ vâng ạ. Bác cần cháu giúp gì thêm không ạ?"
    return Outcome().say(text, MAIN_MENU)
