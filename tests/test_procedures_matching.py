"""Finding the procedure a citizen means, from names, aliases, sentences and abbreviations."""

from __future__ import annotations

import random
import string
from collections import Counter

import pytest

from bot.procedures import Procedure, default_catalog, normalize
from bot.procedures.matching import FUZZY_THRESHOLD, MAX_CANDIDATES

CATALOG = default_catalog()
PROCEDURES = CATALOG.all()

# Aliases deliberately shared by several procedures ("chứng thực", "hôn nhân"...).
_ALIAS_OWNERS = Counter(
    phrase for p in PROCEDURES for phrase in {normalize(a) for a in (*p.aliases, p.name, p.title)}
)
SHARED = {alias for alias, owners in _ALIAS_OWNERS.items() if owners > 1}

ALIAS_CASES = [(p.id, alias) for p in PROCEDURES for alias in p.aliases]
UNIQUE_ALIAS_CASES = [(pid, a) for pid, a in ALIAS_CASES if normalize(a) not in SHARED]

SENTENCES = [
    "cho bác hỏi {} thì làm thế nào",
    "cháu ơi bác muốn hỏi về {} với",
    "toi muon lam {}",
    "{} can giay to gi vay chau",
    "Bác ở xã Sóc Sơn, cần làm {} ạ!!!",
]


def _assert_finds(query: str, proc_id: str) -> None:
    match = CATALOG.match(query)
    assert match.procedure is not None, (query, [c.id for c in match.candidates])
    assert match.procedure.id == proc_id, (query, match.procedure.id)
    assert match.candidates == []
    assert FUZZY_THRESHOLD <= match.score <= 100


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.id)
def test_found_by_official_name_and_title(proc: Procedure) -> None:
    _assert_finds(proc.name, proc.id)
    _assert_finds(proc.title, proc.id)
    _assert_finds(normalize(proc.name), proc.id)
    _assert_finds(proc.name.upper(), proc.id)


@pytest.mark.parametrize(("proc_id", "alias"), UNIQUE_ALIAS_CASES)
def test_found_by_alias_accented_and_unaccented(proc_id: str, alias: str) -> None:
    _assert_finds(alias, proc_id)
    _assert_finds(normalize(alias), proc_id)


@pytest.mark.parametrize(("proc_id", "alias"), UNIQUE_ALIAS_CASES)
@pytest.mark.parametrize("template", SENTENCES)
def test_found_in_elderly_style_sentence(proc_id: str, alias: str, template: str) -> None:
    _assert_finds(template.format(alias), proc_id)
    _assert_finds(normalize(template.format(alias)), proc_id)


@pytest.mark.parametrize(
    ("proc_id", "alias"), [c for c in ALIAS_CASES if normalize(c[1]) in SHARED]
)
def test_shared_alias_gives_candidates_including_owner(proc_id: str, alias: str) -> None:
    match = CATALOG.match(f"bác hỏi về {alias}")
    assert match.procedure is None
    assert proc_id in [c.id for c in match.candidates]
    assert 2 <= len(match.candidates) <= MAX_CANDIDATES


