"""NLU component: messages that contain an OTP code or a password get ``sensitive_info``."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import Fingerprinted
from bot.safety import looks_sensitive

INTENT_NAME = "sensitive_info"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SensitiveInfoGuard(Fingerprinted, GraphComponent):
    """Overrides the intent when a message looks like it shares a secret."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SensitiveInfoGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if looks_sensitive(message.get(TEXT) or ""):
                intent = {INTENT_NAME_KEY: INTENT_NAME, "confidence": 1.0}
                ranking = [intent] + [
                    r
                    for r in message.get("intent_ranking") or []
                    if r.get(INTENT_NAME_KEY) != INTENT_NAME
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
        return messages
