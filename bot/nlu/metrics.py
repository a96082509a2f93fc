"""Pure evaluation metrics for NLU: lists in, numbers out (no Rasa, no I/O).

Conventions
-----------
* Intents: accuracy is exact-label agreement. Macro F1 averages the per-class F1 over the
  intents present in the *true* labels; a prediction of ``nlu_fallback`` (or of any label that is
  not the true one) is simply wrong: it costs the true class a false negative, and it is not
  itself a class in the average.
* Entities: an entity is ``(type, start, end)``; a prediction counts only when all three match a
  true entity of the same message (exact span). A partial overlap is one false positive *and* one
  false negative. Counting is per message with multiplicity: a duplicated prediction of one true
  span counts once as right and once as a false positive.
* ``0/0`` is reported as 0.0 for precision, recall and F1, except that with no true and no
  predicted entities at all precision, recall and F1 are 1.0 (nothing to find, nothing invented).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FALLBACK_INTENT = "nlu_fallback"

Span = tuple[str, int, int]  # (entity type, start, end)


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1 with the counts they come from."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def support(self) -> int:
        """Number of true items."""
        return self.tp + self.fn


@dataclass(frozen=True)
class IntentScores:
    accuracy: float
    macro_f1: float
    fallback_rate: float
    per_intent: dict[str, PRF] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityScores:
    overall: PRF
    per_type: dict[str, PRF] = field(default_factory=dict)


@dataclass(frozen=True)
class Confusion:
    true: str
    predicted: str
    count: int
    examples: tuple[str, ...]


def _check_same_length(a: Sequence[object], b: Sequence[object]) -> None:
    if len(a) != len(b):
        raise ValueError(f"length mismatch: {len(a)} true vs {len(b)} predicted")


def intent_scores(
    true: Sequence[str], predicted: Sequence[str], fallback: str = FALLBACK_INTENT
) -> IntentScores:
    """Accuracy, macro F1 over the true intents, and the share of fallback predictions."""
    _check_same_length(true, predicted)
    if not true:
        return IntentScores(0.0, 0.0, 0.0, {})
    correct = sum(t == p for t, p in zip(true, predicted, strict=True))
    per_intent: dict[str, PRF] = {}
    for label in sorted(set(true)):
        tp = sum(t == label and p == label for t, p in zip(true, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(true, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(true, predicted, strict=True))
        per_intent[label] = PRF(tp, fp, fn)
    macro = sum(s.f1 for s in per_intent.values()) / len(per_intent)
    fallback_rate = sum(p == fallback for p in predicted) / len(predicted)
    return IntentScores(correct / len(true), macro, fallback_rate, per_intent)


def entity_scores(
    true: Sequence[Iterable[Span]], predicted: Sequence[Iterable[Span]]
) -> EntityScores:
    """Exact-span entity precision/recall/F1, overall (micro) and per entity type.

    ``true[i]`` and ``predicted[i]`` are the entities of message ``i``.
    """
    _check_same_length(true, predicted)
    counts: dict[str, list[int]] = {}  # type -> [tp, fp, fn]
    for gold_spans, pred_spans in zip(true, predicted, strict=True):
        gold, pred = Counter(gold_spans), Counter(pred_spans)
        for span in gold | pred:
            hit = min(gold[span], pred[span])
            row = counts.setdefault(span[0], [0, 0, 0])
            row[0] += hit
            row[1] += pred[span] - hit
            row[2] += gold[span] - hit
    per_type = {name: PRF(*row) for name, row in sorted(counts.items())}
    overall = PRF(
        sum(s.tp for s in per_type.values()),
        sum(s.fp for s in per_type.values()),
        sum(s.fn for s in per_type.values()),
    )
    return EntityScores(overall, per_type)


def confusions(
    true: Sequence[str],
    predicted: Sequence[str],
    texts: Sequence[str],
    top: int = 10,
    examples: int = 3,
) -> list[Confusion]:
    """Most frequent (true -> predicted) mistakes, most frequent first, with example texts."""
    _check_same_length(true, predicted)
    _check_same_length(true, texts)
    pairs: Counter[tuple[str, str]] = Counter()
    samples: dict[tuple[str, str], list[str]] = {}
    for t, p, text in zip(true, predicted, texts, strict=True):
        if t == p:
            continue
        pairs[(t, p)] += 1
        kept = samples.setdefault((t, p), [])
        if len(kept) < examples:
            kept.append(text)
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [Confusion(t, p, n, tuple(samples[(t, p)])) for (t, p), n in ranked]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation (NumPy's default method)."""
    if not values:
        raise ValueError("percentile of an empty list")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The median (50th percentile)."""
    return percentile(values, 50)
