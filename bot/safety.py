"""Spotting secrets a citizen should never share: OTP codes and passwords.

The assistant never asks for them. When a message looks like one, the NLU pipeline marks it
with the ``sensitive_info`` intent and the bot warns the citizen instead of answering.
"""

from __future__ import annotations

import re

from bot.nlu.text import fold

# keywords, compared without diacritics
_SECRET_WORDS = re.compile(
    r"\b(otp|ma xac (thuc|nhan|minh)|ma kich hoat|mat khau|mat ma|pass(word)?|mk|pin)\b"
)
_SHORT_CODE = re.compile(r"(?<![\d.\-/])\d{4,8}(?![\d.\-/])")
_PASSWORD_IS = re.compile(r"\b(mat khau|mat ma|pass(word)?)\b[^.?!]{0,20}\b(la|:)\s*\S{4,}")
# "mật khẩu đăng nhập của tôi abc@123": a password-looking word (letters with digits or symbols)
_PASSWORD_NEAR = re.compile(
    r"\b(mat khau|mat ma|pass(word)?)\b[^.?!]{0,40}?(?<!\S)(?=\S*[a-z])(?=\S*[\d@#$%&*!])\S{4,}"
)
# "tin nhắn báo mã 938271": a six-digit code right after "mã"
_CODE_AFTER_MA = re.compile(r"\bma\b[^\d]{0,15}(?<![\d.\-/])\d{6}(?![\d.\-/])")


def looks_sensitive(text: str) -> bool:
    """True when ``text`` seems to contain an OTP code or a password."""
    if not isinstance(text, str) or not text.strip():
        return False
    folded = fold(text[:2000])
    if _CODE_AFTER_MA.search(folded):
        return True
    if not _SECRET_WORDS.search(folded):
        return False
    if _PASSWORD_IS.search(folded) or _PASSWORD_NEAR.search(folded):
        return True
    return bool(_SHORT_CODE.search(folded))
