"""Questions about a procedure: what it is, documents, fee, time, where to file.

The procedure comes, in this order, from a button the citizen pressed (``procedure_id``), the
procedure name the NLU found, the whole message matched against the catalog, or the procedure
talked about before (so "mất bao nhiêu tiền?" after "làm căn cước" is about căn cước).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogue.replies import (
    TALK_TO_HUMAN,
    Button,
    Outcome,
    intent_payload,
)
from bot.procedures import (
    Catalog,
    Procedure,
    format_documents,
    format_fee,
    format_source,
    format_summary,
    format_time,
    format_where,
)

QUESTION_BY_INTENT = {
    "ask_procedure": "summary",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_processing_time": "time",
    "ask_where_to_file": "where",
}

INTENT_BY_QUESTION = {question: intent for intent, question in QUESTION_BY_INTENT.items()}

FORMATTERS: dict[str, Callable[[Procedure], str]] = {
    "summary": format_summary,
    "documents": format_documents,
    "fee": format_fee,
    "time": format_time,
    "where": format_where,
}

FOLLOW_UPS = {
    "documents": "Giấy tờ cần có",
    "fee": "Lệ phí",
    "time": "Thời gian",
    "where": "Nộp ở đâu",
}

# Offered when the citizen has not said which procedure: the most asked-about ones.
POPULAR = ["khai_sinh", "can_cuoc", "thuong_tru", "ly_lich_tu_phap", "chung_thuc_ban_sao"]


def follow_up_buttons(procedure: Procedure, answered: str) -> list[Button]:
    buttons = [
        Button(title, intent_payload(INTENT_BY_QUESTION[q], procedure_id=procedure.id))
        for q, title in FOLLOW_UPS.items()
        if q != answered
    ][:3]
    buttons.append(
        Button(
            "Hướng dẫn nộp trực tuyến",
            intent_payload("ask_how_to_file_online", procedure_id=procedure.id),
        )
    )
    buttons.append(TALK_TO_HUMAN)
    return buttons


def resolve(
    catalog: Catalog,
    *,
    procedure_id: str | None,
    mentioned: str | None,
    message: str,
    previous_id: str | None,
) -> tuple[Procedure | None, list[Procedure]]:
    """The procedure meant, or candidates to choose from, or neither."""
    if procedure_id and procedure_id in catalog:
        return catalog.get(procedure_id), []
    for query in (mentioned, message):
        if query:
            match = catalog.match(query)
            if match.procedure is not None:
                return match.procedure, []
            if match.candidates:
                return None, list(match.candidates)
    if previous_id and previous_id in catalog:
        return catalog.get(previous_id), []
    return None, []


def choose_buttons(candidates: list[Procedure]) -> list[Button]:
    return [
        Button(p.title, intent_payload("choose_procedure", procedure_id=p.id))
        for p in candidates[:4]
    ]


def answer(
    catalog: Catalog,
    *,
    intent: str,
    procedure_id: str | None,
    mentioned: str | None,
    message: str,
    previous_id: str | None,
    pending: str | None,
) -> Outcome:
    """Answer a question about a procedure (see module docstring)."""
    question = QUESTION_BY_INTENT.get(intent) or pending or "summary"
    procedure, candidates = resolve(
        catalog,
        procedure_id=procedure_id,
        mentioned=mentioned,
        message=message,
        previous_id=previous_id,
    )
    outcome = Outcome()
    if candidates:
        names = " hay ".join(p.title.lower() for p in candidates[:3])
        outcome.say(
            "Dạ, ý bác là thủ tục nào ạ?",
            choose_buttons(candidates),
            simple=f"Bác bấm chọn một thủ tục: {names}.",
        )
        outcome.slots.update(pending_question=question, awaiting="procedure")
        return outcome
    if procedure is None:
        popular = [catalog.get(pid) for pid in POPULAR if pid in catalog]
        outcome.say(
            "Dạ, bác muốn hỏi thủ tục nào ạ? Bác bấm chọn, hoặc gõ tên thủ tục, "
            "ví dụ: làm căn cước, khai sinh cho cháu.",
            choose_buttons(popular) + [TALK_TO_HUMAN],
            simple="Bác gõ tên giấy tờ bác cần làm, ví dụ: căn cước.",
        )
        outcome.slots.update(pending_question=question, awaiting="procedure")
        return outcome
    text = FORMATTERS[question](procedure)
    if question == "where":
        # name the procedure: the citizen may have asked "nộp ở đâu?" without naming it
        text = f"{procedure.title}\n{text}"
    outcome.say(
        text,
        follow_up_buttons(procedure, question),
        simple=_simple(procedure, question),
        whole=question == "documents",
    )
    if question in ("summary", "where") and str(procedure.source_url) not in text:
        outcome.say(format_source(procedure))
    outcome.slots.update(
        procedure_id=procedure.id,
        pending_question=None,
        awaiting=None,
        last_flow="procedure_info",
    )
    return outcome


def _simple(procedure: Procedure, question: str) -> str:
    if question == "documents":
        count = len(procedure.documents.items)
        return (
            f"Bác cần {count} loại giấy tờ. Bác đọc từng dòng có số 1, 2, 3... "
            "Bác nhờ con cháu chụp lại tin nhắn để mang theo nhé."
        )
    if question == "where":
        return f"Bác đến {procedure.agency.name} để làm thủ tục này ạ."
    return f"Thủ tục {procedure.title.lower()} do {procedure.agency.name} giải quyết ạ."
