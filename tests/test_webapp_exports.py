"""CSV and Excel exports: contents read back, filters, masking by account, formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from openpyxl import load_workbook

from bot.feedback import FeedbackStore
from bot.webapp import WebConfig, create_app
from bot.webapp.exports import neutralize
from bot.webapp.testing import login

VIEWER = ("can.bo", "mat-khau-can-bo-1")
PERMITTED = ("truong.phong", "mat-khau-truong-phong-1")
HOSTILE = ['=HYPERLINK("http://evil.example","Bấm")', "+SUM(1,2)", "-2+3", "@cmd", "\tlệnh"]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    s = FeedbackStore(f"sqlite:///{tmp_path}/exports.db")
    s.bcrypt_rounds = 4
    s.create_user(*VIEWER, role="viewer")
    s.create_user(*PERMITTED, role="viewer", can_see_personal_data=True)
    when = datetime(2026, 9, 30, 18, 30, tzinfo=timezone.utc)  # 01:30 on 1 Oct in Hanoi
    s.add_response(
        channel="zalo",
        flow="handoff",
        overall=1,
        commune="Xã Ba Vì",
        procedure_id="ly_lich_tu_phap",
        comment="Chờ lâu quá, gọi 0912 345 678, CCCD 001088012345",
        consent_personal_data=True,
        consent_contact=True,
        phone="0987654321",
        age_band="70_plus",
        home_commune="Xã Ba Vì",
        created_at=when,
    )
    for i, text in enumerate(HOSTILE):
        s.add_response(
            channel="webchat",
            flow="on_demand",
            overall=3,
            comment=text,
            commune="Xã Sóc Sơn",
            created_at=when.replace(day=20 + i),
        )
    s.add_callback(
        channel="zalo",
        topic="Hỏi lương hưu",
        name="Trần Thị Lan",
        phone="0912345678",
        consent_contact=True,
        commune="Xã Ba Vì",
    )
    yield s
    s.close()


@pytest.fixture()
async def clients(aiohttp_client: Any, store: FeedbackStore, tmp_path: Path) -> dict[str, Any]:
    app = create_app(
        WebConfig(
            secret_key=Fernet.generate_key(),
            bcrypt_rounds=4,
            webchat_dir=tmp_path / "x",
            demo_page=tmp_path / "x.html",
        ),
        store=store,
    )
    viewer, permitted = await aiohttp_client(app), await aiohttp_client(app)
    await login(viewer, *VIEWER)
    await login(permitted, *PERMITTED)
    return {"viewer": viewer, "permitted": permitted}


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8 Vietnamese correctly
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> tuple[list[str], list[list[Any]], Any]:
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:], sheet


async def test_csv_export_contents_and_masking(clients: dict[str, Any]) -> None:
    r = await clients["viewer"].get("/export/responses.csv")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    rows = read_csv(await r.read())
    assert len(rows) == 6
    first = next(row for row in rows if row["Xã/phường"] == "Xã Ba Vì")
    assert first["Thời gian (giờ Việt Nam)"] == "01/10/2026 01:30"
    assert first["Mức hài lòng chung (1–5)"] == "1"
    assert first["Đánh giá chung"] == "Rất không hài lòng"
    assert first["Thủ tục"] == "Cấp phiếu lý lịch tư pháp"
    assert first["Ý kiến của người dân"] == "Chờ lâu quá, gọi 09******78, CCCD 0010******45"
    assert first["Số điện thoại"] == "09******21"
    assert first["Nhóm tuổi"] == "(đã ẩn)" and first["Nơi ở (xã/phường)"] == "(đã ẩn)"
    assert first["Đồng ý được liên hệ lại"] == "Có"

    permitted = read_csv(await (await clients["permitted"].get("/export/responses.csv")).read())
    first = next(row for row in permitted if row["Xã/phường"] == "Xã Ba Vì")
    assert first["Số điện thoại"] == "0987654321"
    assert first["Nhóm tuổi"] == "Từ 70 trở lên" and first["Nơi ở (xã/phường)"] == "Xã Ba Vì"
    # free text was masked when stored: no account ever sees those numbers
    assert first["Ý kiến của người dân"] == "Chờ lâu quá, gọi 09******78, CCCD 0010******45"


async def test_csv_formula_injection_is_escaped(clients: dict[str, Any]) -> None:
    rows = read_csv(await (await clients["viewer"].get("/export/responses.csv")).read())
    comments = {row["Ý kiến của người dân"] for row in rows}
    # "\tlệnh" lost its tab when the comment was cleaned; the rest are escaped with a quote
    assert {'\'=HYPERLINK("http://evil.example","Bấm")', "'+SUM(1,2)", "'-2+3", "'@cmd"} <= comments
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)


def test_neutralize() -> None:
    assert [neutralize(v) for v in ("=1", "+1", "-1", "@a", "\t=1", "\r=1", "a=1", 5, None)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t=1",
        "'\r=1",
        "a=1",
        5,
        None,
    ]


async def test_xlsx_export_contents_masking_and_no_formulas(clients: dict[str, Any]) -> None:
    r = await clients["viewer"].get("/export/responses.xlsx")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    header, rows, sheet = read_xlsx(await r.read())
    assert sheet.title == "Phiếu khảo sát"
    assert header[:3] == ["Mã số", "Thời gian (giờ Việt Nam)", "Kênh"]
    assert "Tiếp cận dịch vụ (1–5)" in header and "Số điện thoại" in header
    assert len(rows) == 6
    phone_col = header.index("Số điện thoại")
    comment_col = header.index("Ý kiến của người dân")
    ba_vi = next(row for row in rows if row[header.index("Xã/phường")] == "Xã Ba Vì")
    assert ba_vi[phone_col] == "09******21"
    assert ba_vi[header.index("Mức hài lòng chung (1–5)")] == 1  # a number, for Excel sums
    # every hostile comment is a plain text cell, never a formula
    for cells in sheet.iter_rows(min_row=2):
        cell = cells[comment_col]
        assert cell.data_type == "s"
    texts = {row[comment_col] for row in rows}
    assert '=HYPERLINK("http://evil.example","Bấm")' in texts  # shown as typed, inert

    _, permitted_rows, _ = read_xlsx(
        await (await clients["permitted"].get("/export/responses.xlsx")).read()
    )
    assert "0987654321" in {row[phone_col] for row in permitted_rows}


async def test_exports_follow_the_dashboard_filters(clients: dict[str, Any]) -> None:
    viewer = clients["viewer"]
    only_ba_vi = read_csv(await (await viewer.get("/export/responses.csv?commune=Xã Ba Vì")).read())
    assert [row["Xã/phường"] for row in only_ba_vi] == ["Xã Ba Vì"]
    october = read_csv(
        await (
            await viewer.get("/export/responses.csv?date_from=2026-10-01&date_to=2026-10-31")
        ).read()
    )
    assert [row["Xã/phường"] for row in october] == ["Xã Ba Vì"]  # 01:30 on 1 Oct, Hanoi time
    september = read_csv(
        await (
            await viewer.get("/export/responses.csv?date_from=01/09/2026&date_to=30/09/2026")
        ).read()
    )
    assert len(september) == 5
    _, rows, _ = read_xlsx(await (await viewer.get("/export/responses.xlsx?channel=sms")).read())
    assert rows == []
    bad = await viewer.get("/export/responses.xlsx?date_from=2026-02-30")
    assert bad.status == 400


async def test_callback_exports_mask_name_and_phone(clients: dict[str, Any]) -> None:
    viewer_rows = read_csv(await (await clients["viewer"].get("/export/callbacks.csv")).read())
    assert [(r["Họ tên"], r["Số điện thoại"], r["Nội dung cần hỗ trợ"]) for r in viewer_rows] == [
        ("T. T. L.", "09******78", "Hỏi lương hưu")
    ]
    header, rows, sheet = read_xlsx(
        await (await clients["permitted"].get("/export/callbacks.xlsx")).read()
    )
    assert sheet.title == "Yêu cầu gọi lại"
    assert rows[0][header.index("Họ tên")] == "Trần Thị Lan"
    assert rows[0][header.index("Số điện thoại")] == "0912345678"


async def test_unknown_export_formats_are_not_routes(clients: dict[str, Any]) -> None:
    viewer = clients["viewer"]
    for path in ("/export/responses.pdf", "/export/users.csv", "/export/responses"):
        assert (await viewer.get(path)).status == 404
