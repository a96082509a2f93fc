"""Shared helpers for the actions: sending an Outcome, reading the latest message."""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.replies import ASK_PROCEDURE, TALK_TO_HUMAN, Button, Outcome

logger = logging.getLogger(__name__)

# Slots every successful answer resets.
RESET_ON_SUCCESS = {"fallback_count": 0.0}


def emit(
    dispatcher: CollectingDispatcher,
    outcome: Outcome,
    *,
    success: bool = True,
    tracker: Tracker | None = None,
) -> list[EventType]:
    """Send the outcome's replies and return its slot events.

    With ``tracker``, the answer is to a new question: a form still open (a survey, a call-back
    request) is abandoned rather than resumed. Its answers were saved as they came.
    """
    for reply in outcome.replies:
        dispatcher.utter_message(
            text=reply.text,
            buttons=[b.to_dict() for b in reply.buttons],
            **({"simple": reply.simple} if reply.simple else {}),
        )
    slots = {**(RESET_ON_SUCCESS if success else {}), **outcome.slots}
    events: list[EventType] = [SlotSet(name, value) for name, value in slots.items()]
    if tracker is not None and (tracker.active_loop or {}).get("name"):
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    if outcome.followup:
        events.append(FollowupAction(outcome.followup))
    return events


def latest(tracker: Tracker) -> tuple[str, str, dict[str, Any]]:
    """Intent name, text and parse data of the latest user message."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name") or ""
    return intent, message.get("text") or "", message


def entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


SORRY = (
    "Dạ, cháu xin lỗi, cháu đang gặp trục trặc nên chưa trả lời được. "
    'Bác thử lại sau ít phút, hoặc bấm "Gặp cán bộ" ạ.'
)


class GuardedAction(Action, abc.ABC):
    """An action whose failure still gets the citizen a polite answer (never silence)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return await self.answer(dispatcher, tracker, domain)
        except Exception:  # noqa: BLE001 - whatever broke, the citizen gets a reply
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(
                text=SORRY, buttons=[b.to_dict() for b in (ASK_PROCEDURE, TALK_TO_HUMAN)]
            )
            return []

    @abc.abstractmethod
    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does."""


# Rasa's input channel names -> the channel names the feedback store records.
CHANNELS = {"socketio": "webchat", "zalo": "zalo", "rest": "rest", "cmdline": "rest"}


def channel_name(tracker: Tracker) -> str:
    return CHANNELS.get((tracker.get_latest_input_channel() or "rest").lower(), "rest")


class AskQuestion(Action, abc.ABC):
    """Asks a form's question for one slot (``action_ask_<slot>``); see ask_actions()."""

    slot = ""

    @staticmethod
    @abc.abstractmethod
    def question(slot: str) -> tuple[str, list[Button]]:
        """The question's text and buttons."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text, buttons = type(self).question(self.slot)
        dispatcher.utter_message(text=text, buttons=[b.to_dict() for b in buttons])
        return []


def ask_actions(
    prefix: str, slots: Iterable[str], question: Callable[[str], tuple[str, list[Button]]]
) -> dict[str, type[AskQuestion]]:
    """One AskQuestion subclass per slot. Keep the returned dict: rasa-sdk finds actions
    through ``Action.__subclasses__()``, which holds subclasses only weakly."""
    return {
        slot: type(
            f"{prefix}_{slot}", (AskQuestion,), {"slot": slot, "question": staticmethod(question)}
        )
        for slot in slots
    }
