"""The step-by-step online-filing guide: one short step per message.

State lives in two slots: ``guide_step`` (index of the step shown last) and
``guide_procedure_id``. The citizen may leave the guide to ask something else; the slots stay,
and "Tiếp" (or "tiếp tục") resumes at the next step.
"""

from __future__ import annotations

from bot.dialogue.replies import TALK_TO_HUMAN, Button, Outcome
from bot.procedures import Catalog, guide_steps

NEXT = Button("Tiếp", "/guide_next")
REPEAT = Button("Nhắc lại", "/repeat")
BACK = Button("Quay lại", "/guide_back")


def resume_button(step: int) -> Button:
    return Button(f"Tiếp tục hướng dẫn (bước {step + 2})", "/guide_next")


def _steps(catalog: Catalog, procedure_id: str | None) -> list[str]:
    procedure = catalog.get(procedure_id) if procedure_id and procedure_id in catalog else None
    return guide_steps(procedure, catalog.guide)


def _show(steps: list[str], index: int, procedure_id: str | None) -> Outcome:
    outcome = Outcome()
    buttons = [NEXT, REPEAT] + ([BACK] if index > 0 else []) + [TALK_TO_HUMAN]
    outcome.say(steps[index], buttons, simple=steps[index].split(". ")[0] + ".")
    outcome.slots.update(
        guide_step=float(index), guide_procedure_id=procedure_id, last_flow="online_guide"
    )
    return outcome


def start(catalog: Catalog, procedure_id: str | None) -> Outcome:
    """Begin the guide (for one procedure when known)."""
    steps = _steps(catalog, procedure_id)
    intro = Outcome()
    name = ""
    if procedure_id and procedure_id in catalog:
        name = f" {catalog.get(procedure_id).title.lower()}"
    intro.say(
        f"Dạ, cháu hướng dẫn bác nộp hồ sơ{name} trên điện thoại, từng bước một. "
        'Xong mỗi bước, bác bấm "Tiếp".'
    )
    shown = _show(steps, 0, procedure_id)
    intro.replies.extend(shown.replies)
    intro.slots.update(shown.slots)
    return intro


def move(catalog: Catalog, step: float | None, procedure_id: str | None, delta: int) -> Outcome:
    """Next (``delta`` 1) or previous (-1) step; finishing ends the guide."""
    steps = _steps(catalog, procedure_id)
    if step is None:
        return start(catalog, procedure_id)
    index = int(step) + delta
    if index < 0:
        index = 0
    if index >= len(steps):
        return finish()
    return _show(steps, index, procedure_id)


def finish() -> Outcome:
    outcome = Outcome()
    outcome.say(
        "Dạ, bác đã xem hết các bước. Khi nộp xong, bác giữ lại mã hồ sơ để tra cứu nhé. "
        "Bác thấy cháu hướng dẫn có dễ hiểu không ạ?",
        [Button("Đánh giá", "/give_feedback"), Button("Không, cảm ơn", "/skip"), TALK_TO_HUMAN],
        simple="Bác đã xem hết hướng dẫn. Bác nhớ giữ mã hồ sơ nhé.",
    )
    outcome.slots.update(guide_step=None, guide_procedure_id=None, last_flow="online_guide")
    return outcome
