"""Fallback, hand-off, repeat and simpler."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, emit, latest
from bot.dialogue import support


class ActionDefaultFallback(GuardedAction):
    def name(self) -> str:
        return "action_default_fallback"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _, _, message = latest(tracker)
        ranking = [
            r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"
        ]
        outcome = support.fallback(tracker.get_slot("fallback_count"), ranking)
        return emit(dispatcher, outcome, success=False)


class ActionHandoff(GuardedAction):
    def name(self) -> str:
        return "action_handoff"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return emit(dispatcher, support.handoff(), tracker=tracker)


class ActionRepeat(GuardedAction):
    def name(self) -> str:
        return "action_repeat"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return emit(dispatcher, support.repeat(tracker.events))


class ActionSimpler(GuardedAction):
    def name(self) -> str:
        return "action_simpler"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return emit(dispatcher, support.simpler(tracker.events))


class ActionAffirmDeny(GuardedAction):
    """A yes or no outside a form: yes after the hand-off offer starts the call-back request."""

    def name(self) -> str:
        return "action_affirm_deny"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent, _, _ = latest(tracker)
        outcome = support.affirm_deny(intent, tracker.get_slot("last_flow"))
        return emit(dispatcher, outcome)
