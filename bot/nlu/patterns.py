"""Entities from regexes and lookup tables, matched without regard to diacritics.

Runs after the learned extractor and resolves overlaps: a structured match (a dossier code, a
phone number) or a lookup-table match (a commune, a procedure name) replaces a learned entity
it overlaps, unless the learned one is of the same type and strictly longer.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import StoredComponent, matchers_from, matchers_state, read_state, write_state
from bot.nlu.crf import lookup_tables, regex_patterns
from bot.nlu.lookup import LookupMatcher, RegexMatcher, token_syllables

logger = logging.getLogger(__name__)

META_FILE = "patterns.json"


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def merge_entities(
    learned: list[dict[str, Any]], matched: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Combine learned and pattern entities without overlaps (see module docstring)."""
    # longest pattern matches first, dropping pattern matches that overlap a kept one
    kept: list[dict[str, Any]] = []
    for entity in sorted(matched, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if not any(_overlaps(entity, k) for k in kept):
            kept.append(entity)
    result = []
    for entity in learned:
        rivals = [k for k in kept if _overlaps(entity, k)]
        if not rivals:
            result.append(entity)
            continue
        if all(
            r["entity"] == entity["entity"]
            and entity["start"] <= r["start"]
            and r["end"] <= entity["end"]
            and (entity["end"] - entity["start"]) > (r["end"] - r["start"])
            for r in rivals
        ):
            kept = [k for k in kept if k not in rivals]
            result.append(entity)
    return sorted(result + kept, key=lambda e: e["start"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PatternEntityExtractor(StoredComponent, EntityExtractorMixin):
    """Regex and lookup-table entities, diacritic-insensitive."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # entity types to extract; None means every regex/lookup named like an annotated entity
        return {"entities": None}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lookups: LookupMatcher | None = None,
        regexes: RegexMatcher | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.lookups = lookups or LookupMatcher({})
        self.regexes = regexes or RegexMatcher({})

    def train(self, training_data: TrainingData) -> Resource:
        wanted = self.config["entities"]
        if wanted is None:
            wanted = sorted(training_data.entities)
        tables = {k: v for k, v in lookup_tables(training_data).items() if k in wanted}
        patterns = {k: v for k, v in regex_patterns(training_data).items() if k in wanted}
        self.lookups = LookupMatcher(tables)
        self.regexes = RegexMatcher(patterns)
        state = matchers_state(self.lookups, self.regexes)
        write_state(self._model_storage, self._resource, META_FILE, state)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> PatternEntityExtractor:
        state = read_state(model_storage, resource, META_FILE)
        if state is None:
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, *matchers_from(state))

    def extract(self, message: Message) -> list[dict[str, Any]]:
        text = message.get(TEXT) or ""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        found: list[dict[str, Any]] = []
        for name, start, end in self.regexes.find(text):
            found.append({"entity": name, "start": start, "end": end, "value": text[start:end]})
        syllables = token_syllables(tokens)
        spans = [
            span
            for t, sylls in zip(tokens, syllables, strict=True)
            for span in (t.get("syllable_spans") or [(t.start, t.end)] * len(sylls))
        ]
        for match in self.lookups.find(syllables):
            first, stop = match.syllables
            start, end = spans[first][0], spans[stop - 1][1]
            found.append(
                {"entity": match.name, "start": start, "end": end, "value": text[start:end]}
            )
        return [{**e, "confidence_entity": 1.0} for e in found]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            matched = self.add_extractor_name(self.extract(message))
            merged = merge_entities(message.get(ENTITIES) or [], matched)
            message.set(ENTITIES, merged, add_to_output=True)
        return messages
