"""Intent classifier: logistic regression on TF-IDF-weighted sparse sentence features.

Rasa 3.6's LogisticRegressionClassifier fixes the regularisation strength at C=1 and uses raw
counts, which underfits short, varied messages. This one weights the count-vector features with
sublinear TF-IDF, L2-normalises them, and exposes C. The sentence features come from lemmas
without diacritics, so an unaccented message is classified exactly like its accented form.

It also reads the message with each entity replaced by its type ("căn cước hết bao lâu" ->
``ENT:procedure het bao_lau``), so what is asked weighs more than which thing it is asked
about. Placed after the entity extractors, it sees their entities; in training it sees the
annotated ones.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.nlu.base import StoredComponent
from bot.nlu.sentence_embedding import UNACCENTED

logger = logging.getLogger(__name__)

ARRAYS_FILE = "intent_classifier.npz"
META_FILE = "intent_classifier.json"


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


def dense_matrix(messages: list[Message], width: int, attribute: str = TEXT) -> np.ndarray:
    """Dense sentence features of each message (zeros when a message has none of that width)."""
    out = np.zeros((len(messages), width), dtype=np.float32)
    for row, message in enumerate(messages):
        dense = message.get_dense_features(attribute)[1]
        if dense is not None and dense.features.shape[-1] == width:
            out[row] = np.asarray(dense.features).reshape(-1)
    return out


def dense_width(messages: list[Message]) -> int:
    """Width of the dense sentence features (0 when no featurizer adds any)."""
    for message in messages:
        dense = message.get_dense_features(TEXT)[1]
        if dense is not None:
            return int(dense.features.shape[-1])
    return 0


def entity_view(message: Message) -> str:
    """The message's words (no diacritics) with each entity replaced by ``ENT:<type>``."""
    entities = sorted(message.get(ENTITIES) or [], key=lambda e: (e["start"], -e["end"]))
    words: list[str] = []
    last_entity: dict[str, Any] | None = None
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        entity = next(
            (e for e in entities if e["start"] < token.end and token.start < e["end"]), None
        )
        if entity is None:
            words.append(token.lemma.replace(" ", "_").lower())
        elif entity is not last_entity:
            words.append(f"ENT:{entity['entity']}")
        last_entity = entity
    return " ".join(words)


def _view_vectorizer(vocabulary: dict[str, int] | None = None) -> CountVectorizer:
    """Uni- and bigrams of whitespace-separated words (S106 takes token_pattern for a password)."""
    return CountVectorizer(
        ngram_range=(1, 2),
        lowercase=False,
        token_pattern=r"\S+",  # noqa: S106
        vocabulary=vocabulary,
    )


def save_state(state: dict[str, Any], folder: Path) -> None:
    """Write the fitted classifier as plain arrays and JSON: no pickle, and fast to load.

    (Rasa's own classifiers use skops, whose import scans all of scikit-learn: about 7 s of a
    server start once TensorFlow is loaded.)
    """
    model: LogisticRegression = state["model"]
    arrays = {
        "coef": model.coef_,
        "intercept": model.intercept_,
        "classes": np.asarray([str(c) for c in model.classes_]),
        "idf": state["tfidf"].idf_,
    }
    meta: dict[str, Any] = {
        "width": state["width"],
        "dense_width": state.get("dense_width", 0),
        # liblinear fits one-vs-rest, and predict_proba normalises per-class sigmoids then
        "solver": model.solver,
    }
    if "view" in state:
        arrays["view_idf"] = state["view_tfidf"].idf_
        meta["view_vocabulary"] = {k: int(v) for k, v in state["view"].vocabulary_.items()}
    np.savez(folder / ARRAYS_FILE, **arrays)
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def _tfidf(idf: np.ndarray) -> TfidfTransformer:
    tfidf = TfidfTransformer(sublinear_tf=True)
    tfidf.idf_ = idf
    return tfidf


