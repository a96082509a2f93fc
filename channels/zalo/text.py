"""Text helpers: splitting long replies, numbered choices, and reading a choice back."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MAX_TEXT_CHARS = 2000
CHOICE_HINT = "Bác gõ số để chọn, ví dụ: 1"

# A sentence ends with . ! ? … (optionally followed by closing quotes/brackets) and a space,
# or at a line break.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*[ \t]+|[ \t]*\n+[ \t]*")
_WORD_BREAK = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _last_break(pattern: re.Pattern[str], window: str) -> re.Match[str] | None:
    last = None
    for match in pattern.finditer(window):
        if match.start() > 0:
            last = match
    return last


def _hard_cut(rest: str, limit: int) -> int:
    """Cut position at most `limit`, never just before a combining mark."""
    cut = limit
    while cut > 1 and unicodedata.combining(rest[cut]):
        cut -= 1
    return cut


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Splits NFC-normalised `text` into parts of at most `limit` characters.

    Cuts at the last sentence end (or line break) that fits, else at the last space, and only
    cuts inside a word when that word alone is longer than `limit`. Empty parts are dropped.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    rest = nfc(text).strip()
    parts: list[str] = []
    while len(rest) > limit:
        # A break starting exactly at `limit` still leaves a part of `limit` characters.
        window = rest[: limit + 1]
        match = _last_break(_SENTENCE_BREAK, window) or _last_break(_WORD_BREAK, window)
        if match is not None:
            cut, resume = match.start(), match.end()
            # The break may straddle the window edge: skip all of it in the full text.
            following = _WORD_BREAK.match(rest, resume)
            if following is not None:
                resume = following.end()
        else:
            cut = resume = _hard_cut(rest, limit)
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[resume:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def button_title(button: Mapping[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "").strip()


def button_payload(button: Mapping[str, Any]) -> str:
    return str(button.get("payload") or button.get("title") or "").strip()


def render_choices(text: str, buttons: Sequence[Mapping[str, Any]]) -> str:
    """`text` followed by "1. title" lines and a short hint on how to answer."""
    lines = [f"{index}. {button_title(button)}" for index, button in enumerate(buttons, start=1)]
    head = text.strip()
    body = "\n".join(lines)
    if not lines:
        return head
    return f"{head}\n{body}\n{CHOICE_HINT}" if head else f"{body}\n{CHOICE_HINT}"


# Unaccented forms that are also common words ("nam", "sau", "bay", "tam") are left out.
_NUMBER_WORDS = {
    "một": 1,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "bon": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "chin": 9,
    "mười": 10,
    "muoi": 10,
}
_PREFIXES = r"(?:(?:chọn|chon|số|so|câu|cau|mục|muc|ý|y|phương án|phuong an)\s*)*"
_CHOICE_RE = re.compile(
    rf"^{_PREFIXES}(\d{{1,3}}|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
    r"\s*[.)!:,]*\s*(?:ạ|a|nhé|nhe|nha)?\s*[.!]*$"
)


def parse_choice(text: str) -> int | None:
    """The number the user typed ("2", " 2 ", "số 2", "chọn số hai", "2️⃣"), else None."""
    cleaned = nfc(text).lower().replace("\ufe0f", "").replace("\u20e3", "")
    cleaned = " ".join(cleaned.split())
    if not cleaned or len(cleaned) > 40:
        return None
    match = _CHOICE_RE.match(cleaned)
    if match is None:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def payload_for_choice(text: str, buttons: Iterable[Mapping[str, Any]]) -> str | None:
    """The payload of the chosen button, or None if `text` is not an in-range number."""
    choices = list(buttons)
    number = parse_choice(text)
    if number is None or not 1 <= number <= len(choices):
        return None
    return button_payload(choices[number - 1]) or None