@pytest.mark.parametrize(
    ("query", "proc_id"),
    [
        ("cho bác hỏi làm giấy khai sinh cho cháu thế nào", "khai_sinh"),
        ("toi muon lam can cuoc", "can_cuoc"),
        ("lam so do lan dau", "cap_so_do_lan_dau"),
        ("xin ltp", "ly_lich_tu_phap"),
        ("gks", "khai_sinh"),
        ("CCCD", "can_cuoc"),
        ("glx het han roi", "doi_gplx"),
        ("sổ đỏ", "cap_so_do_lan_dau"),
        ("đkkd hộ", "ho_kinh_doanh"),
        ("dkkd ho", "ho_kinh_doanh"),
        ("rut bhxh 1 lan", "bhxh_mot_lan"),
        ("chứng thực chữ ký giấy ủy quyền", "chung_thuc_chu_ky"),
        ("photo cong chung can cuoc", "chung_thuc_ban_sao"),
        ("xin giay doc than de mua nha", "xac_nhan_hon_nhan"),
        ("bố tôi mất rồi làm giấy chứng tử", "khai_tu"),
        ("nhap ho khau cho chau", "thuong_tru"),
        ("bác 76 tuổi không có lương hưu", "tro_cap_huu_tri_xa_hoi"),
        ("xin phép xây nhà 3 tầng", "giay_phep_xay_dung"),
        # typos and merged words
        ("dang ki khai sinh", "khai_sinh"),
        ("khai sin cho chau", "khai_sinh"),
        ("cancuoc", "can_cuoc"),
        ("ly lich tu phap", "ly_lich_tu_phap"),
        ("lí lịch tư pháp", "ly_lich_tu_phap"),
    ],
)
def test_citizen_queries(query: str, proc_id: str) -> None:
    _assert_finds(query, proc_id)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("đăng ký cư trú", {"thuong_tru", "tam_tru"}),
        ("dang ky cu tru", {"thuong_tru", "tam_tru"}),
        ("chứng thực", {"chung_thuc_ban_sao", "chung_thuc_chu_ky"}),
        ("bác cần đi công chứng", {"chung_thuc_ban_sao", "chung_thuc_chu_ky"}),
        ("hôn nhân", {"ket_hon", "xac_nhan_hon_nhan"}),
        ("thủ tục hôn nhân thế nào cháu", {"ket_hon", "xac_nhan_hon_nhan"}),
        ("bảo hiểm xã hội", {"huong_luong_huu", "bhxh_mot_lan"}),
        ("bhxh", {"huong_luong_huu", "bhxh_mot_lan"}),
        ("tro cap nguoi gia", {"tro_cap_nguoi_cao_tuoi", "tro_cap_huu_tri_xa_hoi"}),
    ],
)
def test_ambiguous_queries_give_candidates(query: str, expected: set[str]) -> None:
    match = CATALOG.match(query)
    assert match.procedure is None
    assert match.is_ambiguous
    assert {c.id for c in match.candidates} == expected
    assert match.score > 0


def test_specific_wording_resolves_ambiguity() -> None:
    _assert_finds("đăng ký thường trú", "thuong_tru")
    _assert_finds("đăng ký tạm trú", "tam_tru")
    _assert_finds("chứng thực bản sao", "chung_thuc_ban_sao")
    _assert_finds("xác nhận tình trạng hôn nhân", "xac_nhan_hon_nhan")
    _assert_finds("đăng ký kết hôn", "ket_hon")
    _assert_finds("bhxh một lần", "bhxh_mot_lan")
    _assert_finds("hưởng lương hưu", "huong_luong_huu")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   \n\t ",
        "hôm nay trời đẹp quá",
        "giá vàng hôm nay bao nhiêu",
        "cháu ơi bác cảm ơn nhé",
        "thủ tục",
        "làm giấy tờ",
        "alo alo",
        "😀😀🙏🙏",
        "<script>alert('x')</script>",
        "<b>xin chào</b> <img src=x onerror=alert(1)>",
        "'; DROP TABLE users; --",
        "\x00\x01\x02",
        "١٢٣ 中文 русский",
        "a" * 10_000,
        "xin chào " * 1_500,
    ],
)
def test_unrelated_or_hostile_input_gives_no_match(query: str) -> None:
    match = CATALOG.match(query)
    assert match.procedure is None
    assert match.candidates == []
    assert match.score == 0
    assert not match.found and not match.is_ambiguous


def test_random_huge_input_does_not_crash() -> None:
    rng = random.Random(1234)
    text = "".join(rng.choice(string.ascii_letters + " ") for _ in range(10_000))
    match = CATALOG.match(text)
    assert match.procedure is None or match.procedure in PROCEDURES


def test_non_string_input_gives_no_match() -> None:
    assert CATALOG.match(None).procedure is None  # type: ignore[arg-type]
    assert CATALOG.match(123).candidates == []  # type: ignore[arg-type]


def test_normalize() -> None:
    assert normalize("Đăng Ký  KHAI SINH!") == "dang ky khai sinh"
    assert normalize("Căn cước") == normalize("Ca\u0306n cu\u031bo\u031b\u0301c")  # NFD input
    assert normalize("sổ đỏ") == "so do"
    assert normalize("😀") == ""
