"""The call-back request form: consent first, then name, phone and topic."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import GuardedAction, ask_actions, channel_name, emit
from actions.storage import feedback_store
from bot.dialogue import callback
from bot.dialogue.replies import ASK_PROCEDURE, MAIN_MENU, Outcome
from bot.dialogue.support import load_contacts
from bot.privacy import sender_key
from bot.sealed import seal, unseal

logger = logging.getLogger(__name__)

FORM_SLOTS = ("callback_consent", "callback_name", "callback_phone", "callback_topic")
SEALED = {"callback_name", "callback_phone", "callback_topic"}


ASK_ACTIONS = ask_actions("AskCallback", FORM_SLOTS, callback.QUESTIONS.__getitem__)


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # no consent, no personal details: the form ends at once
        if tracker.get_slot("callback_consent") is False:
            return []
        return domain_slots

    def _check(
        self, checker: Any, slot: str, value: Any, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        clean, problem = checker(value)
        if problem:
            dispatcher.utter_message(text=problem)
        # the conversation record keeps only the sealed value (bot.sealed)
        return {slot: seal(clean) if slot in SEALED else clean}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check(callback.check_name, "callback_name", value, dispatcher)

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check(callback.check_phone, "callback_phone", value, dispatcher)

    def validate_callback_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check(callback.check_topic, "callback_topic", value, dispatcher)


class ActionSubmitCallback(GuardedAction):
    def name(self) -> str:
        return "action_submit_callback"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if tracker.get_slot("callback_consent") is not True:
            return emit(dispatcher, Outcome().say(callback.DECLINED, MAIN_MENU)) + clear
        channel = channel_name(tracker)
        try:
            await asyncio.to_thread(
                feedback_store().add_callback,
                name=unseal(tracker.get_slot("callback_name")),
                phone=unseal(tracker.get_slot("callback_phone")),
                topic=unseal(tracker.get_slot("callback_topic")),
                channel=channel,
                commune=tracker.get_slot("commune"),
                sender_key=sender_key(channel, tracker.sender_id),
                consent_contact=True,
            )
        except Exception:  # noqa: BLE001 - the citizen must get an answer whatever failed
            logger.exception("could not store a call-back request")
            return emit(dispatcher, Outcome().say(callback.FAILED, MAIN_MENU)) + clear
        hours = load_contacts()["counter"]["hours"]
        outcome = Outcome().say(callback.confirmation(hours), [ASK_PROCEDURE])
        outcome.slots["last_flow"] = "handoff"
        return emit(dispatcher, outcome) + clear
