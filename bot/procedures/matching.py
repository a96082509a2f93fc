"""Fuzzy, diacritic-insensitive matching of citizen text against procedure names and aliases.

Each procedure contributes *phrases* (its official name and aliases, normalised). A phrase is
looked for inside the query, phrase as the needle: an exact word-aligned hit scores 100, a
near hit (typo, missing letter) scores the rapidfuzz ratio of the phrase against the best window
of query words. Longer phrases are more specific and get a bonus, so "chứng thực chữ ký" beats
the shared alias "chứng thực". When the best procedures are within ``AMBIGUITY_MARGIN`` of each
other, the caller gets candidates instead of a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

if TYPE_CHECKING:
    from bot.procedures.schema import Procedure

# Only the start of very long input is read: a citizen's question fits easily.
MAX_QUERY_CHARS = 600
MAX_QUERY_WORDS = 80
# A near (non-exact) hit must be at least this similar to count.
FUZZY_THRESHOLD = 88.0
# Phrases shorter than this (normalised, with spaces) must match exactly: "gks", "ltp", "cccd".
MIN_FUZZY_CHARS = 8
# Bonus per word of the matched phrase: more words, more specific.
WORD_BONUS = 5.0
# Procedures whose scores are this close to the best one are treated as equally likely.
AMBIGUITY_MARGIN = 4.0
MAX_CANDIDATES = 4

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase, strip Vietnamese diacritics (đ→d), keep only ASCII letters and digits.

    >>> normalize("Cho bác hỏi: làm GIẤY KHAI SINH?")
    'cho bac hoi lam giay khai sinh'
    """
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


@dataclass(frozen=True)
class _Phrase:
    text: str
    words: tuple[str, ...]


@dataclass
class Match:
    """Result of :meth:`Catalog.match`.

    ``procedure`` is set only for a confident single match; ``candidates`` holds 2-4 equally
    likely procedures, best first, when the query is ambiguous; both are empty for no match.
    ``score`` is the similarity (0-100) of the best phrase hit, 0 when nothing matched.
    """

    procedure: Procedure | None = None
    candidates: list[Procedure] = field(default_factory=list)
    score: float = 0.0

    @property
    def is_ambiguous(self) -> bool:
        return self.procedure is None and len(self.candidates) >= 2

    @property
    def found(self) -> bool:
        return self.procedure is not None


class Matcher:
    """Pre-normalised phrase index over a list of procedures."""

    def __init__(self, procedures: Sequence[Procedure]) -> None:
        self._procedures = list(procedures)
        self._phrases: list[list[_Phrase]] = []
        for proc in self._procedures:
            phrases: dict[str, _Phrase] = {}
            for raw in (proc.name, *proc.aliases):
                norm = normalize(raw)
                if norm:
                    phrases[norm] = _Phrase(norm, tuple(norm.split()))
            self._phrases.append(list(phrases.values()))

    def match(self, query: str) -> Match:
        if not isinstance(query, str):
            return Match()
        norm = normalize(query[:MAX_QUERY_CHARS])
        words = norm.split()[:MAX_QUERY_WORDS]
        if not words:
            return Match()
        padded = " " + " ".join(words) + " "
        scored: list[tuple[float, float, int]] = []
        for index, phrases in enumerate(self._phrases):
            best_rank, best_quality = 0.0, 0.0
            for phrase in phrases:
                quality = _phrase_quality(phrase, words, padded)
                if quality <= 0:
                    continue
                rank = quality + WORD_BONUS * len(phrase.words)
                if rank > best_rank:
                    best_rank, best_quality = rank, quality
            if best_rank > 0:
                scored.append((best_rank, best_quality, index))
        if not scored:
            return Match()
        scored.sort(key=lambda item: (-item[0], item[2]))
        top_rank, top_quality, top_index = scored[0]
        close = [item for item in scored if item[0] >= top_rank - AMBIGUITY_MARGIN]
        if len(close) == 1:
            return Match(procedure=self._procedures[top_index], score=top_quality)
        candidates = [self._procedures[index] for _, _, index in close[:MAX_CANDIDATES]]
        return Match(candidates=candidates, score=top_quality)


def _phrase_quality(phrase: _Phrase, words: list[str], padded_query: str) -> float:
    """Similarity (0-100) of ``phrase`` found inside the query; 0 when below threshold."""
    if f" {phrase.text} " in padded_query:
        return 100.0
    if len(phrase.text) < MIN_FUZZY_CHARS:
        return 0.0
    size = len(phrase.words)
    best = 0.0
    for width in {max(1, size - 1), size, size + 1}:
        if width > len(words):
            continue
        for window in _windows(words, width):
            score = fuzz.ratio(phrase.text, window, score_cutoff=FUZZY_THRESHOLD)
            if score > best:
                best = score
    return best


def _windows(words: list[str], width: int) -> Iterable[str]:
    for start in range(len(words) - width + 1):
        yield " ".join(words[start : start + width])
