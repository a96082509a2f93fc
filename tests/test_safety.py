"""OTP codes and passwords are spotted; ordinary numbers are not."""

from __future__ import annotations

import pytest

from bot.safety import looks_sensitive


@pytest.mark.parametrize(
    "text",
    [
        "mã otp của tôi là 482913",
        "ma otp 559201",
        "mật khẩu vneid của bác là hoa123456",
        "mat khau la minh1956",
        "đây là mật khẩu đăng nhập của tôi abc@123",
        "tin nhắn báo mã 938271 là gì thế",
        "mã xác thực là 730194 cháu xem giúp",
        "pass của tôi là minh1956",
        "mã pin 1234",
        "mã kích hoạt VNeID là 613094",
        "mã đây cháu 096312",
    ],
)
def test_secrets_are_spotted(text: str) -> None:
    assert looks_sensitive(text)


@pytest.mark.parametrize(
    "text",
    [
        "otp là gì vậy cháu",
        "quên mật khẩu vneid thì làm sao",
        "hồ sơ 000.00.01.H26-250708-0003 đến đâu rồi",
        "số điện thoại của tôi 0912345678",
        "lệ phí 50000 đồng phải không",
        "mã hồ sơ 000.00.12.H26-261120-0021",
        "ngày 15/01/2026",
        "",
        "x" * 10_000,
    ],
)
def test_ordinary_messages_are_not_flagged(text: str) -> None:
    assert not looks_sensitive(text)
