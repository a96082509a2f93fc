"""The step-by-step online-filing guide."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, emit, entity, latest
from bot.dialogue import guide, procedures
from bot.procedures import default_catalog


class ActionOnlineGuide(GuardedAction):
    def name(self) -> str:
        return "action_online_guide"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalog = default_catalog()
        intent, text, _ = latest(tracker)
        step = tracker.get_slot("guide_step")
        current = tracker.get_slot("guide_procedure_id")
        if intent == "guide_next":
            outcome = guide.move(catalog, step, current, +1)
        elif intent == "guide_back":
            outcome = guide.move(catalog, step, current, -1)
        else:
            procedure, _ = procedures.resolve(
                catalog,
                procedure_id=entity(tracker, "procedure_id"),
                mentioned=entity(tracker, "procedure"),
                message=text if not text.startswith("/") else "",
                previous_id=tracker.get_slot("procedure_id"),
            )
            outcome = guide.start(catalog, procedure.id if procedure else None)
        return emit(dispatcher, outcome, tracker=tracker)
