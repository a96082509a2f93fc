"""Diacritic restoration for messages typed without marks: plain Python, no Rasa imports.

The sentence encoder reads "toi muon lam can cuoc" less well than "tôi muốn làm căn cước". A
syllable bigram model learned from the (accented) training examples puts the marks back: for
each unmarked syllable the candidates are the accented syllables seen with the same letters,
and a Viterbi search picks the sequence the bigrams make most likely. Syllables typed with marks
and syllables never seen are kept as they are.

It only feeds the sentence encoder (see ``SentenceEmbeddingFeaturizer``); the count-vector
features read lemmas without diacritics anyway, and the text the citizen typed is never changed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bot.nlu.text import has_diacritics, strip_diacritics

START, END = "<s>", "</s>"


class DiacriticRestorer:
    """Syllable bigram model over normalised, lower-case syllables."""

    def __init__(
        self, unigrams: Counter[str], bigrams: Counter[tuple[str, str]], smoothing: float = 0.1
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.smoothing = smoothing
        # letters without marks -> the accented syllables seen with them, and their total count
        self.candidates: dict[str, list[str]] = {}
        self.plain_counts: Counter[str] = Counter()
        for syllable, count in unigrams.items():
            if syllable in (START, END):
                continue
            plain = strip_diacritics(syllable)
            self.candidates.setdefault(plain, []).append(syllable)
            self.plain_counts[plain] += count
        # the Viterbi search asks for these once per pair of neighbouring candidates
        self.unigram_p = {syllable: self._unigram(syllable) for syllable in unigrams}

    @classmethod
    def from_sentences(cls, sentences: Iterable[Sequence[str]]) -> DiacriticRestorer:
        """Learn from sentences given as lists of normalised syllables."""
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for sentence in sentences:
            padded = [START, *sentence, END]
            unigrams.update(padded)
            bigrams.update(zip(padded, padded[1:], strict=False))
        return cls(unigrams, bigrams)

    def to_state(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return {
            "unigrams": dict(sorted(self.unigrams.items())),
            "bigrams": [[a, b, n] for (a, b), n in sorted(self.bigrams.items())],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DiacriticRestorer:
        unigrams = Counter({str(k): int(v) for k, v in state.get("unigrams", {}).items()})
        bigrams = Counter({(str(a), str(b)): int(n) for a, b, n in state.get("bigrams", [])})
        return cls(unigrams, bigrams)

    def _unigram(self, syllable: str) -> float:
        """P(syllable | its letters without marks), lightly smoothed."""
        if syllable in (START, END):
            return 1.0  # the only option for its "letters"
        plain = strip_diacritics(syllable)
        options = max(1, len(self.candidates.get(plain, ())))
        return (self.unigrams[syllable] + 0.01) / (self.plain_counts[plain] + 0.01 * options)

    def _log_p(self, previous: str, syllable: str) -> float:
        unigram = self.unigram_p.get(syllable)
        backoff = self.smoothing * (self._unigram(syllable) if unigram is None else unigram)
        seen = self.bigrams[previous, syllable]
        return math.log((seen + backoff) / (self.unigrams[previous] + self.smoothing))

    def _extend(
        self, paths: dict[str, tuple[float, list[str]]], option: str
    ) -> tuple[float, list[str]]:
        """The best path ending in ``option``, from the best paths ending one syllable before."""
        score, path = max(
            ((score + self._log_p(prev, option), path) for prev, (score, path) in paths.items()),
            key=lambda item: item[0],
        )
        return score, [*path, option]

    def restore(self, sentence: Sequence[str]) -> list[str]:
        """The most likely accented form of each syllable (unmarked ones only are changed)."""
        # best (log probability, path) ending in each candidate of the previous syllable
        paths: dict[str, tuple[float, list[str]]] = {START: (0.0, [])}
        for syllable in sentence:
            if has_diacritics(syllable):
                options = [syllable]
            else:
                options = self.candidates.get(syllable) or [syllable]
            paths = {option: self._extend(paths, option) for option in options}
        _, best = max(
            ((score + self._log_p(prev, END), path) for prev, (score, path) in paths.items()),
            key=lambda item: item[0],
        )
        return best
