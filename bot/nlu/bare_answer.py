"""Bare answers: a message that is nothing but an entity ("căn cước", "xã Sóc Sơn", a code).

Short answers carry too few words for the intent classifier, yet their meaning is plain: the
citizen is answering the question the bot asked. When every token of a message lies inside an
extracted entity, apart from filler words learned from the training examples of the answer
intents ("dạ", "là", "ạ"...), this component sets the answer intent whose training examples
use that entity type most. It learns everything from the training data: with no configured
answer intent in the data it does nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import StoredComponent, read_state, write_state

STATE_FILE = "bare_answer.json"


def _uncovered(message: Message) -> list[str]:
    """Lemmas of the tokens outside every entity of ``message``."""
    entities = message.get(ENTITIES) or []
    return [
        token.lemma
        for token in message.get(TOKENS_NAMES[TEXT]) or []
        if not any(e["start"] <= token.start and token.end <= e["end"] for e in entities)
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BareAnswerClassifier(StoredComponent):
    """Messages made only of entities get the answer intent (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intents": ["inform", "give_dossier_code"],
            "min_filler_count": 2,  # a word is filler when seen this often in answer examples
            "max_uncovered": 2,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.by_entity: dict[str, dict[str, int]] = {}
        self.filler: set[str] = set()

    def train(self, training_data: TrainingData) -> Resource:
        by_entity: dict[str, Counter[str]] = defaultdict(Counter)
        filler: Counter[str] = Counter()
        for example in training_data.intent_examples:
            intent = example.get(INTENT)
            if intent not in self.config["intents"]:
                continue
            for entity in example.get(ENTITIES) or []:
                by_entity[entity["entity"]][intent] += 1
            filler.update(_uncovered(example))
        self.by_entity = {name: dict(counts) for name, counts in by_entity.items()}
        self.filler = {w for w, n in filler.items() if n >= self.config["min_filler_count"]}
        state = {"by_entity": self.by_entity, "filler": sorted(self.filler)}
        write_state(self._model_storage, self._resource, STATE_FILE, state)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> BareAnswerClassifier:
        component = cls(config, model_storage, resource)
        state = read_state(model_storage, resource, STATE_FILE)
        if state is None:
            return component
        component.by_entity = state["by_entity"]
        component.filler = set(state["filler"])
        return component

    def answer_intent(self, message: Message) -> str | None:
        entities = message.get(ENTITIES) or []
        if not entities or not self.by_entity:
            return None
        uncovered = _uncovered(message)
        if len(uncovered) > self.config["max_uncovered"] or set(uncovered) - self.filler:
            return None
        votes: Counter[str] = Counter()
        for entity in entities:
            votes.update(self.by_entity.get(entity["entity"], {}))
        return votes.most_common(1)[0][0] if votes else None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = self.answer_intent(message)
            if intent is None:
                continue
            chosen = {INTENT_NAME_KEY: intent, "confidence": 1.0}
            ranking = [chosen] + [
                r for r in message.get("intent_ranking") or [] if r.get(INTENT_NAME_KEY) != intent
            ]
            message.set(INTENT, chosen, add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
