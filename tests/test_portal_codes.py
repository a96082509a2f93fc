"""Dossier-code parsing: canonical form, sloppy typing, impossible dates, hostile input."""

import re
from datetime import date

import pytest

from bot.portal.codes import DOSSIER_CODE_PATTERN, EXAMPLE_CODE, find_code, normalize_code
from bot.portal.demo_server import load_seed

CODE = "000.00.01.H26-250708-0003"
TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "typed",
    [
        "000.00.01.H26-250708-0003",
        "000.00.01.h26-250708-0003",
        "  000.00.01.H26-250708-0003  ",
        "000.00.01.H26 - 250708 - 0003",
        "000.00.01.H26.-250708.-0003",
        "000.00.01.H26 .- 250708 -. 0003",
        "000.00.01.H26.250708.0003",
        "000.00.01.H26 250708 0003",
        "000. 00. 01. H26-250708-0003",
        "000,00,01,H26-250708-0003",
        "000.00.01.H262507080003",
        "０００.００.０１.Ｈ２６－２５０７０８－０００３",  # full-width
        "000.00.01.H26–250708—0003",  # en dash, em dash
        '"000.00.01.H26-250708-0003".',
        "(000.00.01.H26-250708-0003)!",
        "000.00.01.H26-250708-0003\n",
    ],
)
def test_normalize_accepts_what_people_type(typed: str) -> None:
    assert normalize_code(typed, today=TODAY) == CODE


@pytest.mark.parametrize(
    "text",
    [
        "000.00.01.H26-250231-0003",  # 31 February
        "000.00.01.H26-251301-0003",  # month 13
        "000.00.01.H26-250700-0003",  # day 0
        "000.00.01.H26-250229-0003",  # 2025 is not a leap year
        "000.00.01.H26-250708-0000",  # sequence numbers start at 1
        "000.00.01.H26-261127-0003",  # received two days after "today"
        "000.00.01.26-250708-0003",  # no letter in the agency's level-1 code
        "00.00.01.H26-250708-0003",  # short group
        "0000.00.01.H26-250708-0003",  # long group
        "000.00.01.H26-25078-0003",
        "000.00.01.H26-250708-003",
        "000.00.01.H26-250708-00031",
        "000.00.01.HH6-250708-0003",
        "000.00.01.H26--250708-0003x",
        "mã 000.00.01.H26-250708-0003",  # a sentence is find_code's job
        "",
        "   ",
        "abc",
        "0912345678",
        "🙂🙂🙂",
        "000.00.01.H26-250708-0003🙂",
        "٠٠٠.٠٠.٠١.H26-250708-0003",  # Arabic-Indic digits are not accepted
        "x" * 10_000,
        "000.00.01.H26-250708-0003" + " " * 10_000,
    ],
)
def test_normalize_rejects(text: str) -> None:
    assert normalize_code(text, today=TODAY) is None


@pytest.mark.parametrize("value", [None, 12345, b"000.00.01.H26-250708-0003", ["x"]])
def test_normalize_rejects_non_strings(value: object) -> None:
    assert normalize_code(value) is None
    assert find_code(value) is None


def test_leap_day_and_today_are_valid() -> None:
    assert normalize_code("000.00.01.H26-240229-0001", today=TODAY) == "000.00.01.H26-240229-0001"
    assert normalize_code("000.00.01.H26-261125-0001", today=TODAY) == "000.00.01.H26-261125-0001"
    # One day of slack for time zones: "tomorrow" passes, the day after does not.
    assert normalize_code("000.00.01.H26-261126-0001", today=TODAY) is not None
    assert normalize_code("000.00.01.H26-261127-0001", today=TODAY) is None


def test_other_provinces_and_ministries_are_accepted() -> None:
    assert normalize_code("000.00.00.g22-250101-0001", today=TODAY) == "000.00.00.G22-250101-0001"
    assert normalize_code("123.45.67.K54-251231-9999", today=TODAY) == "123.45.67.K54-251231-9999"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Cho tôi hỏi hồ sơ 000.00.01.H26-250708-0003 đến đâu rồi", CODE),
        ("ma ho so cua toi la 000.00.01.h26 - 250708 - 0003 a", CODE),
        ("mã:000.00.01.H26-250708-0003.", CODE),
        ("🙏 000.00.01.H26-250708-0003 🙏 cảm ơn", CODE),
        ("hồ sơ số ０００.００.０１.Ｈ２６－２５０７０８－０００３ ạ", CODE),
        # The first candidate has an impossible date: the valid one after it is returned.
        ("000.00.01.H26-250231-0001 nhầm, đúng là 000.00.01.H26-250708-0003", CODE),
    ],
)
def test_find_code_in_sentences(sentence: str, expected: str) -> None:
    assert find_code(sentence, today=TODAY) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "hồ sơ của tôi đến đâu rồi?",
        "số điện thoại 0912345678, căn cước 001234567890",
        "000.00.01.H26-250231-0003",  # impossible date only
        "9000.00.01.H26-250708-0003",  # longer digit run before the code
        "000.00.01.H26-250708-00031",  # longer digit run after the code
        "",
        "🙂" * 5000,
    ],
)
def test_find_code_finds_nothing(sentence: str) -> None:
    assert find_code(sentence, today=TODAY) is None


def test_find_code_in_huge_input() -> None:
    noise = "lorem ipsum 123.45 H26 " * 450  # ~10,000 characters of near-misses
    assert len(noise) > 10_000
    assert find_code(noise, today=TODAY) is None
    assert find_code(noise + CODE + noise, today=TODAY) == CODE


def test_pattern_is_plain_regex_matching_canonical_codes() -> None:
    regex = re.compile(DOSSIER_CODE_PATTERN)
    dossiers, special = load_seed()
    for code in [*dossiers, *special, EXAMPLE_CODE]:
        assert regex.fullmatch(code), code
    assert regex.search("hồ sơ 000.00.01.h26-250708-0003 ạ")
    for bad in ["000.00.01.H26", "00.00.01.H26-250708-0003", "hello", "0912345678"]:
        assert not regex.fullmatch(bad)


def test_example_code_is_valid() -> None:
    assert normalize_code(EXAMPLE_CODE) == EXAMPLE_CODE
