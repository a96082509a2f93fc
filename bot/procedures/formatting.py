"""Chat messages about a procedure: short, polite, addressed to "bác".

Each function returns one chat bubble. Bubbles stay within about 300 characters, except the
documents checklist, which is one forwardable message and may be longer when the list demands.

Uncertain facts: a fee or a processing time marked ``uncertain`` is never stated as fact; the
bubble says the assistant is not sure and links the official page. For documents, agency and
where to file, the known part is shown and followed by the same "not sure" line.
"""

from __future__ import annotations

from bot.procedures.schema import Procedure

BUBBLE_LIMIT = 300

_ONLINE_LEVELS = {
    "toàn trình": "toàn trình (làm hết trên mạng)",
    "một phần": "một phần (có bước phải đến trực tiếp)",
    "không": "chưa được, bác cần đến trực tiếp",
}


def unsure(
    topic: str, procedure: Procedure, note: str | None = None, *, name_it: bool = True
) -> str:
    """The standard "I am not sure" sentence with the official link.

    ``name_it=False`` leaves out the procedure's name, for bubbles that already name it.
    """
    about = f"{topic} của thủ tục {procedure.title.lower()}" if name_it else topic
    parts = [f"Cháu chưa chắc chắn về {about}."]
    if note:
        parts.append(note)
    parts.append(f"Bác xem thông tin chính thức tại: {procedure.source_url}")
    return " ".join(parts)


def _unsure_fitting(
    topic: str, procedure: Procedure, note: str | None, room: int, *, name_it: bool = True
) -> str:
    """``unsure`` with its note when that fits in ``room`` characters, else without the note."""
    full = unsure(topic, procedure, note, name_it=name_it)
    return full if len(full) <= room else unsure(topic, procedure, name_it=name_it)


def _join_fitting(required: list[str], optional: list[str], limit: int = BUBBLE_LIMIT) -> str:
    """Join lines; optional lines are added in order only while the bubble stays in ``limit``."""
    lines = list(required)
    for line in optional:
        if len("\n".join([*lines, line])) <= limit:
            lines.append(line)
    return "\n".join(lines)


def format_documents(procedure: Procedure) -> str:
    """Numbered checklist of documents, as one message a relative can forward."""
    docs = procedure.documents
    lines = [f"Giấy tờ làm thủ tục {procedure.title.lower()}, bác chuẩn bị giúp cháu:"]
    lines += [f"{number}. {item}" for number, item in enumerate(docs.items, start=1)]
    if docs.note:
        lines.append(f"Lưu ý: {docs.note}")
    if docs.uncertain:
        lines.append(unsure("giấy tờ", procedure, docs.uncertain, name_it=False))
    return "\n".join(lines)


def format_fee(procedure: Procedure) -> str:
    """Fee, exemptions and online-filing note; an uncertain fee is not stated as fact."""
    fees = procedure.fees
    if fees.uncertain:
        return _unsure_fitting("lệ phí", procedure, fees.uncertain, BUBBLE_LIMIT)
    optional = []
    if fees.exemptions:
        optional.append("Được miễn: " + "; ".join(fees.exemptions) + ".")
    if fees.online_note:
        optional.append(fees.online_note)
    return _join_fitting([f"Lệ phí thủ tục {procedure.title.lower()}: {fees.amount}"], optional)


def format_time(procedure: Procedure) -> str:
    """Processing time; an uncertain time is not stated as fact."""
    time = procedure.processing_time
    if time.uncertain:
        return _unsure_fitting("thời gian giải quyết", procedure, time.uncertain, BUBBLE_LIMIT)
    return f"Thời gian giải quyết thủ tục {procedure.title.lower()}: {time.text}"


def format_where(procedure: Procedure) -> str:
    """Competent agency, where and how to file, and the online level."""
    agency, where = procedure.agency, procedure.where
    notes = " ".join(note for note in (agency.uncertain, where.uncertain) if note)
    for level_text in (_ONLINE_LEVELS[where.online_level], where.online_level):
        required = [
            f"Nơi giải quyết: {agency.name}.",
            "Cách nộp:",
            *(f"- {channel}" for channel in where.channels),
            f"Nộp trực tuyến: {level_text}.",
        ]
        if notes:
            room = BUBBLE_LIMIT - len("\n".join(required)) - 1
            required.append(_unsure_fitting("nơi nộp", procedure, notes, room, name_it=False))
        if len("\n".join(required)) <= BUBBLE_LIMIT:
            break
    optional = [f"Nơi nhận hồ sơ: {agency.receives}." if agency.receives else "", where.note or ""]
    return _join_fitting(required, [line for line in optional if line])


def format_summary(procedure: Procedure) -> str:
    """What the procedure is and who handles it, one line each."""
    return f"{procedure.title}: {procedure.summary}\nCơ quan giải quyết: {procedure.agency.name}."


def format_source(procedure: Procedure) -> str:
    """Official link and the date the facts were last checked."""
    checked = procedure.last_verified.strftime("%d/%m/%Y")
    return (
        f"Thông tin chính thức về thủ tục {procedure.title.lower()}: {procedure.source_url}\n"
        f"(Cháu cập nhật ngày {checked}.)"
    )


def format_notes(procedure: Procedure) -> list[str]:
    """Extra tips for the procedure, one short bubble each (may be empty)."""
    return [f"Lưu ý: {note}" for note in procedure.notes]
