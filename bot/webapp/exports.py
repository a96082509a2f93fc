"""CSV (UTF-8 with BOM, for Excel) and .xlsx exports with the dashboard's filters."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from aiohttp import web
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.feedback import schema
from bot.feedback.store import LOCAL_TZ, StaffAccount
from bot.webapp.common import config_of, current_user, in_thread, store_of
from bot.webapp.filters import filters_dict, parse_filters
from bot.webapp.present import callback_view, response_view

log = logging.getLogger(__name__)

MAX_EXPORT_ROWS = 200_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, Callable[[dict[str, Any]], Any]]

RESPONSE_COLUMNS: list[Column] = [
    ("Mã số", lambda v: v["id"]),
    ("Thời gian (giờ Việt Nam)", lambda v: v["created_local"]),
    ("Kênh", lambda v: v["channel_label"]),
    ("Việc người dân làm", lambda v: v["flow_label"]),
    ("Thủ tục", lambda v: v["procedure_label"]),
    ("Xã/phường", lambda v: v["commune"]),
    ("Mức hài lòng chung (1–5)", lambda v: v["overall"]),
    ("Đánh giá chung", lambda v: v["overall_label"]),
    *[
        (f"{label} (1–5)", (lambda a: lambda v: v["aspects"][a])(aspect))
        for aspect, label in schema.ASPECT_LABELS.items()
    ],
    ("Ý kiến của người dân", lambda v: v["comment"]),
    ("Đồng ý lưu thông tin cá nhân", lambda v: _yes_no(v["consent_personal_data"])),
    ("Đồng ý được liên hệ lại", lambda v: _yes_no(v["consent_contact"])),
    ("Số điện thoại", lambda v: v["phone"]),
    ("Nơi ở (xã/phường)", lambda v: v["home_commune"]),
    ("Nhóm tuổi", lambda v: v["age_band"]),
    ("Trạng thái", lambda v: v["status_label"]),
    ("Người xử lý", lambda v: v["handled_by"]),
    ("Thời điểm xử lý", lambda v: v["handled_local"]),
    ("Ghi chú của cán bộ", lambda v: v["staff_note"]),
]

CALLBACK_COLUMNS: list[Column] = [
    ("Mã số", lambda v: v["id"]),
    ("Thời gian (giờ Việt Nam)", lambda v: v["created_local"]),
    ("Kênh", lambda v: v["channel_label"]),
    ("Họ tên", lambda v: v["name"]),
    ("Số điện thoại", lambda v: v["phone"]),
    ("Nội dung cần hỗ trợ", lambda v: v["topic"]),
    ("Xã/phường", lambda v: v["commune"]),
    ("Thủ tục", lambda v: v["procedure_label"]),
    ("Đồng ý được liên hệ lại", lambda v: _yes_no(v["consent_contact"])),
    ("Trạng thái", lambda v: v["status_label"]),
    ("Người xử lý", lambda v: v["handled_by"]),
    ("Thời điểm xử lý", lambda v: v["handled_local"]),
    ("Ghi chú của cán bộ", lambda v: v["staff_note"]),
]


def _yes_no(value: bool) -> str:
    return "Có" if value else "Không"


def neutralize(value: Any) -> Any:
    """Escape text a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table(
    rows: Iterable[dict[str, Any]], columns: Sequence[Column]
) -> tuple[list[str], list[list[Any]]]:
    header = [name for name, _ in columns]
    body = [[get(row) for _, get in columns] for row in rows]
    return header, body


def to_csv(header: list[str], body: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in body:
        writer.writerow(["" if v is None else neutralize(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], body: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([None if v is None else v for v in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            # openpyxl stores a str starting with "=" as a formula: force plain text.
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, name in enumerate(header, start=1):
        width = 14 if "Ý kiến" not in name and "Nội dung" not in name else 60
        sheet.column_dimensions[get_column_letter(index)].width = max(width, len(name) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_export(
    dataset: str, fmt: str, rows: list[dict[str, Any]], user: StaffAccount, labels: Any
) -> bytes:
    if dataset == "responses":
        views = [response_view(r, user, labels) for r in rows]
        header, body = table(views, RESPONSE_COLUMNS)
        title = "Phiếu khảo sát"
    else:
        views = [callback_view(r, user, labels) for r in rows]
        header, body = table(views, CALLBACK_COLUMNS)
        title = "Yêu cầu gọi lại"
    return to_csv(header, body) if fmt == "csv" else to_xlsx(title, header, body)


async def export(request: web.Request) -> web.Response:
    dataset = request.match_info["dataset"]
    fmt = request.match_info["fmt"]
    filters = parse_filters(request.query, with_status=True)
    user = current_user(request)
    store = store_of(request)
    if dataset == "responses":
        rows = await in_thread(request, store.list_responses, filters, limit=MAX_EXPORT_ROWS)
    else:
        rows = await in_thread(request, store.all_callbacks, filters, limit=MAX_EXPORT_ROWS)
    labels = config_of(request).procedure_labels
    data = await in_thread(request, build_export, dataset, fmt, rows, user, labels)
    log.info(
        "export %s.%s by %s (personal data %s), %d rows, filters %s",
        dataset,
        fmt,
        user.username,
        "visible" if user.can_see_personal_data else "masked",
        len(rows),
        filters_dict(filters),
    )
    stamp = datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M")
    name = "phieu-khao-sat" if dataset == "responses" else "yeu-cau-goi-lai"
    content_type = "text/csv" if fmt == "csv" else XLSX_TYPE
    return web.Response(
        body=data,
        content_type=content_type,
        charset="utf-8" if fmt == "csv" else None,
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'},
    )


def setup_exports(app: web.Application) -> None:
    app.router.add_get(
        "/export/{dataset:responses|callbacks}.{fmt:csv|xlsx}", export, name="export"
    )
