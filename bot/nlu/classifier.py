"""Intent classifier: logistic regression on TF-IDF-weighted sparse sentence features.

Rasa 3.6's LogisticRegressionClassifier fixes the regularisation strength at C=1 and uses raw
counts, which underfits short, varied messages. This one weights the count-vector features with
sublinear TF-IDF, L2-normalises them, and exposes C. The sentence features come from lemmas
without diacritics, so an unaccented message is classified exactly like its accented form.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.nlu.base import StoredComponent

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.skops"


def sentence_matrix(messages: list[Message], width: int | None = None) -> scipy.sparse.csr_matrix:
    """Sparse sentence features of each message (zeros when a message has none)."""
    rows = []
    for message in messages:
        sparse = message.get_sparse_features(TEXT)[1]
        row = scipy.sparse.csr_matrix(sparse.features) if sparse is not None else None
        rows.append(row)
    if width is None:
        width = max((r.shape[1] for r in rows if r is not None), default=1)
    fixed = [
        r if r is not None and r.shape[1] == width else scipy.sparse.csr_matrix((1, width))
        for r in rows
    ]
    return scipy.sparse.vstack(fixed, format="csr")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(StoredComponent, IntentClassifier):
    """TF-IDF + logistic regression intent classifier."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 100.0,
            "max_iter": 1000,
            "class_weight": "balanced",  # or null: weigh intents by their share of examples
            "ranking_length": 10,
            "random_state": 42,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Pipeline | None = None,
        width: int | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self.model = model
        self.width = width

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT)]
        labels = {e.get(INTENT) for e in examples}
        if len(labels) < 2:
            logger.warning("Fewer than two intents: the intent classifier is not trained.")
            return self._resource
        X = sentence_matrix(examples)
        y = [e.get(INTENT) for e in examples]
        self.width = X.shape[1]
        self.model = Pipeline(
            [
                ("tfidf", TfidfTransformer(sublinear_tf=True)),
                (
                    "clf",
                    LogisticRegression(
                        C=self.config["C"],
                        max_iter=self.config["max_iter"],
                        class_weight=self.config["class_weight"],
                        random_state=self.config["random_state"],
                    ),
                ),
            ]
        )
        self.model.fit(X, y)
        self.persist()
        return self._resource

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump({"model": self.model, "width": self.width}, model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / MODEL_FILE
                # our own file, written by persist(); trust exactly the types it contains
                state = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        except (ValueError, FileNotFoundError):
            logger.warning("Intent classifier not found; every message will be unclassified.")
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, state["model"], state["width"])

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None or not messages:
            return messages
        X = sentence_matrix(messages, self.width)
        probabilities = self.model.predict_proba(X)
        classes = self.model.classes_
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)
            ranking = [
                {"name": str(classes[i]), "confidence": float(row[i])}
                for i in order[: self.config["ranking_length"]]
            ]
            sentence = message.get_sparse_features(TEXT)[1]
            if sentence is None or sentence.features.nnz == 0:
                # nothing we can read (emoji only, punctuation): no intent confidence
                ranking = [{**r, "confidence": 0.0} for r in ranking]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
