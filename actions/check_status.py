"""Dossier status by mã hồ sơ."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, emit, entity, latest
from bot.dialogue import status
from bot.portal.client import PortalClient


class ActionCheckStatus(GuardedAction):
    def name(self) -> str:
        return "action_check_status"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _, text, _ = latest(tracker)
        async with PortalClient.from_env() as client:
            outcome = await status.check(
                client, entity=entity(tracker, "dossier_code"), message=text
            )
        return emit(dispatcher, outcome, tracker=tracker)
