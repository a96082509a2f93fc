"""Data types of the dossier-status adapter and the parsing of portal JSON into them."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

__all__ = [
    "Dossier",
    "DossierStatus",
    "PortalDataError",
    "ResultKind",
    "StatusResult",
    "clean_text",
    "decode_json",
    "dossier_validator",
    "error_code_of",
    "parse_dossier",
]

_HERE = Path(__file__).resolve().parent


class DossierStatus(str, Enum):
    """Status of a dossier, as the portal API v1 names it (see docs/PORTAL_API.md)."""

    RECEIVED = "received"
    PROCESSING = "processing"
    NEED_MORE_DOCUMENTS = "need_more_documents"
    READY_FOR_PICKUP = "ready_for_pickup"
    RESULT_SENT = "result_sent"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """Short Vietnamese label, e.g. for a dashboard column."""
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """True while the agency still has to act (used to detect overdue dossiers)."""
        return self in (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


_LABELS = {
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.NEED_MORE_DOCUMENTS: "Cần bổ sung giấy tờ",
    DossierStatus.READY_FOR_PICKUP: "Có kết quả, chờ nhận",
    DossierStatus.RESULT_SENT: "Đã gửi kết quả",
    DossierStatus.COMPLETED: "Đã hoàn thành",
    DossierStatus.REJECTED: "Không được giải quyết",
    DossierStatus.WITHDRAWN: "Đã rút hồ sơ",
}


class ResultKind(str, Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    INVALID_CODE = "invalid_code"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Dossier:
    code: str
    procedure_name: str
    status: DossierStatus
    received_date: date
    agency_name: str
    appointment_date: date | None = None
    note: str | None = None
    missing_documents: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StatusResult:
    """Outcome of a status look-up.

    ``code`` is the canonical code (None when the input was not a valid code); ``dossier`` is set
    only for FOUND; ``reason`` is a short machine-readable cause for logs and metrics
    (e.g. ``"timeout"``, ``"http_503"``, ``"bad_json"``), never shown to citizens.
    """

    kind: ResultKind
    code: str | None = None
    dossier: Dossier | None = None
    reason: str | None = None


class PortalDataError(ValueError):
    """The portal answered something that does not follow the contract."""


@cache
def _validator(name: str) -> Draft7Validator:
    schema = json.loads((_HERE / name).read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def dossier_validator() -> Draft7Validator:
    return _validator("dossier.schema.json")


def error_validator() -> Draft7Validator:
    return _validator("error.schema.json")


_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Drop control and format characters (incl. bidi overrides), collapse whitespace."""
    text = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in value
        if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _iso_date(value: str, field_name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PortalDataError(f"{field_name} is not a calendar date") from exc


def decode_json(body: bytes) -> Any:
    """Decode a JSON body; any decoding problem becomes PortalDataError."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, nesting
        raise PortalDataError("body is not valid UTF-8 JSON") from exc


def parse_dossier(payload: Any) -> Dossier:
    """Turn a decoded 200 body into a Dossier; raise PortalDataError if it breaks the schema."""
    errors = sorted(dossier_validator().iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(root)"
        raise PortalDataError(f"schema violation at {where}: {errors[0].validator}")
    appointment = payload.get("appointment_date")
    note = payload.get("note")
    procedure_name = clean_text(payload["procedure_name"])
    agency_name = clean_text(payload["agency_name"])
    if not procedure_name or not agency_name:
        raise PortalDataError("procedure_name or agency_name is blank")
    return Dossier(
        code=payload["code"],
        procedure_name=procedure_name,
        status=DossierStatus(payload["status"]),
        received_date=_iso_date(payload["received_date"], "received_date"),
        agency_name=agency_name,
        appointment_date=_iso_date(appointment, "appointment_date") if appointment else None,
        note=(clean_text(note) or None) if note else None,
        missing_documents=tuple(
            text for text in (clean_text(d) for d in payload.get("missing_documents", [])) if text
        ),
    )


def error_code_of(payload: Any) -> str | None:
    """The ``error.code`` of an error body, or None if the body is not a contract error."""
    if not error_validator().is_valid(payload):
        return None
    code = payload["error"]["code"]
    return code if isinstance(code, str) else None
