"""SIPAS-like index, Wilson intervals, three-level mapping and slices, against hand computations.

Wilson score interval, z = 1.959964 (z^2 = 3.841459):
    centre = (p + z^2/2n) / (1 + z^2/n)
    half   = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.metrics import (
    RatingRow,
    month_of,
    satisfaction_index,
    slice_rows,
    summarize,
    summary_as_dict,
    three_level,
    three_level_counts,
    wilson_interval,
)


def pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100, 1)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # 7 of 10: p = 0.7; z^2/n = 0.384146; denominator 1.384146
        # centre = (0.7 + 0.192073) / 1.384146 = 0.644493
        # half = 1.959964 * sqrt(0.021 + 0.009604) / 1.384146 = 1.959964 * 0.174940 / 1.384146
        #      = 0.247722  ->  [0.396771, 0.892215]  ->  [39.7%, 89.2%]
        (7, 10, 39.7, 89.2),
        # 0 of 5: centre = half = (3.841459/10) / 1.768292 = 0.217241  ->  [0%, 43.4%]
        (0, 5, 0.0, 43.4),
        # 5 of 5: mirror image of 0 of 5  ->  [56.6%, 100%]
        (5, 5, 56.6, 100.0),
        # 1 of 2: centre 0.5; half = 1.959964 * sqrt(0.125 + 0.240091) / 2.920729 = 0.405473
        #   ->  [9.5%, 90.5%]
        (1, 2, 9.5, 90.5),
        # 308 of 360: p = 0.855556; denominator 1.010671; centre 0.851802;
        # half = 1.959964 * sqrt(0.000343279 + 0.00000741) / 1.010671 = 0.036316
        #   ->  [81.5%, 88.8%]
        (308, 360, 81.5, 88.8),
    ],
)
def test_wilson_interval_hand_computed(k: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    assert (pct(interval[0]), pct(interval[1])) == (low, high)


def test_wilson_interval_edge_cases() -> None:
    assert wilson_interval(0, 0) is None
    lo, hi = wilson_interval(3, 3)  # type: ignore[misc]
    assert hi == 1.0 and 0 < lo < 1
    with pytest.raises(ValueError):
        wilson_interval(4, 3)
    with pytest.raises(ValueError):
        wilson_interval(-1, 3)


def at(year: int, month: int, day: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def row(overall: int | None, **kw: object) -> RatingRow:
    base: dict[str, object] = {
        "created_at": at(2026, 3, 10),
        "channel": "zalo",
        "procedure_id": "dang_ky_khai_sinh",
        "commune": "Xã Sóc Sơn",
        "flow": "procedure_info",
        "overall": overall,
    }
    base.update(kw)
    return RatingRow(**base)  # type: ignore[arg-type]


# Ten answers: overall 5,5,4,4,4,4,4,3,2,1 -> 7 satisfied of 10.
OVERALL = [5, 5, 4, 4, 4, 4, 4, 3, 2, 1]
# feedback_handling answered by two people only: 5 and 2 -> 1 of 2.
FEEDBACK = [None] * 8 + [5, 2]
# staff, answered by all ten: 5,4,4,3,3,3,2,2,1,1 -> 3 satisfied (5,4,4) of 10.
STAFF = [5, 4, 4, 3, 3, 3, 2, 2, 1, 1]
ROWS = [
    row(o, feedback_handling=f, staff=s) for o, f, s in zip(OVERALL, FEEDBACK, STAFF, strict=True)
]


def test_summary_overall_and_aspects() -> None:
    summary = summarize(ROWS)
    assert summary.responses == 10
    overall = summary.overall.as_dict()
    assert overall == {
        "satisfied": 7,
        "answered": 10,
        "percent": 70.0,
        "ci_low": 39.7,
        "ci_high": 89.2,
    }
    # 1 of 2 -> 50.0%, [9.5%, 90.5%]; unanswered aspects do not count
    assert summary.aspects["feedback_handling"].as_dict() == {
        "satisfied": 1,
        "answered": 2,
        "percent": 50.0,
        "ci_low": 9.5,
        "ci_high": 90.5,
    }
    # 3 of 10: p = 0.3, mirror of 7 of 10: [1 - 0.892215, 1 - 0.396771] -> [10.8%, 60.3%]
    assert summary.aspects["staff"].as_dict() == {
        "satisfied": 3,
        "answered": 10,
        "percent": 30.0,
        "ci_low": 10.8,
        "ci_high": 60.3,
    }
    # nobody answered "access": no share, no interval, no division by zero
    assert summary.aspects["access"].as_dict() == {
        "satisfied": 0,
        "answered": 0,
        "percent": None,
        "ci_low": None,
        "ci_high": None,
    }
    assert summary.levels == {5: 2, 4: 5, 3: 1, 2: 1, 1: 1}
    # three levels: 5 -> Rất hài lòng (2), 4 -> Hài lòng (5), 3..1 -> Không hài lòng (3)
    assert summary.three_levels == {"very_satisfied": 2, "satisfied": 5, "not_satisfied": 3}


def test_empty_inputs() -> None:
    summary = summarize([])
    assert summary.responses == 0
    assert summary.overall.share is None and summary.overall.ci_low is None
    assert summary_as_dict(summary)["overall"] == {
        "satisfied": 0,
        "answered": 0,
        "percent": None,
        "ci_low": None,
        "ci_high": None,
    }
    assert slice_rows([], "month") == []
    assert satisfaction_index([None, None]).answered == 0
    assert three_level_counts([]) == {"very_satisfied": 0, "satisfied": 0, "not_satisfied": 0}


@pytest.mark.parametrize("bad", [0, 6, -1, 4.5, "4", True])
def test_invalid_ratings_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        satisfaction_index([5, bad])  # type: ignore[list-item]


def test_three_level_mapping() -> None:
    assert [three_level(v) for v in (5, 4, 3, 2, 1)] == [
        "very_satisfied",
        "satisfied",
        "not_satisfied",
        "not_satisfied",
        "not_satisfied",
    ]
    with pytest.raises(ValueError):
        three_level(0)


def test_month_boundaries_use_hanoi_time() -> None:
    # 2026-01-31 16:59 UTC = 23:59 in Hanoi (UTC+7): still January
    assert month_of(at(2026, 1, 31, 16, 59)) == "2026-01"
    # 2026-01-31 17:00 UTC = 00:00 on 1 February in Hanoi
    assert month_of(at(2026, 1, 31, 17, 0)) == "2026-02"
    # a naive datetime is taken as UTC
    assert month_of(datetime(2026, 1, 31, 17, 0)) == "2026-02"


def test_slices_by_month_in_calendar_order() -> None:
    rows = [
        row(5, created_at=at(2026, 2, 1, 1)),  # Feb (08:00 local)
        row(2, created_at=at(2026, 1, 31, 18)),  # 01:00 on 1 Feb local -> Feb
        row(4, created_at=at(2026, 1, 15)),  # Jan
        row(1, created_at=at(2025, 12, 31, 16)),  # 23:00 on 31 Dec local -> Dec
    ]
    slices = slice_rows(rows, "month")
    assert [s.key for s in slices] == ["2025-12", "2026-01", "2026-02"]
    # Feb: 5 and 2 -> 1 of 2; Jan: 1 of 1; Dec: 0 of 1
    assert [(s.summary.overall.satisfied, s.summary.overall.answered) for s in slices] == [
        (0, 1),
        (1, 1),
        (1, 2),
    ]


def test_slices_by_procedure_commune_channel() -> None:
    rows = [
        row(5, procedure_id="a", commune="Xã Sóc Sơn", channel="zalo"),
        row(4, procedure_id="b", commune="Xã Sóc Sơn", channel="zalo"),
        row(1, procedure_id="b", commune="Phường Ba Đình", channel="webchat"),
        row(3, procedure_id=None, commune=None, channel="webchat"),
        row(5, procedure_id="b", commune=None, channel="rest"),
    ]
    by_proc = slice_rows(rows, "procedure")
    # largest first ("b": 3 answers), then "a", the "not given" slice last
    assert [s.key for s in by_proc] == ["b", "a", None]
    assert [(s.summary.overall.satisfied, s.summary.overall.answered) for s in by_proc] == [
        (2, 3),
        (1, 1),
        (0, 1),
    ]
    by_commune = slice_rows(rows, "commune")
    assert [s.key for s in by_commune] == ["Xã Sóc Sơn", "Phường Ba Đình", None]
    assert by_commune[0].summary.overall.share == 1.0
    assert by_commune[2].summary.overall.share == 0.5  # 3 and 5
    by_channel = {s.key: s.summary.overall.answered for s in slice_rows(rows, "channel")}
    assert by_channel == {"zalo": 2, "webchat": 2, "rest": 1}
    with pytest.raises(ValueError):
        slice_rows(rows, "district")  # no districts since 1 July 2025
