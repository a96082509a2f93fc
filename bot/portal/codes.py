"""Dossier codes ("mã hồ sơ") of Vietnamese one-stop administrative procedures.

Format (Thông tư 01/2018/TT-VPCP, Article 19): ``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX``

- ``V1V2V3.Z1Z2.Y1Y2.MX1X2``: electronic identifier of the receiving agency (level-4, level-3 and
  level-2 digits, then the level-1 code: a letter and two digits, e.g. ``H26`` for a provincial
  People's Committee), as defined by QCVN 102:2016/BTTTT and Quyết định 20/2020/QĐ-TTg;
- ``YYMMDD``: the receipt date;
- ``XXXX``: the sequence number of the dossier received that day.

Example: ``000.00.01.H26-250708-0003``. Sources and caveats: docs/PORTAL_API.md.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

__all__ = ["DOSSIER_CODE_PATTERN", "EXAMPLE_CODE", "find_code", "normalize_code", "today_vn"]

#: Canonical code, as a plain ``re`` pattern for Rasa regex training data. It matches the code as
#: printed on the receipt; :func:`normalize_code` also accepts the sloppier forms people type.
DOSSIER_CODE_PATTERN = r"\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4}"

#: A well-formed code to show people (the one used in the project's docs).
EXAMPLE_CODE = "000.00.01.H26-250708-0003"

VIETNAM_TZ = timezone(timedelta(hours=7))  # Vietnam has no daylight saving time.

_MAX_CODE_INPUT = 200  # a code with generous padding; longer input is not "a code"

# Hyphen look-alikes that phone keyboards and copy-paste produce (NFKC leaves these alone).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043", "-"))
_STRIP_CHARS = " \t\r\n\u00a0.,;:!?\"'`()[]{}<>«»“”‘’*_#"

_DOT = r"(?:\s{0,2}[.,]\s{0,2}|\s{1,2})"  # "000.00" / "000. 00" / "000,00" / "000 00"
_PART = r"[\s.]{0,3}-?[\s.]{0,3}"  # "-" / " - " / ".-" / "." / " " / nothing
_LENIENT = (
    r"([0-9]{3})" + _DOT + r"([0-9]{2})" + _DOT + r"([0-9]{2})" + _DOT + r"([A-Za-z][0-9]{2})"
    r"" + _PART + r"([0-9]{2})([0-9]{2})([0-9]{2})" + _PART + r"([0-9]{4})"
)
_FULL_RE = re.compile(_LENIENT)
_SEARCH_RE = re.compile(r"(?<![0-9A-Za-z])" + _LENIENT + r"(?![0-9])")


def _prepare(text: str) -> str:
    # NFKC turns full-width digits, letters, dots and hyphens into ASCII ones.
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def today_vn() -> date:
    """Today's date in Vietnam."""
    return datetime.now(VIETNAM_TZ).date()


def _canonical(match: re.Match[str], today: date | None) -> str | None:
    lvl4, lvl3, lvl2, lvl1, yy, mm, dd, seq = match.groups()
    try:
        received = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:  # 31 February, month 13...
        return None
    # A receipt date after today is impossible; one day of slack for clocks and time zones.
    if received > (today or today_vn()) + timedelta(days=1):
        return None
    if seq == "0000":  # sequence numbers start at 0001
        return None
    return f"{lvl4}.{lvl3}.{lvl2}.{lvl1.upper()}-{yy}{mm}{dd}-{seq}"


def normalize_code(text: object, *, today: date | None = None) -> str | None:
    """Return the canonical upper-case dossier code, or None if ``text`` is not a valid code.

    Tolerates lower case, surrounding spaces and punctuation, spaces or dots typed around the
    hyphens, full-width characters; rejects impossible receipt dates (e.g. 31/02 or a future day).
    ``today`` (Vietnam time by default) is injectable for tests.
    """
    if not isinstance(text, str) or len(text) > _MAX_CODE_INPUT:
        return None
    match = _FULL_RE.fullmatch(_prepare(text).strip(_STRIP_CHARS))
    return _canonical(match, today) if match else None


def find_code(text: object, *, today: date | None = None) -> str | None:
    """Find the first valid dossier code inside a sentence; return it canonical, or None."""
    if not isinstance(text, str):
        return None
    for match in _SEARCH_RE.finditer(_prepare(text)):
        code = _canonical(match, today)
        if code:
            return code
    return None
