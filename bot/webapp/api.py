"""JSON API behind the dashboard: /api/v1/... (described in openapi.yaml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bot import metrics
from bot.feedback import schema
from bot.feedback.store import ValidationError
from bot.webapp.common import (
    CSRF,
    OPENAPI_KEY,
    NotFound,
    UserError,
    config_of,
    current_user,
    in_thread,
    require_manager,
    store_of,
)
from bot.webapp.filters import filters_dict, parse_filters, parse_int
from bot.webapp.present import callback_view, response_view, slice_label
from bot.webapp.views import parse_id

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi.yaml"
MAX_NOTE_BODY = 64 * 1024


def load_openapi() -> dict[str, Any]:
    with OPENAPI_PATH.open(encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    assert isinstance(spec, dict)
    return spec


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI_KEY])


async def session_info(request: web.Request) -> web.Response:
    user = current_user(request)
    return web.json_response(
        {
            "username": user.username,
            "role": user.role,
            "can_see_personal_data": user.can_see_personal_data,
            "csrf_token": request[CSRF],
        }
    )


async def summary(request: web.Request) -> web.Response:
    filters = parse_filters(request.query)
    rows = await in_thread(request, store_of(request).rating_rows, filters)
    return web.json_response(
        {
            "filters": filters_dict(filters),
            "summary": metrics.summary_as_dict(metrics.summarize(rows)),
        }
    )


async def slices(request: web.Request) -> web.Response:
    by = request.query.get("by", "month")
    if by not in metrics.SLICE_KEYS:
        raise UserError(
            "Cách chia không hợp lệ.", detail=f"by: one of {', '.join(metrics.SLICE_KEYS)}"
        )
    filters = parse_filters(request.query)
    rows = await in_thread(request, store_of(request).rating_rows, filters)
    labels = config_of(request).procedure_labels
    items = [
        {
            "key": s.key,
            "label": slice_label(by, s.key, labels),
            "summary": metrics.summary_as_dict(s.summary),
        }
        for s in metrics.slice_rows(rows, by)
    ]
    return web.json_response({"by": by, "filters": filters_dict(filters), "slices": items})


async def _listing(request: web.Request, kind: str) -> web.Response:
    filters = parse_filters(request.query, with_status=True)
    page = parse_int(request.query, "page", 1, 1, 100_000)
    size = parse_int(request.query, "page_size", 50, 1, 500)
    store = store_of(request)
    lister = store.list_followups if kind == "followups" else store.list_callbacks
    rows, total = await in_thread(request, lister, filters, limit=size, offset=(page - 1) * size)
    user = current_user(request)
    labels = config_of(request).procedure_labels
    view = response_view if kind == "followups" else callback_view
    return web.json_response(
        {
            "filters": filters_dict(filters),
            "page": page,
            "page_size": size,
            "total": total,
            "items": [view(r, user, labels) for r in rows],
        }
    )


async def list_followups(request: web.Request) -> web.Response:
    return await _listing(request, "followups")


async def list_callbacks(request: web.Request) -> web.Response:
    return await _listing(request, "callbacks")


async def _json_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_NOTE_BODY:
        raise web.HTTPRequestEntityTooLarge(MAX_NOTE_BODY, request.content_length)
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UserError("Dữ liệu JSON không hợp lệ.", detail=f"invalid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise UserError("Dữ liệu JSON phải là một đối tượng.", detail="body must be an object")
    return body


async def _mark(request: web.Request, kind: str) -> web.Response:
    user = require_manager(request)
    row_id = parse_id(request)
    body = await _json_body(request)
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise UserError("Ghi chú phải là chữ.", detail="note: string or null")
    if note is not None and len(note) > schema.MAX_NOTE_CHARS:
        raise UserError(f"Ghi chú dài quá {schema.MAX_NOTE_CHARS} ký tự.", detail="note: too long")
    store = store_of(request)
    marker = store.mark_response_handled if kind == "followups" else store.mark_callback_handled
    try:
        found = await in_thread(request, marker, row_id, user.username, note)
    except ValidationError as exc:
        raise UserError("Không lưu được.", detail=str(exc)) from exc
    if not found:
        raise NotFound("Không tìm thấy mục này.")
    return web.json_response({"id": row_id, "status": "handled", "handled_by": user.username})


async def mark_followup(request: web.Request) -> web.Response:
    return await _mark(request, "followups")


async def mark_callback(request: web.Request) -> web.Response:
    return await _mark(request, "callbacks")


def setup_api(app: web.Application) -> None:
    app[OPENAPI_KEY] = load_openapi()
    r = app.router
    r.add_get("/api/v1/openapi.json", openapi, name="api_openapi")
    r.add_get("/api/v1/session", session_info, name="api_session")
    r.add_get("/api/v1/metrics/summary", summary, name="api_summary")
    r.add_get("/api/v1/metrics/slices", slices, name="api_slices")
    r.add_get("/api/v1/followups", list_followups, name="api_followups")
    r.add_post("/api/v1/followups/{id}/handled", mark_followup, name="api_followup_handled")
    r.add_get("/api/v1/callbacks", list_callbacks, name="api_callbacks")
    r.add_post("/api/v1/callbacks/{id}/handled", mark_callback, name="api_callback_handled")
