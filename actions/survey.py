"""The satisfaction survey form (see bot.dialogue.survey for the conversation design)."""

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
from bot.dialogue import survey
from bot.dialogue.replies import MAIN_MENU, Outcome
from bot.privacy import normalize_phone, sender_key

logger = logging.getLogger(__name__)

RATING_SLOTS = ["survey_overall"] + [survey.aspect_slot(a) for a in survey.ASPECTS]
SURVEY_SLOTS = RATING_SLOTS + [
    "survey_comment",
    "survey_consent",
    "survey_phone",
    "survey_age_band",
    "survey_response_id",
    "survey_flow",
]
FLOW_FOR_STORE = {"procedure_info", "online_guide", "status", "handoff", "on_demand"}


ASK_ACTIONS = ask_actions(
    "AskSurvey",
    [*RATING_SLOTS, "survey_comment", "survey_consent", "survey_phone", "survey_age_band"],
    survey.question,
)


def _flow(tracker: Tracker) -> str:
    flow = tracker.get_slot("survey_flow") or tracker.get_slot("last_flow") or "on_demand"
    return flow if flow in FLOW_FOR_STORE else "on_demand"


class ActionStartSurvey(GuardedAction):
    """Remembers what the citizen did (it picks the questions), then the form starts."""

    def name(self) -> str:
        return "action_start_survey"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet(slot, None) for slot in SURVEY_SLOTS] + [
            SlotSet("survey_flow", _flow(tracker))
        ]


class ValidateSurveyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_survey_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("survey_overall") == survey.SKIPPED:
            return []
        slots = ["survey_overall"]
        slots += [survey.aspect_slot(a) for a in survey.aspects_for(_flow(tracker))]
        slots += ["survey_comment", "survey_consent"]
        if tracker.get_slot("survey_consent") is True:
            slots += ["survey_phone", "survey_age_band"]
        return slots

    async def _update(self, tracker: Tracker, **fields: Any) -> None:
        response_id = tracker.get_slot("survey_response_id")
        if response_id is None:
            return
        try:
            await asyncio.to_thread(feedback_store().update_response, int(response_id), **fields)
        except Exception:  # noqa: BLE001 - keep the conversation going, log the failure
            logger.exception("could not update survey response %s", response_id)

    async def validate_survey_overall(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == survey.SKIPPED:
            return {"survey_overall": survey.SKIPPED}
        rating = survey.parse_rating(value)
        if rating is None:
            dispatcher.utter_message(text="Dạ, bác bấm một nút bên dưới giúp cháu nhé.")
            return {"survey_overall": None}
        channel = channel_name(tracker)
        try:
            response_id = await asyncio.to_thread(
                feedback_store().add_response,
                channel=channel,
                flow=_flow(tracker),
                overall=rating,
                procedure_id=tracker.get_slot("procedure_id"),
                sender_key=sender_key(channel, tracker.sender_id),
            )
        except Exception:  # noqa: BLE001
            logger.exception("could not store a survey response")
            dispatcher.utter_message(text=survey.SAVE_FAILED)
            return {"survey_overall": survey.SKIPPED}
        return {"survey_overall": str(rating), "survey_response_id": float(response_id)}

    async def _aspect(self, slot: str, value: Any, dispatcher: Any, tracker: Tracker) -> dict:
        if value == survey.SKIPPED:
            return {slot: survey.SKIPPED}
        rating = survey.parse_rating(value)
        if rating is None:
            dispatcher.utter_message(text='Dạ, bác bấm một nút bên dưới, hoặc "Bỏ qua" ạ.')
            return {slot: None}
        await self._update(tracker, aspects={slot[len("survey_") :]: rating})
        return {slot: str(rating)}

    async def validate_survey_access(self, value, dispatcher, tracker, domain) -> dict:  # type: ignore[no-untyped-def]
        return await self._aspect("survey_access", value, dispatcher, tracker)

    async def validate_survey_procedure(self, value, dispatcher, tracker, domain) -> dict:  # type: ignore[no-untyped-def]
        return await self._aspect("survey_procedure", value, dispatcher, tracker)

    async def validate_survey_staff(self, value, dispatcher, tracker, domain) -> dict:  # type: ignore[no-untyped-def]
        return await self._aspect("survey_staff", value, dispatcher, tracker)

    async def validate_survey_result(self, value, dispatcher, tracker, domain) -> dict:  # type: ignore[no-untyped-def]
        return await self._aspect("survey_result", value, dispatcher, tracker)

    async def validate_survey_feedback_handling(self, value, dispatcher, tracker, domain) -> dict:  # type: ignore[no-untyped-def]
        return await self._aspect("survey_feedback_handling", value, dispatcher, tracker)

    async def validate_survey_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == survey.SKIPPED or not str(value or "").strip():
            return {"survey_comment": survey.SKIPPED}
        await self._update(tracker, comment=str(value))
        return {"survey_comment": "given"}  # the text itself stays only in the store, masked

    async def validate_survey_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"survey_consent": value is True}

    async def validate_survey_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == survey.SKIPPED:
            return {"survey_phone": survey.SKIPPED}
        phone = normalize_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(
                text='Dạ, số điện thoại chưa đúng. Bác gõ lại số gồm 10 chữ số, hoặc bấm "Bỏ qua".'
            )
            return {"survey_phone": None}
        await self._update(
            tracker,
            consent_personal_data=True,
            consent_contact=True,
            phone=phone,
            home_commune=tracker.get_slot("commune"),
        )
        return {"survey_phone": "given"}

    async def validate_survey_age_band(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == survey.SKIPPED:
            return {"survey_age_band": survey.SKIPPED}
        band = survey.parse_age_band(value)
        if band is None:
            dispatcher.utter_message(text='Dạ, bác bấm chọn độ tuổi giúp cháu, hoặc "Bỏ qua".')
            return {"survey_age_band": None}
        await self._update(
            tracker,
            consent_personal_data=True,
            age_band=band,
            home_commune=tracker.get_slot("commune"),
        )
        return {"survey_age_band": band}


class ActionSubmitSurvey(GuardedAction):
    def name(self) -> str:
        return "action_submit_survey"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answered = tracker.get_slot("survey_response_id") is not None
        text = survey.THANKS if answered else survey.CANCELLED
        events = emit(dispatcher, Outcome().say(text, MAIN_MENU))
        return events + [SlotSet(slot, None) for slot in SURVEY_SLOTS]


class ActionDeleteMyData(GuardedAction):
    """Deletes the personal data and comments this citizen gave (ratings stay anonymous)."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        channel = channel_name(tracker)
        try:
            count = await asyncio.to_thread(
                feedback_store().delete_by_sender, sender_key(channel, tracker.sender_id)
            )
        except Exception:  # noqa: BLE001
            logger.exception("could not delete a citizen's data")
            return emit(dispatcher, Outcome().say(survey.SAVE_FAILED, MAIN_MENU))
        if count:
            text = (
                "Dạ, cháu đã xóa số điện thoại, độ tuổi, góp ý và yêu cầu gọi lại bác đã gửi. "
                "Các đánh giá không kèm thông tin cá nhân vẫn được giữ để thống kê."
            )
        else:
            text = "Dạ, cháu không lưu thông tin cá nhân nào của bác ạ."
        return emit(dispatcher, Outcome().say(text, MAIN_MENU))
