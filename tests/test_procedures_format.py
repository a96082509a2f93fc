"""Chat messages, the online-filing guide and the exported Rasa lookup table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.procedures import (
    BUBBLE_LIMIT,
    Procedure,
    default_catalog,
    format_documents,
    format_fee,
    format_notes,
    format_source,
    format_summary,
    format_time,
    format_where,
    guide_steps,
    normalize,
)
from bot.procedures.lookup import lookup_entries, render_lookup_yaml

ROOT = Path(__file__).resolve().parent.parent
LOOKUP_FILE = ROOT / "nlu_data" / "nlu" / "lookup_procedure.yml"
DOCUMENTS_LIMIT = 600
CATALOG = default_catalog()
PROCEDURES = CATALOG.all()
UNSURE = re.compile(r"Cháu chưa chắc chắn về .+ Bác xem thông tin chính thức tại: (https://\S+)$")


def _with(proc: Procedure, section: str, **changes: object) -> Procedure:
    part = getattr(proc, section).copy(update=changes)
    return proc.copy(update={section: part})


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_bubbles_stay_short(proc: Procedure) -> None:
    for render in (format_fee, format_time, format_where, format_summary, format_source):
        text = render(proc)
        assert 0 < len(text) <= BUBBLE_LIMIT, (render.__name__, len(text), text)
    assert len(format_documents(proc)) <= DOCUMENTS_LIMIT
    for note in format_notes(proc):
        assert note.startswith("Lưu ý: ") and len(note) <= BUBBLE_LIMIT
    for step in guide_steps(proc):
        assert len(step) <= BUBBLE_LIMIT, step


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_documents_checklist_is_numbered_and_complete(proc: Procedure) -> None:
    text = format_documents(proc)
    assert "bác" in text
    for number, item in enumerate(proc.documents.items, start=1):
        assert f"\n{number}. {item}" in text
    if proc.documents.uncertain:
        assert "Cháu chưa chắc chắn về giấy tờ." in text
        assert str(proc.source_url) in text


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_fee_states_fact_or_says_unsure(proc: Procedure) -> None:
    text = format_fee(proc)
    if proc.fees.uncertain:
        found = UNSURE.search(text)
        assert found and found.group(1) == str(proc.source_url), text
        assert proc.fees.amount not in text
    else:
        assert proc.fees.amount in text
        assert "chưa chắc chắn" not in text


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_time_states_fact_or_says_unsure(proc: Procedure) -> None:
    text = format_time(proc)
    if proc.processing_time.uncertain:
        found = UNSURE.search(text)
        assert found and found.group(1) == str(proc.source_url), text
        assert proc.processing_time.text not in text
    else:
        assert proc.processing_time.text in text
        assert proc.title.lower() in text


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_where_names_agency_channels_and_online_level(proc: Procedure) -> None:
    text = format_where(proc)
    assert proc.agency.name in text
    for channel in proc.where.channels:
        assert f"- {channel}" in text
    assert proc.where.online_level in text
    if proc.agency.uncertain or proc.where.uncertain:
        assert UNSURE.search(text), text


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_summary_and_source(proc: Procedure) -> None:
    summary = format_summary(proc)
    assert summary.splitlines()[0].startswith(proc.title)
    assert proc.agency.name in summary.splitlines()[1]
    source = format_source(proc)
    assert str(proc.source_url) in source
    assert f"cập nhật ngày {proc.last_verified:%d/%m/%Y}" in source


def test_uncertain_fee_and_time_are_replaced_by_the_official_link() -> None:
    proc = CATALOG.get("chung_thuc_chu_ky")
    assert not proc.fees.uncertain
    unsure_fee = _with(proc, "fees", uncertain="Mức phí có thể đã thay đổi.")
    text = format_fee(unsure_fee)
    assert text.startswith("Cháu chưa chắc chắn về lệ phí của thủ tục chứng thực chữ ký.")
    assert "Mức phí có thể đã thay đổi." in text
    assert text.endswith(f"Bác xem thông tin chính thức tại: {proc.source_url}")
    assert proc.fees.amount not in text
    unsure_time = _with(proc, "processing_time", uncertain="Có thể lâu hơn ở một số nơi.")
    assert format_time(unsure_time).startswith("Cháu chưa chắc chắn về thời gian giải quyết")
    assert proc.processing_time.text not in format_time(unsure_time)


def test_long_uncertain_note_is_dropped_but_link_kept() -> None:
    proc = CATALOG.get("ly_lich_tu_phap")
    long_note = "Ghi chú rất dài về nơi nộp hồ sơ. " * 4
    text = format_where(_with(proc, "where", uncertain=long_note[:160]))
    assert len(text) <= BUBBLE_LIMIT
    assert text.endswith(f"Bác xem thông tin chính thức tại: {proc.source_url}")


def test_known_facts_appear_in_messages() -> None:
    assert "2.000 đồng/trang" in format_fee(CATALOG.get("chung_thuc_ban_sao"))
    assert "10.000 đồng" in format_fee(CATALOG.get("chung_thuc_chu_ky"))
    assert "Miễn lệ phí" in format_fee(CATALOG.get("ket_hon"))
    assert "20.000 đồng" in format_fee(CATALOG.get("thuong_tru"))
    assert "7 ngày làm việc" in format_time(CATALOG.get("thuong_tru"))
    assert "3 ngày làm việc" in format_time(CATALOG.get("tam_tru"))
    assert "10 ngày làm việc" in format_time(CATALOG.get("ly_lich_tu_phap"))
    assert "Công an TP Hà Nội" in format_where(CATALOG.get("ly_lich_tu_phap"))
    assert "Công an xã, phường" in format_where(CATALOG.get("thuong_tru"))
    assert "UBND xã, phường" in format_summary(CATALOG.get("khai_sinh"))
    assert "500.000 đồng" in format_summary(CATALOG.get("tro_cap_huu_tri_xa_hoi"))
    assert "Giấy chứng sinh" in format_documents(CATALOG.get("khai_sinh"))


def test_default_guide_steps() -> None:
    steps = guide_steps(None)
    guide = CATALOG.guide
    assert len(steps) == len(guide.steps)
    total = len(steps)
    for number, (text, step) in enumerate(zip(steps, guide.steps, strict=True), start=1):
        assert text == f"Bước {number}/{total}: {step.text}"
    joined = normalize(" ".join(steps))
    for topic in ("vneid", "dang nhap", "nop ho so truc tuyen", "tai len", "thanh toan"):
        assert topic in joined
    assert "ma ho so" in joined and "tra cuu" in joined


@pytest.mark.parametrize("proc", [None, *PROCEDURES], ids=lambda p: p.id if p else "default")
def test_every_guide_warns_about_otp_and_never_asks_for_it(proc: Procedure | None) -> None:
    steps = guide_steps(proc)
    warnings = [s for s in steps if "OTP" in s and "không" in s and "cho ai" in s]
    assert warnings, steps
    for step in steps:
        lowered = step.lower()
        assert "gửi mã otp cho cháu" not in lowered
        assert "gửi cho cháu mật khẩu" not in lowered
        assert "ảnh căn cước cho cháu" not in lowered


def test_procedure_can_replace_the_guide() -> None:
    proc = CATALOG.get("ly_lich_tu_phap")
    assert proc.guide is not None and proc.guide.mode == "replace"
    steps = guide_steps(proc)
    assert len(steps) == len(proc.guide.steps)
    assert "Lý lịch tư pháp".lower() in " ".join(steps).lower()
    assert steps != guide_steps(None)


def test_procedure_can_add_steps_after_a_given_step() -> None:
    proc = CATALOG.get("khai_sinh")
    assert proc.guide is not None and proc.guide.mode == "append"
    default = guide_steps(None)
    steps = guide_steps(proc)
    assert len(steps) == len(default) + len(proc.guide.steps)
    ids = [step.id for step in CATALOG.guide.steps]
    position = ids.index(proc.guide.after or CATALOG.guide.insert_after) + 1
    assert steps[position].endswith(proc.guide.steps[0])


def test_marriage_guide_adds_visit_after_submission() -> None:
    steps = guide_steps(CATALOG.get("ket_hon"))
    submit = next(i for i, s in enumerate(steps) if "mã hồ sơ" in s and "Nộp hồ sơ" in s)
    assert "cả hai người" in steps[submit + 1]


def test_lookup_file_is_in_sync_with_catalog() -> None:
    assert LOOKUP_FILE.read_text(encoding="utf-8") == render_lookup_yaml(CATALOG), (
        "run: python scripts/export_procedure_lookup.py"
    )


def test_lookup_file_format() -> None:
    data = yaml.safe_load(LOOKUP_FILE.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    (table,) = data["nlu"]
    assert table["lookup"] == "procedure"
    entries = [line[2:] for line in table["examples"].splitlines()]
    assert entries == lookup_entries(CATALOG)
    assert len({e.casefold() for e in entries}) == len(entries)
    assert entries == sorted(entries, key=lambda e: (normalize(e), e))
    folded = {e.casefold() for e in entries}
    # noun phrases only: verbs before the name and the beneficiary after it stay out
    assert {"căn cước", "khai sinh", "lý lịch tư pháp", "sổ đỏ"} <= folded
    assert not {"làm căn cước", "khai sinh cho con", "đổi bằng lái xe"} & folded
    for entry in folded:
        assert not entry.startswith(("làm ", "xin ", "đổi ", "rút ", "lấy ")), entry
        assert " cho con" not in entry and " cho cháu" not in entry, entry


def test_export_script_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "lookup.yml"
    script = ROOT / "scripts" / "export_procedure_lookup.py"
    check = [sys.executable, str(script), "--out", str(out), "--check"]
    assert subprocess.run(check, capture_output=True, check=False).returncode == 1
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_text(encoding="utf-8") == render_lookup_yaml(CATALOG)
    assert subprocess.run(check, capture_output=True, check=False).returncode == 0
