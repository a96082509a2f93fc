"""Loading and validating the procedure data files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.procedures import CatalogError, default_catalog, load_catalog
from bot.procedures.catalog import DATA_DIR

# Procedures the brief requires (by id).
REQUIRED_IDS = {
    "khai_sinh",
    "khai_tu",
    "thuong_tru",
    "tam_tru",
    "can_cuoc",
    "ly_lich_tu_phap",
    "doi_gplx",
    "chung_thuc_ban_sao",
    "chung_thuc_chu_ky",
    "ket_hon",
    "xac_nhan_hon_nhan",
    "cap_so_do_lan_dau",
    "ho_kinh_doanh",
    "giay_phep_xay_dung",
    "huong_luong_huu",
    "bhxh_mot_lan",
    "tro_cap_nguoi_cao_tuoi",
}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(directory: Path, name: str, change: Any) -> None:
    path = directory / name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _load_error(directory: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    return str(info.value)


def test_bundled_catalog_loads_with_required_procedures() -> None:
    catalog = load_catalog()
    ids = {proc.id for proc in catalog.all()}
    assert len(catalog) >= 15
    assert ids >= REQUIRED_IDS
    assert [proc.id for proc in catalog.all()] == sorted(ids)


def test_default_catalog_is_cached() -> None:
    assert default_catalog() is default_catalog()


def test_get_unknown_id_raises_key_error() -> None:
    with pytest.raises(KeyError):
        default_catalog().get("khong_co_thu_tuc_nay")
    assert "khai_sinh" in default_catalog()


def test_copy_of_bundled_data_loads(data_copy: Path) -> None:
    assert {p.id for p in load_catalog(data_copy).all()} == {p.id for p in load_catalog().all()}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["fees"].pop("amount"), r"^khai_sinh\.yaml: fees\.amount: field required"),
        (lambda r: r.pop("source_url"), r"^khai_sinh\.yaml: source_url: field required"),
        (lambda r: r.pop("last_verified"), r"^khai_sinh\.yaml: last_verified: field required"),
        (lambda r: r["documents"].update(items=[]), r"^khai_sinh\.yaml: documents\.items: "),
        (
            lambda r: r.update(aliases="gks"),
            r"^khai_sinh\.yaml: aliases: value is not a valid list",
        ),
        (
            lambda r: r["fees"].update(amount=["a", "b"]),
            r"^khai_sinh\.yaml: fees\.amount: str type",
        ),
        (lambda r: r.update(last_verified="2026-13-45"), r"^khai_sinh\.yaml: last_verified: "),
        (lambda r: r.update(last_verified="25/11/2026"), r"^khai_sinh\.yaml: last_verified: "),
        (lambda r: r.update(last_verified=20261125), r"^khai_sinh\.yaml: last_verified: "),
        (
            lambda r: r.update(last_verified=dt.date.today() + dt.timedelta(days=1)),
            r"^khai_sinh\.yaml: last_verified: date .* is in the future",
        ),
        (
            lambda r: r.update(source_url="http://dichvucong.gov.vn/"),
            r"^khai_sinh\.yaml: source_url: URL scheme not permitted",
        ),
        (lambda r: r.update(source_url="dichvucong.gov.vn"), r"^khai_sinh\.yaml: source_url: "),
        (
            lambda r: r.update(extra_sources=["ftp://example.gov.vn/x"]),
            r"^khai_sinh\.yaml: extra_sources\.0: URL scheme not permitted",
        ),
        (
            lambda r: r["where"].update(online_level="mức 4"),
            r"^khai_sinh\.yaml: where\.online_level: unexpected value",
        ),
        (lambda r: r.update(fee={"amount": "x"}), r"^khai_sinh\.yaml: fee: extra fields not"),
        (lambda r: r.update(id="Khai Sinh"), r"^khai_sinh\.yaml: id: string does not match"),
        (lambda r: r.update(id="ket_hon"), r"^khai_sinh\.yaml: id: 'ket_hon' must equal"),
        (lambda r: r.update(related=["khong_co"]), r"^khai_sinh\.yaml: related: unknown procedure"),
        (lambda r: r.update(aliases=["gks", "GKS"]), r"^khai_sinh\.yaml: aliases: duplicate alias"),
        (
            lambda r: r["fees"].update(uncertain="x" * 400),
            r"^khai_sinh\.yaml: fees\.uncertain: ensure this value has at most",
        ),
        (
            lambda r: r.update(guide={"mode": "append", "steps": ["x"], "after": "khong_co"}),
            r"^khai_sinh\.yaml: guide\.after: unknown guide step",
        ),
        (
            lambda r: r.update(guide={"mode": "replace", "steps": ["x" * 400]}),
            r"^khai_sinh\.yaml: guide\.steps\.0: ensure this value has at most",
        ),
    ],
)
def test_broken_procedure_file_names_file_and_field(
    data_copy: Path, change: Any, expected: str
) -> None:
    _edit(data_copy, "khai_sinh.yaml", change)
    assert re.search(expected, _load_error(data_copy)), _load_error(data_copy)


def test_invalid_yaml_names_the_file(data_copy: Path) -> None:
    (data_copy / "ket_hon.yaml").write_text("id: ket_hon\naliases: [a, b\n", encoding="utf-8")
    assert _load_error(data_copy).startswith("ket_hon.yaml: invalid YAML")


def test_top_level_must_be_a_mapping(data_copy: Path) -> None:
    (data_copy / "ket_hon.yaml").write_text("- a\n- b\n", encoding="utf-8")
    assert _load_error(data_copy) == "ket_hon.yaml: top level must be a mapping of fields"


def test_empty_file_is_rejected(data_copy: Path) -> None:
    (data_copy / "ket_hon.yaml").write_text("", encoding="utf-8")
    assert _load_error(data_copy).startswith("ket_hon.yaml: top level must be a mapping")


def test_non_utf8_file_is_rejected(data_copy: Path) -> None:
    (data_copy / "ket_hon.yaml").write_bytes("id: kết hôn".encode("utf-16"))
    assert _load_error(data_copy).startswith("ket_hon.yaml: ")


def test_huge_file_is_rejected(data_copy: Path) -> None:
    (data_copy / "ket_hon.yaml").write_text("# x\n" * 100_000, encoding="utf-8")
    assert "ket_hon.yaml: file is larger than" in _load_error(data_copy)


def test_missing_guide_is_reported(data_copy: Path) -> None:
    (data_copy / "_guide.yaml").unlink()
    assert _load_error(data_copy).startswith("_guide.yaml: file missing")


def test_broken_guide_names_step(data_copy: Path) -> None:
    _edit(data_copy, "_guide.yaml", lambda r: r["steps"][0].update(text="x" * 300))
    assert re.search(r"^_guide\.yaml: steps\.0\.text: ensure this value", _load_error(data_copy))


def test_guide_insert_after_must_name_a_step(data_copy: Path) -> None:
    _edit(data_copy, "_guide.yaml", lambda r: r.update(insert_after="khong_co"))
    assert _load_error(data_copy).startswith("_guide.yaml: insert_after: unknown step id")


def test_directory_without_procedures(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "_guide.yaml", tmp_path / "_guide.yaml")
    assert "no procedure files" in _load_error(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    assert "data directory not found" in _load_error(tmp_path / "nope")


def test_every_procedure_has_https_source_and_past_verification_date() -> None:
    today = dt.date.today()
    for proc in default_catalog().all():
        assert str(proc.source_url).startswith("https://"), proc.id
        assert proc.last_verified <= today, proc.id
        assert proc.last_verified >= dt.date(2025, 7, 1), proc.id  # after the 2025 reform
    assert default_catalog().guide.last_verified <= today


def test_aliases_are_written_with_diacritics() -> None:
    for proc in default_catalog().all():
        assert any(not alias.isascii() for alias in proc.aliases), proc.id


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_all_text_is_nfc_normalised() -> None:
    for path in sorted(DATA_DIR.glob("*.yaml")):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert unicodedata.is_normalized("NFC", text), (path.name, text)


def test_uncertain_facts_never_state_unverified_fee_as_bare_number() -> None:
    # A fee or time marked uncertain must carry a note saying why (shown to the citizen).
    for proc in default_catalog().all():
        for field, note in proc.uncertain_fields.items():
            assert len(note) >= 20, (proc.id, field)
