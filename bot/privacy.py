"""Masking of personal data in free text, and pseudonymous sender keys.

`mask_pii` hides Vietnamese phone numbers, 12-digit citizen ID numbers (CCCD), 9-digit old ID
numbers (CMND) and e-mail addresses in citizens' free text, keeping a short hint so staff can
still tell two numbers apart (``09******78``, ``0010******45``, ``n***@gmail.com``). It leaves
dossier codes (``000.00.01.H26-250708-0003``), dates and money amounts alone.

All patterns use bounded quantifiers and ASCII digit classes, so masking stays linear in the
length of the text even on hostile input.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata

__all__ = [
    "clean_text",
    "mask_email",
    "mask_phone",
    "mask_pii",
    "normalize_phone",
    "sender_key",
]

# A number must not touch another digit. Dossier codes are protected separately (see _CODE_RE).
_LEFT = r"(?<![0-9])"
_RIGHT = r"(?![0-9])"
_SEP = r"(?:[ .\-]|\) ?)?"  # one separator; ")" closes a bracketed area code: (024) 3825 1234

# Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 02 + 9 digits. International: +84 / 84 / (+84).
_PHONE_RE = re.compile(
    _LEFT
    + r"(?P<phone>"
    + r"(?:(?:\(\+?84\)|\+84|(?<![+])84)"
    + _SEP
    + r"(?:\(0\)"
    + _SEP
    + r")?(?P<intl>[35789](?:"
    + _SEP
    + r"[0-9]){8}|2(?:"
    + _SEP
    + r"[0-9]){9}))"
    + r"|\(?(?P<nat>0[35789](?:"
    + _SEP
    + r"[0-9]){8}|02(?:"
    + _SEP
    + r"[0-9]){9})"
    + r")"
    + _RIGHT
)
# 12-digit CCCD: contiguous, or (starting with a 0xx province code, so that a dotted money
# amount is left alone) in groups of three or four separated by single spaces or dots.
_CCCD_RE = re.compile(
    _LEFT + r"(?P<id>[0-9]{12}|0[0-9]{2}(?:[ .][0-9]{3}){3}|0[0-9]{3}(?:[ .][0-9]{4}){2})" + _RIGHT
)
# 9-digit CMND: contiguous or 3-3-3 with spaces (dots would be a money amount: 150.000.000).
_CMND_RE = re.compile(_LEFT + r"(?P<id>[0-9]{9}|[0-9]{3} [0-9]{3} [0-9]{3})" + _RIGHT)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9._%+\-]{1,64})@"
    r"(?P<domain>[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,7}\.[A-Za-z]{2,24})(?![A-Za-z\-])"
)
# Control characters except tab and newline, plus bidi overrides and zero-width tricks.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Dossier codes and similar identifiers: segments joined by . - / _ where one segment is a
# short letters+digits block (H26, G22, 01H), e.g. 000.00.01.H26-250708-0003. Left unmasked.
_CODE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{1,40}(?:[.\-_/][A-Za-z0-9]{1,40}){1,12}")
_CODE_SEGMENT_RE = re.compile(r"[A-Za-z]{1,4}[0-9]{1,4}|[0-9]{1,4}[A-Za-z]{1,4}")
_NON_ASCII_DIGIT_RE = re.compile(r"[^\x00-\x7f]")


def _ascii_digits(text: str) -> str:
    """Map non-ASCII decimal digits (e.g. full-width ０-９) to ASCII, one char for one char."""
    if not _NON_ASCII_DIGIT_RE.search(text):
        return text
    out = []
    for ch in text:
        if ch > "\x7f":
            value = unicodedata.decimal(ch, None)
            if value is not None:
                out.append(str(value))
                continue
        out.append(ch)
    return "".join(out)


def _hint(digits: str, head: int, tail: int = 2) -> str:
    return digits[:head] + "*" * max(len(digits) - head - tail, 1) + digits[-tail:]


def normalize_phone(phone: str | None) -> str | None:
    """Return a Vietnamese phone number in national form (0xxxxxxxxx), or None if not one."""
    if not phone:
        return None
    text = _ascii_digits(phone.strip())
    if len(text) > 40:
        return None
    match = _PHONE_RE.fullmatch(text)
    if not match:
        return None
    return _national(match)


def _national(match: re.Match[str]) -> str:
    if match.group("intl"):
        return "0" + re.sub(r"[^0-9]", "", match.group("intl"))
    return re.sub(r"[^0-9]", "", match.group("nat"))


def mask_phone(phone: str | None) -> str | None:
    """Mask a stored phone field: ``0912345678`` -> ``09******78``.

    Anything that is not a recognisable Vietnamese number is masked entirely but for its last
    two digits, so a malformed value never leaks.
    """
    if phone is None:
        return None
    national = normalize_phone(phone)
    if national:
        return _hint(national, 2)
    digits = re.sub(r"[^0-9]", "", _ascii_digits(phone))
    if len(digits) <= 2:
        return "***" if phone.strip() else ""
    return "*" * min(len(digits) - 2, 12) + digits[-2:]


def mask_email(address: str) -> str:
    """``nguyenvana@gmail.com`` -> ``n***@gmail.com``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def clean_text(text: str, max_length: int | None = None) -> str:
    """NFC-normalise, drop control/bidi characters (keeping tab and newline), trim, truncate."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", text).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def mask_pii(text: str) -> str:
    """Mask phone, CCCD/CMND numbers and e-mail addresses in free text.

    Non-ASCII digits are read as digits (a full-width phone number is masked too); everything
    else in the text is kept as it was.
    """
    if not text:
        return text
    scan = _ascii_digits(text)
    # Work on `scan` (same length as text), but copy untouched stretches from the original.
    spans: list[tuple[int, int, str]] = []

    occupied = bytearray(len(scan))  # 1 where an earlier match or a dossier code sits

    def taken(start: int, end: int) -> bool:
        return occupied.find(1, start, end) != -1

    def occupy(start: int, end: int) -> None:
        occupied[start:end] = b"\x01" * (end - start)

    for m in _EMAIL_RE.finditer(scan):
        spans.append((m.start(), m.end(), mask_email(m.group(0))))
        occupy(m.start(), m.end())
    for m in _CODE_RE.finditer(scan):
        segments = re.split(r"[.\-_/]", m.group(0))
        if any(_CODE_SEGMENT_RE.fullmatch(seg) for seg in segments) and not taken(*m.span()):
            occupy(m.start(), m.end())
    for m in _PHONE_RE.finditer(scan):
        if not taken(*m.span()):
            spans.append((m.start(), m.end(), _hint(_national(m), 2)))
            occupy(*m.span())
    for m in _CCCD_RE.finditer(scan):
        if not taken(*m.span()):
            spans.append((m.start(), m.end(), _hint(re.sub(r"[^0-9]", "", m.group("id")), 4)))
            occupy(*m.span())
    for m in _CMND_RE.finditer(scan):
        if not taken(*m.span()):
            spans.append((m.start(), m.end(), _hint(re.sub(r"[^0-9]", "", m.group("id")), 3)))
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, replacement in spans:
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# Development fallback only; production (APP_ENV=production) must set FEEDBACK_SENDER_KEY_SECRET.
_DEV_SENDER_SECRET = "dev-only-sender-key-secret"  # noqa: S105


def sender_key(channel: str, sender_id: str, secret: str | None = None) -> str:
    """Pseudonymous key for a citizen: HMAC-SHA256 of channel and sender id.

    The secret comes from ``FEEDBACK_SENDER_KEY_SECRET``; keep it stable, because a citizen's
    delete request is matched by recomputing this key. A keyed hash (not a bare SHA-256) keeps
    the key from being reversed by hashing every possible Zalo user id.
    """
    key = secret or os.environ.get("FEEDBACK_SENDER_KEY_SECRET")
    if not key:
        if os.environ.get("APP_ENV", "").lower() == "production":
            raise RuntimeError("FEEDBACK_SENDER_KEY_SECRET must be set when APP_ENV=production")
        key = _DEV_SENDER_SECRET
    message = f"{channel.strip().lower()}\x1f{sender_id.strip()}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
