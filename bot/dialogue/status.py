"""Dossier status by mã hồ sơ, through the portal client."""

from __future__ import annotations

from bot.dialogue.replies import ASK_PROCEDURE, TALK_TO_HUMAN, Button, Outcome
from bot.portal.client import PortalClient
from bot.portal.codes import EXAMPLE_CODE, find_code

ASK_CODE = (
    "Dạ, bác gửi cháu mã hồ sơ nhé. Mã có dạng {example}, in trên giấy hẹn trả kết quả "
    "hoặc trong tin nhắn, thư điện tử khi bác nộp hồ sơ."
)
FEEDBACK_OR_MORE = [Button("Đánh giá", "/give_feedback"), ASK_PROCEDURE, TALK_TO_HUMAN]


def ask_for_code(invalid: str | None = None) -> Outcome:
    outcome = Outcome()
    if invalid:
        outcome.say(
            "Dạ, mã bác gửi chưa đúng dạng mã hồ sơ. "
            f"Mã đúng có dạng {EXAMPLE_CODE}. Bác kiểm tra lại giúp cháu nhé.",
            [TALK_TO_HUMAN],
            simple="Mã chưa đúng. Bác gõ lại mã hồ sơ nhé.",
        )
    else:
        outcome.say(
            ASK_CODE.format(example=EXAMPLE_CODE),
            [TALK_TO_HUMAN],
            simple="Bác gõ mã hồ sơ trên giấy hẹn giúp cháu.",
        )
    outcome.slots.update(awaiting="dossier_code")
    return outcome


def looks_like_code_attempt(text: str) -> bool:
    """Digits enough to be a (mistyped) code rather than a question."""
    return sum(ch.isdigit() for ch in text) >= 6


async def check(client: PortalClient, *, entity: str | None, message: str) -> Outcome:
    """Look the code up, or ask for it."""
    from bot.portal.client import describe

    code = find_code(entity or "") or find_code(message)
    if code is None:
        attempt = entity or (message if looks_like_code_attempt(message) else None)
        return ask_for_code(invalid=attempt)
    result = await client.get_status(code)
    outcome = Outcome()
    messages = describe(result)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        outcome.say(text, FEEDBACK_OR_MORE if last else None)
    outcome.slots.update(dossier_code=code, awaiting=None, last_flow="status")
    return outcome
