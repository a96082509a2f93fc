"""Turning stored rows into what staff see: labels, local times, masked personal data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.feedback import schema
from bot.feedback.store import LOCAL_TZ, StaffAccount
from bot.privacy import mask_phone

HIDDEN = "(đã ẩn)"
UNKNOWN = "(không rõ)"


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def mask_name(name: str | None) -> str | None:
    """``Nguyễn Văn Bình`` -> ``N. V. B.``"""
    if not name:
        return name
    return " ".join(part[0] + "." for part in name.split() if part)


def rating_label(value: int | None) -> str:
    return schema.RATING_LABELS.get(value, "") if value else ""


def slice_label(by: str, key: str | None, procedure_labels: Mapping[str, str]) -> str:
    if key is None:
        return UNKNOWN
    if by == "procedure":
        return procedure_labels.get(key, key)
    if by == "channel":
        return schema.CHANNEL_LABELS.get(key, key)
    if by == "month":
        year, month = key.split("-")
        return f"{month}/{year}"
    if by == "aspect":
        return schema.ASPECT_LABELS.get(key, key)
    return key


def _personal(row: Mapping[str, Any], user: StaffAccount) -> dict[str, Any]:
    allowed = user.can_see_personal_data
    phone = row.get("phone")
    return {
        "phone": (phone if allowed else mask_phone(phone)) if phone else None,
        "personal_data_visible": allowed,
    }


def _common(row: Mapping[str, Any]) -> dict[str, Any]:
    """Fields every listed item shows: id, time (UTC and Hanoi time), channel."""
    return {
        "id": row["id"],
        "created_at": row["created_at"].isoformat(),
        "created_local": local_time(row["created_at"]),
        "channel": row["channel"],
        "channel_label": schema.CHANNEL_LABELS.get(row["channel"], row["channel"]),
    }


def response_view(
    row: Mapping[str, Any], user: StaffAccount, procedure_labels: Mapping[str, str]
) -> dict[str, Any]:
    allowed = user.can_see_personal_data
    out = {
        **_common(row),
        "flow": row["flow"],
        "flow_label": schema.FLOW_LABELS.get(row["flow"], row["flow"]),
        "procedure_id": row["procedure_id"],
        "procedure_label": procedure_labels.get(row["procedure_id"] or "", row["procedure_id"]),
        "commune": row["commune"],
        "overall": row["overall"],
        "overall_label": rating_label(row["overall"]),
        "aspects": {a: row[a] for a in schema.ASPECTS},
        "comment": row["comment"],
        "consent_personal_data": row["consent_personal_data"],
        "consent_contact": row["consent_contact"],
        "home_commune": (row["home_commune"] if allowed else HIDDEN)
        if row["home_commune"]
        else None,
        "age_band": (
            schema.AGE_BAND_LABELS.get(row["age_band"], row["age_band"]) if allowed else HIDDEN
        )
        if row["age_band"]
        else None,
        "status": row["status"],
        "status_label": schema.STATUS_LABELS.get(row["status"], row["status"]),
        "handled_by": row["handled_by"],
        "handled_at": row["handled_at"].isoformat() if row["handled_at"] else None,
        "handled_local": local_time(row["handled_at"]),
        "staff_note": row["staff_note"],
    }
    out.update(_personal(row, user))
    return out


def callback_view(
    row: Mapping[str, Any], user: StaffAccount, procedure_labels: Mapping[str, str]
) -> dict[str, Any]:
    allowed = user.can_see_personal_data
    out = {
        **_common(row),
        "name": row["name"] if allowed else mask_name(row["name"]),
        "topic": row["topic"],
        "commune": row["commune"],
        "procedure_id": row["procedure_id"],
        "procedure_label": procedure_labels.get(row["procedure_id"] or "", row["procedure_id"]),
        "consent_contact": row["consent_contact"],
        "status": row["status"],
        "status_label": schema.STATUS_LABELS.get(row["status"], row["status"]),
        "handled_by": row["handled_by"],
        "handled_at": row["handled_at"].isoformat() if row["handled_at"] else None,
        "handled_local": local_time(row["handled_at"]),
        "staff_note": row["staff_note"],
    }
    out.update(_personal(row, user))
    return out
