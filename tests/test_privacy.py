"""Masking of phone numbers, ID numbers and e-mail addresses in free text (bot.privacy)."""

from __future__ import annotations

import re

import pytest

from bot.privacy import clean_text, mask_phone, mask_pii, normalize_phone, sender_key

PHONE_FORMS = [
    "0912345678",
    "0912 345 678",
    "0912.345.678",
    "0912-345-678",
    "091 234 5678",
    "+84912345678",
    "+84 912 345 678",
    "+84-912-345-678",
    "84912345678",
    "(+84) 912 345 678",
    "+84 (0) 912 345 678",
    "０９１２３４５６７８",  # full-width digits typed on some phones
]


@pytest.mark.parametrize("phone", PHONE_FORMS)
def test_phone_forms_are_masked_with_a_hint(phone: str) -> None:
    masked = mask_pii(f"Số của bác là {phone} nhé")
    assert masked == "Số của bác là 09******78 nhé"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sdt0987654321", "sdt09******21"),
        ("sđt:0387654321.", "sđt:03******21."),
        ("gọi 0912345678, hoặc 0987654321", "gọi 09******78, hoặc 09******21"),
        ("0912345678-0987654321", "09******78-09******21"),
        ("máy bàn 024 3825 1234", "máy bàn 02*******34"),
        ("(024) 38251234", "02*******34"),
        ("(0236) 3822 111", "02*******11"),
    ],
)
def test_phone_in_context(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CCCD 001088012345", "CCCD 0010******45"),
        ("căn cước: 001 088 012 345", "căn cước: 0010******45"),
        ("căn cước 0010.8801.2345", "căn cước 0010******45"),
        ("CMND 123456789 cũ", "CMND 123****89 cũ"),
        ("CMND 123 456 789", "CMND 123****89"),
    ],
)
def test_id_numbers(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thư: nguyenvana@gmail.com", "thư: n***@gmail.com"),
        ("tran.thi.b@yahoo.com.vn, cảm ơn", "t***@yahoo.com.vn, cảm ơn"),
        ("Email:An_Binh+dvc@so.hanoi.gov.vn.", "Email:A***@so.hanoi.gov.vn."),
        ("x@y.com0912345678", "x***@y.com09******78"),
    ],
)
def test_emails(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mã hồ sơ 000.00.01.H26-250708-0003 của tôi",
        "hồ sơ G22.99-230801-0001 và H26.120-251201-0456",
        "hồ sơ H26-0912345678-0003",  # a code, even though a segment looks like a phone
        "ngày 08/07/2025, 2025-07-08, 08.07.2025, 8-7-2025",
        "lệ phí 150.000.000 đồng, 2.000đ/trang, 200000đ",
        "năm 2026 có 126 xã phường",
        "mã bưu chính 100000",
        "",
        "không có số nào",
    ],
)
def test_codes_dates_and_amounts_are_untouched(text: str) -> None:
    assert mask_pii(text) == text


def test_no_masked_number_keeps_its_middle_digits() -> None:
    text = "Gọi 0912345678 hoặc +84 987 654 321, CCCD 001088012345, thư a.b@c.vn"
    masked = mask_pii(text)
    for secret in ("2345", "8765", "880123", "a.b@"):
        assert secret not in masked
    assert re.findall(r"\d+\*+\d+", masked) == ["09******78", "09******21", "0010******45"]


def test_hostile_input_does_not_crash_and_stays_masked() -> None:
    emoji = "👵🏻📱 bác gọi 0912345678 🙏\u202e\u0000\x07"
    assert "09******78" in mask_pii(emoji)
    huge = ("xin chào 0912345678 " * 50_000) + "@" * 100_000 + "a." * 100_000
    masked = mask_pii(huge)
    assert "0912345678" not in masked
    assert masked.count("09******78") == 50_000
    assert mask_pii("0" * 500_000) == "0" * 500_000  # no phone boundary inside a digit wall


def test_clean_text_removes_control_and_bidi_characters_and_truncates() -> None:
    assert clean_text("  a\x00b\x1bc\u202ed\u200be\n f\t ") == "abcde\n f"
    assert clean_text("👨‍👩‍👧 gia đình") == "👨‍👩‍👧 gia đình"  # zero-width joiner kept
    decomposed = "Hoa\u0300n Kie\u0302\u0301m"  # NFD
    assert clean_text(decomposed) == "Hoàn Kiếm"
    long = clean_text("x" * 50, 10)
    assert long == "x" * 9 + "…" and len(long) == 10


@pytest.mark.parametrize(
    ("raw", "normal", "masked"),
    [
        ("0912345678", "0912345678", "09******78"),
        ("+84 912 345 678", "0912345678", "09******78"),
        ("02438251234", "02438251234", "02*******34"),
        ("12345", None, "***45"),
        ("abc", None, "***"),
        ("", None, ""),
    ],
)
def test_phone_field(raw: str, normal: str | None, masked: str) -> None:
    assert normalize_phone(raw) == normal
    assert mask_phone(raw) == masked


def test_mask_phone_none() -> None:
    assert mask_phone(None) is None


def test_sender_key_is_keyed_stable_and_channel_specific() -> None:
    a = sender_key("zalo", "123456", secret="s1")
    assert a == sender_key(" Zalo ", "123456 ", secret="s1")
    assert len(a) == 64 and "123456" not in a
    assert a != sender_key("webchat", "123456", secret="s1")
    assert a != sender_key("zalo", "123456", secret="s2")


def test_sender_key_needs_a_real_secret_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEEDBACK_SENDER_KEY_SECRET", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError):
        sender_key("zalo", "1")
    monkeypatch.setenv("FEEDBACK_SENDER_KEY_SECRET", "from-the-vault")
    assert sender_key("zalo", "1") == sender_key("zalo", "1", secret="from-the-vault")
