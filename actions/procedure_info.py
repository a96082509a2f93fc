"""Answers about a procedure: summary, documents, fee, time, where to file."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, emit, entity, latest
from bot.dialogue import procedures
from bot.procedures import default_catalog


class ActionProcedureInfo(GuardedAction):
    def name(self) -> str:
        return "action_procedure_info"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent, text, _ = latest(tracker)
        outcome = procedures.answer(
            default_catalog(),
            intent=intent,
            procedure_id=entity(tracker, "procedure_id"),
            mentioned=entity(tracker, "procedure"),
            message=text if not text.startswith("/") else "",
            previous_id=tracker.get_slot("procedure_id"),
            pending=tracker.get_slot("pending_question"),
        )
        return emit(dispatcher, outcome, tracker=tracker)
