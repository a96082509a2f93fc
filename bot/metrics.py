"""SIPAS-like satisfaction metrics: pure functions on plain rows (see docs/METRICS.md).

Index = share of answers rated 4 ("Hài lòng") or 5 ("Rất hài lòng") among the answers given
(an unanswered aspect does not count), with a 95% Wilson score interval.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import NormalDist
from typing import Final, Literal
from zoneinfo import ZoneInfo

LOCAL_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
Z_95: Final = NormalDist().inv_cdf(0.975)  # 1.959963984540054
ASPECTS: Final = ("access", "procedure", "staff", "result", "feedback_handling")
SATISFIED_MIN: Final = 4

# Portal-style three levels (Rất hài lòng / Hài lòng / Không hài lòng) from the 5-level scale.
THREE_LEVELS: Final = ("very_satisfied", "satisfied", "not_satisfied")
THREE_LEVEL_LABELS: Final = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "not_satisfied": "Không hài lòng",
}

SliceKey = Literal["procedure", "commune", "channel", "month"]
SLICE_KEYS: Final = ("procedure", "commune", "channel", "month")


@dataclass(frozen=True)
class RatingRow:
    """One survey answer, without any personal data."""

    created_at: datetime
    channel: str
    procedure_id: str | None
    commune: str | None
    flow: str
    overall: int | None
    access: int | None = None
    procedure: int | None = None
    staff: int | None = None
    result: int | None = None
    feedback_handling: int | None = None


@dataclass(frozen=True)
class IndexValue:
    """Satisfied answers out of answered ones, with a 95% Wilson interval (shares in 0..1)."""

    satisfied: int
    answered: int
    share: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        """Percentages rounded to one decimal, as reported to officials."""
        return {
            "satisfied": self.satisfied,
            "answered": self.answered,
            "percent": _pct(self.share),
            "ci_low": _pct(self.ci_low),
            "ci_high": _pct(self.ci_high),
        }


@dataclass(frozen=True)
class Summary:
    responses: int
    overall: IndexValue
    aspects: dict[str, IndexValue]
    levels: dict[int, int]  # 5-level counts of the overall question
    three_levels: dict[str, int]


@dataclass(frozen=True)
class Slice:
    key: str | None  # None: the answers that did not say (no procedure / commune)
    summary: Summary = field(repr=False)


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion; None when n == 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _valid(values: Iterable[int | None]) -> list[int]:
    out = []
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise ValueError(f"rating must be 1..5 or None, got {v!r}")
        out.append(v)
    return out


def satisfaction_index(values: Iterable[int | None]) -> IndexValue:
    """Share of ratings >= 4 among the non-missing ones."""
    answered = _valid(values)
    satisfied = sum(1 for v in answered if v >= SATISFIED_MIN)
    n = len(answered)
    ci = wilson_interval(satisfied, n)
    return IndexValue(
        satisfied=satisfied,
        answered=n,
        share=satisfied / n if n else None,
        ci_low=ci[0] if ci else None,
        ci_high=ci[1] if ci else None,
    )


def three_level(value: int) -> str:
    """5 -> Rất hài lòng, 4 -> Hài lòng, 3..1 -> Không hài lòng (see docs/METRICS.md)."""
    if value == 5:
        return "very_satisfied"
    if value == 4:
        return "satisfied"
    if value in (1, 2, 3):
        return "not_satisfied"
    raise ValueError(f"rating must be 1..5, got {value!r}")


def three_level_counts(values: Iterable[int | None]) -> dict[str, int]:
    counts = Counter(three_level(v) for v in _valid(values))
    return {level: counts.get(level, 0) for level in THREE_LEVELS}


def level_counts(values: Iterable[int | None]) -> dict[int, int]:
    counts = Counter(_valid(values))
    return {level: counts.get(level, 0) for level in (5, 4, 3, 2, 1)}


def month_of(moment: datetime, tz: ZoneInfo = LOCAL_TZ) -> str:
    """'YYYY-MM' of the local (Hanoi) calendar month; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(tz).strftime("%Y-%m")


def summarize(rows: Sequence[RatingRow]) -> Summary:
    overall = [r.overall for r in rows]
    return Summary(
        responses=len(rows),
        overall=satisfaction_index(overall),
        aspects={a: satisfaction_index(getattr(r, a) for r in rows) for a in ASPECTS},
        levels=level_counts(overall),
        three_levels=three_level_counts(overall),
    )


_KEY_FUNCS: Final[dict[str, Callable[[RatingRow], str | None]]] = {
    "procedure": lambda r: r.procedure_id,
    "commune": lambda r: r.commune,
    "channel": lambda r: r.channel,
    "month": lambda r: month_of(r.created_at),
}


def slice_rows(rows: Iterable[RatingRow], by: str) -> list[Slice]:
    """Summaries per procedure, commune, channel or month.

    Months come in calendar order (with no gap filling); other slices by number of answers,
    largest first, then by name; the "not given" slice (key None) last.
    """
    if by not in _KEY_FUNCS:
        raise ValueError(f"unknown slice {by!r}; expected one of {SLICE_KEYS}")
    key_of = _KEY_FUNCS[by]
    groups: dict[str | None, list[RatingRow]] = defaultdict(list)
    for row in rows:
        groups[key_of(row)].append(row)
    slices = [Slice(key, summarize(group)) for key, group in groups.items()]
    if by == "month":
        slices.sort(key=lambda s: s.key or "")
    else:
        slices.sort(key=lambda s: (s.key is None, -s.summary.responses, s.key or ""))
    return slices


def summary_as_dict(summary: Summary) -> dict[str, object]:
    return {
        "responses": summary.responses,
        "overall": summary.overall.as_dict(),
        "aspects": {a: v.as_dict() for a, v in summary.aspects.items()},
        "levels": {str(k): v for k, v in summary.levels.items()},
        "three_levels": summary.three_levels,
    }
