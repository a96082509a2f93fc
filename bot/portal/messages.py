"""Plain Vietnamese answers about a dossier look-up, for a citizen addressed as "bác"."""

from __future__ import annotations

import os
import re
from datetime import date

from bot.portal.codes import EXAMPLE_CODE, today_vn
from bot.portal.models import Dossier, DossierStatus, ResultKind, StatusResult

__all__ = ["MAX_MESSAGE_CHARS", "describe", "format_date"]

MAX_MESSAGE_CHARS = 300

_HOTLINE_RE = re.compile(r"^[0-9][0-9 .]{1,18}[0-9]$")

_STATUS_SENTENCE = {
    DossierStatus.RECEIVED: "đã được tiếp nhận, đang chờ cán bộ xử lý",
    DossierStatus.PROCESSING: "đang được cán bộ giải quyết",
    DossierStatus.NEED_MORE_DOCUMENTS: "cần bổ sung giấy tờ",
    DossierStatus.READY_FOR_PICKUP: "đã có kết quả, bác có thể đến nhận",
    DossierStatus.RESULT_SENT: "đã có kết quả và kết quả đã được gửi cho bác",
    DossierStatus.COMPLETED: "đã giải quyết xong và đã trả kết quả",
    DossierStatus.REJECTED: "không được giải quyết",
    DossierStatus.WITHDRAWN: "đã được rút, không còn được giải quyết",
}


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:.") + "…"


def _hotline(explicit: str | None) -> str | None:
    value = (explicit if explicit is not None else os.environ.get("PORTAL_HOTLINE", "")).strip()
    return value if _HOTLINE_RE.match(value) else None


def _ask_office(agency: str | None, hotline: str | None) -> str:
    office = (
        f"bộ phận một cửa của {_cut(agency, 80)}"
        if agency
        else "bộ phận một cửa nơi bác đã nộp hồ sơ"
    )
    return f"gọi số {hotline} hoặc hỏi {office}" if hotline else f"hỏi {office}"


def _found(dossier: Dossier, today: date, hotline: str | None) -> list[str]:
    status = dossier.status
    agency = _cut(dossier.agency_name, 80)
    head = f"Hồ sơ {dossier.code} ({_cut(dossier.procedure_name, 80)}) {_STATUS_SENTENCE[status]}"
    if status is DossierStatus.NEED_MORE_DOCUMENTS and dossier.missing_documents:
        head += ": " + _cut("; ".join(dossier.missing_documents), 150)
    messages = [head + "."]
    note = _cut(dossier.note, 200) if dossier.note else None
    overdue = bool(status.is_open and dossier.appointment_date and dossier.appointment_date < today)

    if status.is_open and dossier.appointment_date:
        when = format_date(dossier.appointment_date)
        if overdue:
            messages.append(
                f"Hồ sơ đã quá ngày hẹn trả kết quả ({when}). "
                f"Bác nên {_ask_office(agency, hotline)} để biết lý do."
            )
        else:
            messages.append(f"Ngày hẹn trả kết quả: {when}. Bác chưa cần làm gì thêm.")
    elif status is DossierStatus.NEED_MORE_DOCUMENTS:
        messages.append(
            "Bác vào mục Hồ sơ của tôi trên Cổng dịch vụ công để nộp bổ sung, "
            f"hoặc mang giấy tờ đến bộ phận một cửa của {agency}."
        )
    elif status is DossierStatus.READY_FOR_PICKUP:
        messages.append(
            f"Bác mang giấy hẹn trả kết quả và thẻ căn cước đến bộ phận một cửa của {agency} "
            "để nhận kết quả nhé."
        )
    elif status is DossierStatus.RESULT_SENT:
        messages.append(
            "Bác xem bản điện tử trong mục Hồ sơ của tôi trên Cổng dịch vụ công, "
            "hoặc chờ bưu điện giao bản giấy nếu bác đã chọn nhận qua bưu điện."
        )
    elif status is DossierStatus.REJECTED:
        reason = f"Lý do: {note} " if note else ""
        note = None
        messages.append(
            f"{reason}Nếu chưa rõ, bác {_ask_office(agency, None)} để được giải thích, "
            "rồi nộp lại khi đủ giấy tờ."
        )
    elif status is DossierStatus.COMPLETED:
        messages.append(
            f"Nếu bác chưa nhận được kết quả, bác hỏi bộ phận một cửa của {agency} nhé."
        )
    elif status is DossierStatus.WITHDRAWN:
        messages.append("Nếu bác vẫn cần làm thủ tục này, bác nộp hồ sơ mới nhé.")

    if note:
        messages.append(f"Ghi chú của cơ quan giải quyết: {note}")
    return messages


def describe(
    result: StatusResult, *, today: date | None = None, hotline: str | None = None
) -> list[str]:
    """Short polite Vietnamese messages (each ≤ 300 characters) for a look-up result.

    ``hotline`` (digits only) is offered when the portal is down or a dossier is overdue; by
    default it comes from env ``PORTAL_HOTLINE`` and is left out when unset or malformed.
    ``today`` (Vietnam time by default) decides whether an open dossier is overdue.
    """
    line = _hotline(hotline)
    if result.kind is ResultKind.FOUND and result.dossier is not None:
        messages = _found(result.dossier, today or today_vn(), line)
    elif result.kind is ResultKind.NOT_FOUND:
        messages = [
            f"Không tìm thấy hồ sơ có mã {result.code}."
            if result.code
            else "Không tìm thấy hồ sơ có mã này.",
            "Bác xem lại mã trên giấy tiếp nhận hồ sơ hoặc tin nhắn của Cổng dịch vụ công rồi "
            "gửi lại nhé. Nếu mã đúng mà vẫn không thấy, bác hỏi bộ phận một cửa "
            "nơi bác đã nộp hồ sơ.",
        ]
    elif result.kind is ResultKind.INVALID_CODE:
        messages = [
            f"Mã hồ sơ chưa đúng. Mã hồ sơ có dạng {EXAMPLE_CODE}: mã cơ quan, "
            "ngày nộp (năm, tháng, ngày) và số thứ tự.",
            "Bác xem mã trên giấy tiếp nhận hồ sơ hoặc tin nhắn của Cổng dịch vụ công "
            "rồi gõ lại giúp nhé.",
        ]
    else:  # UNAVAILABLE (or a FOUND without a dossier, which should not happen)
        which = f" hồ sơ {result.code}" if result.code else ""
        messages = [
            f"Hệ thống tra cứu đang chậm hoặc tạm gián đoạn nên chưa xem được{which}. "
            "Bác thử lại sau ít phút nhé.",
            f"Nếu cần gấp, bác {_ask_office(None, line)}.",
        ]
    return [_cut(message, MAX_MESSAGE_CHARS) for message in messages]
