"""What our Rasa components share: creation, the training-cache fingerprint, persisted matchers."""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.nlu.fingerprint import code_and_data_hash
from bot.nlu.lookup import LookupMatcher, RegexMatcher


class Fingerprinted:
    """Rasa retrains the component when our helper modules or data files change."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return code_and_data_hash()


class StoredComponent(Fingerprinted, GraphComponent):
    """A component with a config (defaults merged in) and a model-storage resource."""

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoredComponent:
        return cls(config, model_storage, resource)


def write_state(model_storage: ModelStorage, resource: Resource, name: str, state: Any) -> None:
    """Persist a component's JSON state in its resource."""
    with model_storage.write_to(resource) as model_dir:
        (model_dir / name).write_text(json.dumps(state, ensure_ascii=False), "utf-8")


def read_state(model_storage: ModelStorage, resource: Resource, name: str) -> Any | None:
    """A component's JSON state, or None when the resource was never persisted."""
    try:
        with model_storage.read_from(resource) as model_dir:
            return json.loads((model_dir / name).read_text("utf-8"))
    except (ValueError, FileNotFoundError):
        return None


def matchers_state(lookups: LookupMatcher, regexes: RegexMatcher) -> dict[str, Any]:
    return {"lookups": lookups.to_dict(), "regexes": regexes.to_dict()}


def matchers_from(state: dict[str, Any]) -> tuple[LookupMatcher, RegexMatcher]:
    return LookupMatcher.from_dict(state["lookups"]), RegexMatcher(state["regexes"])
