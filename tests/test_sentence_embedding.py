"""The sentence-embedding featurizer and the classifier's use of its dense features."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import LinearIntentClassifier
from bot.nlu.sentence_embedding import (
    UNACCENTED,
    Encoder,
    SentenceEmbeddingFeaturizer,
    embedding_text,
)
from bot.nlu.text import strip_diacritics
from bot.nlu.tokenizer import tokens_for


def message(text: str, intent: str | None = None) -> Message:
    m = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    m.set(TOKENS_NAMES[TEXT], tokens_for(text))
    return m


def featurizer(**config: object) -> SentenceEmbeddingFeaturizer:
    return SentenceEmbeddingFeaturizer(config, "sentence_embedding")


def sentence_vector(m: Message, attribute: str = TEXT) -> np.ndarray | None:
    dense = m.get_dense_features(attribute)[1]
    return None if dense is None else np.asarray(dense.features).reshape(-1)


def test_the_embedded_text_is_the_normalised_message_in_lower_case() -> None:
    text = embedding_text(message("Cháu ơi   cho bác hỏi THỦ TỤC khai sinh"))
    assert text == "cháu ơi cho bác hỏi thủ tục khai sinh"
    # abbreviations are expanded by the normaliser before embedding
    assert "cccd" not in embedding_text(message("lam cccd o dau"))


def test_text_the_engine_cannot_take_is_made_safe() -> None:
    # a lone surrogate (valid in JSON, not in UTF-8) and a huge message
    assert "\ud800" not in embedding_text(Message(data={TEXT: "chào \ud800 cháu"}))
    assert len(embedding_text(Message(data={TEXT: "a " * 10_000}))) <= 2000


def test_empty_text_gets_a_zero_vector_and_others_a_unit_vector() -> None:
    vectors = Encoder.encode(["", "làm căn cước ở đâu", "làm căn cước ở đâu"])
    assert vectors.shape == (3, 384)
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-3)
    assert np.array_equal(vectors[1], vectors[2])


def test_a_paraphrase_is_nearer_than_an_unrelated_message() -> None:
    question, paraphrase, unrelated = Encoder.encode(
        [
            "làm căn cước cần những giấy tờ gì",
            "đi làm thẻ căn cước thì phải mang theo giấy tờ nào",
            "hôm nay trời mưa to quá",
        ]
    )
    assert question @ paraphrase > question @ unrelated + 0.05


def test_every_message_gets_a_sentence_feature_at_run_time() -> None:
    messages = [message("xin chào"), message(""), message("😀😀")]
    featurizer().process(messages)
    for m in messages:
        vector = sentence_vector(m)
        assert vector is not None and vector.shape == (384,)
    assert not sentence_vector(messages[1]).any()


def test_training_adds_the_unaccented_embedding_of_accented_examples_only() -> None:
    accented = message("cho tôi hỏi lệ phí khai sinh", "ask_fee")
    plain = message("cho toi hoi le phi khai sinh", "ask_fee")
    featurizer().process_training_data(TrainingData([accented, plain]))
    assert sentence_vector(accented) is not None and sentence_vector(plain) is not None
    assert sentence_vector(plain, UNACCENTED) is None
    # the unaccented copy is exactly what that message typed without diacritics gets
    assert np.allclose(sentence_vector(accented, UNACCENTED), sentence_vector(plain))
    assert not np.allclose(sentence_vector(accented), sentence_vector(plain))


def test_augmentation_can_be_switched_off() -> None:
    accented = message("cho tôi hỏi lệ phí khai sinh", "ask_fee")
    featurizer(augment_unaccented=False).process_training_data(TrainingData([accented]))
    assert sentence_vector(accented, UNACCENTED) is None


# no count vectors and no entity view: the embeddings are all the classifier has
CONFIG = {"C": 10.0, "entity_view_weight": 0}
TRAINING = {
    "ask_fee": [
        "làm khai sinh hết bao nhiêu tiền",
        "lệ phí cấp căn cước là bao nhiêu",
        "đăng ký kết hôn có mất phí không",
        "phí làm lý lịch tư pháp bao nhiêu",
    ],
    "thank": ["cảm ơn cháu nhiều", "cám ơn bạn nhé", "rất biết ơn em", "xin cảm ơn"],
    "greet": ["xin chào", "chào cháu", "chào buổi sáng", "chào bạn"],
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalModelStorage, Resource]:
    """A classifier trained with no sparse features at all: only the embeddings to go on."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("classifier")
    context = ExecutionContext(GraphSchema({}), "classifier")
    examples = [message(t, intent) for intent, texts in TRAINING.items() for t in texts]
    data = TrainingData(examples)
    featurizer().process_training_data(data)
    classifier = LinearIntentClassifier.create(CONFIG, storage, resource, context)
    classifier.train(data)
    return storage, resource


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cho hỏi giá tiền làm giấy tờ này", "ask_fee"),
        ("cảm ơn nhiều lắm", "thank"),
        ("chào em", "greet"),
    ],
)
def test_the_classifier_learns_from_the_embeddings_and_keeps_them_after_loading(
    trained: tuple[LocalModelStorage, Resource], text: str, intent: str
) -> None:
    storage, resource = trained
    context = ExecutionContext(GraphSchema({}), "classifier")
    classifier = LinearIntentClassifier.load(CONFIG, storage, resource, context)
    assert classifier.state["dense_width"] == 384
    for form in (text, strip_diacritics(text)):
        m = message(form)
        featurizer().process([m])
        classifier.process([m])
        assert m.get(INTENT)["name"] == intent, form
