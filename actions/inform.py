"""A bare answer ("khai sinh", a code, "xã Sóc Sơn"): routed by what the bot asked last."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, emit, entity, latest
from bot.dialogue import procedures, status
from bot.dialogue.replies import MAIN_MENU, Outcome
from bot.portal.client import PortalClient
from bot.portal.codes import find_code
from bot.procedures import default_catalog


class ActionInform(GuardedAction):
    def name(self) -> str:
        return "action_inform"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent, text, _ = latest(tracker)
        awaiting = tracker.get_slot("awaiting")
        code = entity(tracker, "dossier_code") or find_code(text)
        if code or awaiting == "dossier_code" or intent == "give_dossier_code":
            async with PortalClient.from_env() as client:
                outcome = await status.check(client, entity=code, message=text)
            return emit(dispatcher, outcome, tracker=tracker)
        mentioned = entity(tracker, "procedure")
        catalog = default_catalog()
        if awaiting == "procedure" or mentioned or catalog.match(text).procedure:
            outcome = procedures.answer(
                catalog,
                intent=intent,
                procedure_id=entity(tracker, "procedure_id"),
                mentioned=mentioned,
                message=text,
                previous_id=None,
                pending=tracker.get_slot("pending_question"),
            )
            return emit(dispatcher, outcome, tracker=tracker)
        commune = entity(tracker, "commune")
        if commune:
            reply = f"Dạ, cháu ghi nhận bác ở {commune}. Bác cần cháu giúp việc gì ạ?"
        else:
            reply = "Dạ, bác cần cháu giúp việc gì ạ?"
        return emit(dispatcher, Outcome().say(reply, MAIN_MENU), tracker=tracker)
