"""HTML pages for staff: dashboard, follow-ups, callback requests."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot import metrics
from bot.feedback import schema
from bot.feedback.store import FeedbackFilter, ValidationError
from bot.webapp import charts
from bot.webapp.common import (
    NotFound,
    UserError,
    config_of,
    current_user,
    in_thread,
    render,
    require_manager,
    store_of,
)
from bot.webapp.filters import filters_query, parse_filters, parse_int
from bot.webapp.present import callback_view, response_view

PAGE_SIZE = 50


async def _choices(request: web.Request) -> dict[str, Any]:
    values = await in_thread(request, store_of(request).distinct_values)
    labels = config_of(request).procedure_labels
    return {
        "procedures": [(p, labels.get(p, p)) for p in values["procedure_id"]],
        "communes": values["commune"],
        "channels": list(schema.CHANNEL_LABELS.items()),
    }


async def dashboard(request: web.Request) -> web.Response:
    filters = parse_filters(request.query)
    rows = await in_thread(request, store_of(request).rating_rows, filters)
    labels = config_of(request).procedure_labels
    summary = metrics.summarize(rows)
    by = {k: metrics.slice_rows(rows, k) for k in metrics.SLICE_KEYS}
    month_bars = charts.slice_bars("month", by["month"], labels, limit=36)
    _, new_followups = await in_thread(
        request, store_of(request).list_followups, _with_status(filters, "new"), limit=1
    )
    _, new_callbacks = await in_thread(
        request, store_of(request).list_callbacks, _with_status(filters, "new"), limit=1
    )
    context = {
        "filters": filters,
        "choices": await _choices(request),
        "query": filters_query(filters),
        "summary": summary,
        "overall": charts.bar("Chỉ số hài lòng chung", None, summary.overall),
        "three_levels": [
            (metrics.THREE_LEVEL_LABELS[k], v) for k, v in summary.three_levels.items()
        ],
        "levels": [(schema.RATING_LABELS[k], v) for k, v in summary.levels.items()],
        "aspect_bars": charts.aspect_bars(summary),
        "month_columns": charts.month_columns(month_bars),
        "procedure_bars": charts.slice_bars("procedure", by["procedure"], labels),
        "commune_bars": charts.slice_bars("commune", by["commune"], labels, limit=30),
        "channel_bars": charts.slice_bars("channel", by["channel"], labels),
        "new_followups": new_followups,
        "new_callbacks": new_callbacks,
        "small_sample": charts.SMALL_SAMPLE,
    }
    return render(request, "dashboard.html", context)


def _with_status(filters: FeedbackFilter, status: str | None) -> FeedbackFilter:
    return FeedbackFilter(
        date_from=filters.date_from,
        date_to=filters.date_to,
        procedure_id=filters.procedure_id,
        commune=filters.commune,
        channel=filters.channel,
        status=status,
    )


async def _list_page(request: web.Request, kind: str) -> web.Response:
    filters = parse_filters(request.query, with_status=True)
    if "status" not in request.query:
        filters = _with_status(filters, "new")  # what needs doing comes first
    page = parse_int(request.query, "page", 1, 1, 100_000)
    store = store_of(request)
    lister = store.list_followups if kind == "followups" else store.list_callbacks
    rows, total = await in_thread(
        request, lister, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    user = current_user(request)
    labels = config_of(request).procedure_labels
    view = response_view if kind == "followups" else callback_view
    pages = max(1, -(-total // PAGE_SIZE))
    context = {
        "filters": filters,
        "status_value": filters.status or "all",
        "choices": await _choices(request),
        "items": [view(r, user, labels) for r in rows],
        "total": total,
        "page": page,
        "pages": pages,
        "query": filters_query(filters, status=filters.status or "all"),
        "aspect_labels": schema.ASPECT_LABELS,
        "return_to": request.path_qs,
    }
    return render(request, f"{kind}.html", context)


async def followups(request: web.Request) -> web.Response:
    return await _list_page(request, "followups")


async def callbacks(request: web.Request) -> web.Response:
    return await _list_page(request, "callbacks")


def parse_id(request: web.Request) -> int:
    raw = request.match_info.get("id", "")
    if not raw.isdigit() or len(raw) > 12 or int(raw) < 1:
        raise UserError("Mã số không hợp lệ.", detail="id: positive integer")
    return int(raw)


async def _mark(request: web.Request, kind: str) -> web.Response:
    user = require_manager(request)
    row_id = parse_id(request)
    form = await request.post()
    note = str(form.get("note", ""))
    store = store_of(request)
    marker = store.mark_response_handled if kind == "followups" else store.mark_callback_handled
    try:
        found = await in_thread(request, marker, row_id, user.username, note or None)
    except ValidationError as exc:
        raise UserError("Không lưu được ghi chú.", detail=str(exc)) from exc
    if not found:
        raise NotFound("Không tìm thấy mục này. Có thể nó đã bị xoá theo yêu cầu của người dân.")
    back = str(form.get("return_to", ""))
    if not back.startswith(f"/{kind}") or back.startswith("//"):
        back = f"/{kind}"
    return web.Response(status=303, headers={"Location": back})


async def mark_followup(request: web.Request) -> web.Response:
    return await _mark(request, "followups")


async def mark_callback(request: web.Request) -> web.Response:
    return await _mark(request, "callbacks")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def setup_views(app: web.Application) -> None:
    app.router.add_get("/", dashboard, name="dashboard")
    app.router.add_get("/followups", followups, name="followups")
    app.router.add_post("/followups/{id}/handle", mark_followup, name="followup_handle")
    app.router.add_get("/callbacks", callbacks, name="callbacks")
    app.router.add_post("/callbacks/{id}/handle", mark_callback, name="callback_handle")
    app.router.add_get("/healthz", healthz, name="healthz")
