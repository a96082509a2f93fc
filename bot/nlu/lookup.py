"""Diacritic-insensitive lookup-table and regex matching over tokens.

Rasa's own RegexEntityExtractor matches lookup entries against the raw text, so "xa soc son"
would not match "xã Sóc Sơn". Here entries and messages are compared syllable by syllable on the
normalised syllables without diacritics, and matches are returned as syllable ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.nlu.text import fold

MAX_ENTRY_SYLLABLES = 12


@dataclass(frozen=True)
class Match:
    """``name`` matched the (start, stop) range of syllables of the flattened message."""

    name: str
    syllables: tuple[int, int]


class LookupMatcher:
    """Longest-match lookup of folded syllable sequences over token sequences."""

    def __init__(self, tables: Mapping[str, Iterable[str]]) -> None:
        self.entries: dict[str, dict[tuple[str, ...], None]] = {}
        self.max_len = 1
        for name, values in tables.items():
            bucket = self.entries.setdefault(name, {})
            for value in values:
                key = tuple(fold(str(value)).split())
                if key and len(key) <= MAX_ENTRY_SYLLABLES:
                    bucket[key] = None
                    self.max_len = max(self.max_len, len(key))

    def to_dict(self) -> dict[str, list[list[str]]]:
        return {name: [list(k) for k in keys] for name, keys in self.entries.items()}

    @classmethod
    def from_dict(cls, data: dict[str, list[list[str]]]) -> LookupMatcher:
        matcher = cls({})
        for name, keys in data.items():
            matcher.entries[name] = {tuple(k): None for k in keys}
            for k in keys:
                matcher.max_len = max(matcher.max_len, len(k))
        return matcher

    def find(self, token_syllables: Sequence[Sequence[str]]) -> list[Match]:
        """Longest non-overlapping matches, per table, starting and ending on any syllable (a
        segmentation that glued "ở xa" together must not hide "xa Sóc Sơn")."""
        flat = [s for sylls in token_syllables for s in sylls]
        found: list[Match] = []
        for name, bucket in self.entries.items():
            if not bucket:
                continue
            i = 0
            while i < len(flat):
                hit = next(
                    (
                        length
                        for length in range(min(self.max_len, len(flat) - i), 0, -1)
                        if tuple(flat[i : i + length]) in bucket
                    ),
                    0,
                )
                if hit:
                    found.append(Match(name, (i, i + hit)))
                    i += hit
                else:
                    i += 1
        return found


class RegexMatcher:
    """Named regexes matched against each token's original text (whole token)."""

    def __init__(self, patterns: dict[str, list[str]]) -> None:
        self.patterns = {
            name: [re.compile(p, re.IGNORECASE) for p in ps] for name, ps in patterns.items()
        }

    def to_dict(self) -> dict[str, list[str]]:
        return {name: [p.pattern for p in ps] for name, ps in self.patterns.items()}

    def names_for(self, token_text: str) -> list[str]:
        return [
            name
            for name, compiled in self.patterns.items()
            if any(p.fullmatch(token_text) for p in compiled)
        ]

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All matches in raw text as (name, start, end)."""
        hits: list[tuple[str, int, int]] = []
        for name, compiled in self.patterns.items():
            for pattern in compiled:
                hits.extend((name, m.start(), m.end()) for m in pattern.finditer(text) if m.group())
        return hits


def token_syllables(tokens: Sequence[Any]) -> list[list[str]]:
    """Each Rasa token's normalised syllables without diacritics (see the tokenizer)."""
    return [[s.lower() for s in (t.get("syllables") or t.lemma.split())] for t in tokens]
