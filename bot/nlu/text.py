"""Vietnamese text normalisation: plain functions, no Rasa imports.

The pipeline never changes the text a citizen typed. It works on *syllables*: each keeps the
offsets of the characters it came from, so entities found on the normalised form map back to
the original message.

Normalising a syllable:
  1. Unicode NFC and one tone-mark convention (``hoà`` -> ``hòa``, ``thuỷ`` -> ``thủy``), using
     underthesea's ``text_normalize``;
  2. lower case;
  3. letters repeated three or more times collapsed (``quáaaa`` -> ``quá``);
  4. abbreviations and teencode expanded from ``data/abbreviations.yml``
     (``cccd`` -> ``căn cước công dân``), which may turn one syllable into several.

``strip_diacritics`` removes tone and vowel marks (``đ`` -> ``d``) one character for one
character, so offsets in NFC text are preserved.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
ABBREVIATIONS_FILE = DATA_DIR / "abbreviations.yml"

# A chunk with a digit in it (codes, phone numbers, dates) stays one piece; otherwise words are
# runs of letters/digits, and punctuation is dropped.
_CHUNK_RE = re.compile(r"\S+")
# letters, digits and combining marks (text typed in decomposed form keeps words whole)
_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")
_EDGE_PUNCT = "\"'“”‘’()[]{}<>,;:!?…。，"
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)


@dataclass(frozen=True)
class Syllable:
    """One normalised syllable and the span of the original text it came from."""

    text: str  # normalised, accented, lower case
    start: int
    end: int
    raw: str  # original characters of the span

    @property
    def plain(self) -> str:
        """The normalised syllable without diacritics."""
        return strip_diacritics(self.text)


def nfc(text: str) -> str:
    """Unicode NFC form."""
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=4096)
def _strip_char(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping one character per character (``đ`` -> ``d``)."""
    return "".join(_strip_char(ch) if ord(ch) > 127 else ch for ch in text)


def has_diacritics(text: str) -> bool:
    """True when any character carries a Vietnamese mark."""
    return strip_diacritics(text) != text


@functools.lru_cache(maxsize=65536)
def normalize_tone(word: str) -> str:
    """One tone-mark convention for one word (``hoà`` -> ``hòa``, ``thuỷ`` -> ``thủy``)."""
    from underthesea import text_normalize

    word = nfc(word)
    if not has_diacritics(word):
        return word
    try:
        fixed = text_normalize(word)
    except Exception:  # noqa: BLE001 - underthesea must never break understanding
        return word
    # text_normalize may re-space or change case: keep its answer only when it is one word
    # of the same length.
    if len(fixed) == len(word) and " " not in fixed:
        return fixed
    return word


def collapse_repeats(word: str) -> str:
    """Collapse a letter repeated three or more times to one (``quáaaa`` -> ``quá``).

    Plain letters dragged after the same accented vowel go too (``quáa`` -> ``quá``).
    """
    word = _REPEAT_RE.sub(r"\1", word)
    kept: list[str] = []
    for ch in word:
        if kept and ch.isalpha() and not has_diacritics(ch):
            prev = kept[-1]
            if has_diacritics(prev) and _strip_char(prev).lower() == ch.lower():
                continue
        kept.append(ch)
    return "".join(kept)


@functools.lru_cache(maxsize=1)
def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> dict[str, tuple[str, ...]]:
    """Map a lower-case abbreviation to the syllables it stands for."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    table: dict[str, tuple[str, ...]] = {}
    for key, value in (raw.get("abbreviations") or {}).items():
        syllables = tuple(nfc(str(value)).lower().split())
        if not syllables:
            raise ValueError(f"{path.name}: abbreviations.{key}: empty expansion")
        table[nfc(str(key)).lower()] = syllables
    return table


def normalize_word(word: str) -> tuple[str, ...]:
    """Normalise one word into one or more syllables (abbreviations expand)."""
    lowered = nfc(word).lower()
    collapsed = collapse_repeats(lowered)
    abbreviations = load_abbreviations()
    for candidate in (lowered, collapsed):
        if candidate in abbreviations:
            return abbreviations[candidate]
    return (normalize_tone(collapsed),)


def _raw_pieces(text: str) -> Iterable[tuple[str, int, int]]:
    """Split text into raw pieces with offsets: digit chunks whole, other words by letters."""
    for chunk in _CHUNK_RE.finditer(text):
        value, start = chunk.group(), chunk.start()
        if _DIGIT_RE.search(value):
            stripped = value.strip(_EDGE_PUNCT + ".")
            if stripped:
                offset = start + value.index(stripped)
                yield stripped, offset, offset + len(stripped)
            continue
        for word in _WORD_RE.finditer(value):
            yield word.group(), start + word.start(), start + word.end()


def syllables(text: str) -> list[Syllable]:
    """Normalised syllables of ``text``, each with its original span."""
    text = text if isinstance(text, str) else ""
    result: list[Syllable] = []
    for raw, start, end in _raw_pieces(text):
        if _DIGIT_RE.search(raw):
            result.append(Syllable(nfc(raw).lower(), start, end, raw))
            continue
        for part in normalize_word(raw):
            result.append(Syllable(part, start, end, raw))
    return result


def normalize(text: str) -> str:
    """The normalised, accented, lower-case form of a whole message."""
    return " ".join(s.text for s in syllables(text))


def fold(text: str) -> str:
    """Normalised form without diacritics: what matching and features compare on."""
    return strip_diacritics(normalize(text))