def load_state(folder: Path) -> dict[str, Any]:
    """The state written by ``save_state``, as fitted scikit-learn objects."""
    meta = json.loads((folder / META_FILE).read_text("utf-8"))
    with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
        model = LogisticRegression(solver=meta.get("solver", "lbfgs"))
        model.coef_ = arrays["coef"]
        model.intercept_ = arrays["intercept"]
        model.classes_ = arrays["classes"]
        state: dict[str, Any] = {
            "width": int(meta["width"]),
            "dense_width": int(meta.get("dense_width", 0)),
            "tfidf": _tfidf(arrays["idf"]),
            "model": model,
        }
        if "view_vocabulary" in meta:
            state["view"] = _view_vectorizer(meta["view_vocabulary"])
            state["view_tfidf"] = _tfidf(arrays["view_idf"])
    return state


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
            # "liblinear" (one-vs-rest, coordinate descent) trains in seconds where "lbfgs"
            # (one multinomial model) takes minutes on sparse n-grams, for the same accuracy
            "solver": "lbfgs",
            "class_weight": "balanced",  # or null: weigh intents by their share of examples
            # intents left to other components (never predicted here)
            "exclude_intents": [],
            # weight of the entity-type view of the message (0: not used)
            "entity_view_weight": 1.0,
            # weight of dense sentence features (SentenceEmbeddingFeaturizer), when present
            "dense_weight": 2.0,
            "ranking_length": 10,
            "random_state": 42,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        # model: the LogisticRegression; width: number of featurizer columns; tfidf: their
        # weighting; view and view_tfidf: the entity-view vectorizer and its weighting
        self.state: dict[str, Any] = state or {}

    @property
    def model(self) -> LogisticRegression | None:
        return self.state.get("model")

    def _fit_features(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        X = sentence_matrix(messages)
        self.state = {
            "width": X.shape[1],
            "tfidf": TfidfTransformer(sublinear_tf=True).fit(X),
            "dense_width": dense_width(messages) if self.config["dense_weight"] else 0,
        }
        if self.config["entity_view_weight"]:
            view = _view_vectorizer()
            counts = view.fit_transform([entity_view(m) for m in messages])
            self.state.update(view=view, view_tfidf=TfidfTransformer(sublinear_tf=True).fit(counts))
        return self._features(messages)

    def _features(
        self, messages: list[Message], dense_attribute: str = TEXT
    ) -> scipy.sparse.csr_matrix:
        X = sentence_matrix(messages, self.state["width"])
        parts = [self.state["tfidf"].transform(X)]
        if "view" in self.state:
            counts = self.state["view"].transform([entity_view(m) for m in messages])
            weight = float(self.config["entity_view_weight"])
            parts.append(weight * self.state["view_tfidf"].transform(counts))
        if self.state.get("dense_width"):
            dense = dense_matrix(messages, self.state["dense_width"], dense_attribute)
            parts.append(scipy.sparse.csr_matrix(float(self.config["dense_weight"]) * dense))
        return scipy.sparse.hstack(parts, format="csr")

    def train(self, training_data: TrainingData) -> Resource:
        excluded = set(self.config["exclude_intents"] or [])
        examples = [
            e
            for e in training_data.intent_examples
            if e.get(INTENT) and e.get(INTENT) not in excluded
        ]
        labels = {e.get(INTENT) for e in examples}
        if len(labels) < 2:
            logger.warning("Fewer than two intents: the intent classifier is not trained.")
            return self._resource
        X = self._fit_features(examples)
        y = [e.get(INTENT) for e in examples]
        # examples also embedded without their diacritics (SentenceEmbeddingFeaturizer) are
        # learned a second time in that form
        unaccented = [e for e in examples if e.get_dense_features(UNACCENTED)[1] is not None]
        if self.state["dense_width"] and unaccented:
            X = scipy.sparse.vstack([X, self._features(unaccented, UNACCENTED)], format="csr")
            y += [e.get(INTENT) for e in unaccented]
        model = LogisticRegression(
            C=self.config["C"],
            solver=self.config["solver"],
            max_iter=self.config["max_iter"],
            class_weight=self.config["class_weight"],
            random_state=self.config["random_state"],
        )
        self.state["model"] = model.fit(X, y)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            save_state(self.state, model_dir)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                state = load_state(model_dir)
        except (ValueError, KeyError, FileNotFoundError):
            logger.warning("Intent classifier not found; every message will be unclassified.")
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, state)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = self.model.predict_proba(self._features(messages))
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
