"""What our Rasa components share: creation, the training-cache fingerprint, persisted matchers."""

from __future__ import annotations

import json
from pathlib import Path
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


def save_matchers(
    model_dir: Path, name: str, lookups: LookupMatcher, regexes: RegexMatcher
) -> None:
    meta = {"lookups": lookups.to_dict(), "regexes": regexes.to_dict()}
    (model_dir / name).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def load_matchers(model_dir: Path, name: str) -> tuple[LookupMatcher, RegexMatcher]:
    meta = json.loads((model_dir / name).read_text("utf-8"))
    return LookupMatcher.from_dict(meta["lookups"]), RegexMatcher(meta["regexes"])
