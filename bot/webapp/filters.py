"""Parsing of the dashboard's filter parameters (query string) with clear 400 errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from bot.feedback import schema
from bot.feedback.store import FeedbackFilter, ValidationError
from bot.webapp.common import UserError

FILTER_FIELDS = ("date_from", "date_to", "procedure", "commune", "channel", "status")
MAX_PAGE_NUMBER = 100_000


def _date(raw: str, field: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.strptime(raw[:20], fmt).date()
        except ValueError:
            continue
        if not 2000 <= value.year <= 2100:
            break
        return value
    label = "Từ ngày" if field == "date_from" else "Đến ngày"
    shown = raw[:30]
    raise UserError(
        f"{label} không hợp lệ: “{shown}”. Vui lòng nhập theo dạng 2026-11-25 hoặc 25/11/2026.",
        detail=f"{field}: expected YYYY-MM-DD",
    )


def _text(query: Mapping[str, str], field: str) -> str | None:
    value = query.get(field, "").strip()
    if len(value) > schema.MAX_SHORT_FIELD_CHARS:
        raise UserError(f"Giá trị lọc “{field}” quá dài.", detail=f"{field}: too long")
    return value or None


def parse_filters(query: Mapping[str, str], *, with_status: bool = False) -> FeedbackFilter:
    channel = _text(query, "channel")
    if channel and channel not in schema.CHANNELS:
        raise UserError("Kênh không hợp lệ.", detail=f"channel: one of {schema.CHANNELS}")
    status = _text(query, "status") if with_status else None
    if status == "all":
        status = None
    if status and status not in schema.STATUSES:
        raise UserError("Trạng thái không hợp lệ.", detail="status: new, handled or all")
    try:
        return FeedbackFilter(
            date_from=_date(query.get("date_from", ""), "date_from"),
            date_to=_date(query.get("date_to", ""), "date_to"),
            procedure_id=_text(query, "procedure"),
            commune=_text(query, "commune"),
            channel=channel,
            status=status,
        )
    except ValidationError as exc:
        raise UserError("“Từ ngày” phải trước hoặc bằng “Đến ngày”.", detail=str(exc)) from exc


def parse_int(query: Mapping[str, str], field: str, default: int, low: int, high: int) -> int:
    raw = query.get(field, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise UserError(
            f"Tham số “{field}” phải là số từ {low} đến {high}.",
            detail=f"{field}: integer {low}..{high}",
        )
    return int(raw)


def filters_query(filters: FeedbackFilter, **extra: Any) -> str:
    """The query string that reproduces these filters (for links and exports)."""
    pairs = {
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "procedure": filters.procedure_id or "",
        "commune": filters.commune or "",
        "channel": filters.channel or "",
        "status": filters.status or "",
    }
    pairs.update({k: str(v) for k, v in extra.items() if v is not None})
    return urlencode({k: v for k, v in pairs.items() if v})


def filters_dict(filters: FeedbackFilter) -> dict[str, str | None]:
    return {
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "procedure": filters.procedure_id,
        "commune": filters.commune,
        "channel": filters.channel,
        "status": filters.status,
    }
