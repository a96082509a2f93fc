"""Chart models for the server-rendered SVG charts (no JavaScript, no CDN)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.feedback import schema
from bot.metrics import IndexValue, Slice, Summary
from bot.webapp.present import slice_label

SMALL_SAMPLE = 30  # below this many answers the dashboard warns the estimate is rough


@dataclass(frozen=True)
class Bar:
    label: str
    key: str | None
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    satisfied: int
    answered: int

    @property
    def small(self) -> bool:
        return self.answered < SMALL_SAMPLE

    @property
    def has_value(self) -> bool:
        return self.percent is not None


def bar(label: str, key: str | None, value: IndexValue) -> Bar:
    d = value.as_dict()
    return Bar(
        label=label,
        key=key,
        percent=d["percent"],  # type: ignore[arg-type]
        ci_low=d["ci_low"],  # type: ignore[arg-type]
        ci_high=d["ci_high"],  # type: ignore[arg-type]
        satisfied=value.satisfied,
        answered=value.answered,
    )


def aspect_bars(summary: Summary) -> list[Bar]:
    return [bar(schema.ASPECT_LABELS[a], a, v) for a, v in summary.aspects.items()]


def slice_bars(
    by: str, slices: list[Slice], procedure_labels: Mapping[str, str], limit: int = 15
) -> list[Bar]:
    return [
        bar(slice_label(by, s.key, procedure_labels), s.key, s.summary.overall)
        for s in slices[:limit]
    ]


@dataclass(frozen=True)
class Column:
    """One month in the vertical SVG chart; geometry in a 0..100 (percent) y space."""

    bar: Bar
    x: float
    width: float


def month_columns(bars: list[Bar], chart_width: float = 600.0) -> list[Column]:
    if not bars:
        return []
    step = chart_width / len(bars)
    width = step * 0.6
    return [Column(b, i * step + (step - width) / 2, width) for i, b in enumerate(bars)]
