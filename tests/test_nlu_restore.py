"""Diacritic restoration: the bigram model, and how the tokenizer and featurizer use it."""

from __future__ import annotations

import json

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.restore import DiacriticRestorer
from bot.nlu.sentence_embedding import embedding_text
from bot.nlu.text import syllables
from bot.nlu.tokenizer import RESTORED, VietnameseTokenizer

CORPUS = [
    "tôi muốn làm căn cước",
    "làm căn cước hết bao nhiêu tiền",
    "cần giấy tờ gì",
    "cán bộ xã rất nhiệt tình",
    "thủ tục cần giấy khai sinh",
    "con cần làm giấy khai sinh",
    "cân nặng bao nhiêu",
]


def w(text: str) -> list[str]:
    """The syllables of a plain sentence."""
    return text.split()


def restorer() -> DiacriticRestorer:
    return DiacriticRestorer.from_sentences([s.text for s in syllables(t)] for t in CORPUS)


def test_bigrams_choose_between_accented_forms_of_the_same_letters() -> None:
    r = restorer()
    # "can" was seen as căn, cần, cán and cân: the neighbours decide
    assert r.restore(w("toi muon lam can cuoc")) == w("tôi muốn làm căn cước")
    assert r.restore(w("can giay to gi")) == w("cần giấy tờ gì")
    assert r.restore(w("can bo xa")) == w("cán bộ xã")


def test_marked_unknown_and_empty_input_are_kept() -> None:
    r = restorer()
    # a syllable typed with marks stays as typed; an unseen one stays unmarked
    assert r.restore(w("cân cuoc xyz")) == ["cân", "cước", "xyz"]
    assert r.restore(["12/11/2026", "zalo"]) == ["12/11/2026", "zalo"]
    assert r.restore([]) == []
    assert DiacriticRestorer.from_sentences([]).restore(["toi"]) == ["toi"]


def test_the_end_of_a_message_is_a_probability_not_a_bonus_for_rare_syllables() -> None:
    r = restorer()
    # P(end | syllable) <= 1 for every syllable; the end marker used to get a back-off far
    # above 1, which rewarded ending on a rarely seen syllable
    assert all(r._log_p(syllable, "</s>") <= 0.0 for syllable in r.unigrams)
    # "ma" ends a message: "mà" (often seen, and seen ending messages) beats the rare "mả"
    common = DiacriticRestorer.from_sentences(
        [["tôi", "hỏi", "mà"]] * 3 + [["mà", "tôi", "hỏi"]] * 3 + [["mả", "tổ"]]
    )
    assert common.restore(["xin", "ma"]) == ["xin", "mà"]


def test_state_round_trips_through_json() -> None:
    r = restorer()
    state = json.loads(json.dumps(r.to_state(), ensure_ascii=False))
    again = DiacriticRestorer.from_state(state)
    sentence = w("con can lam giay khai sinh")
    assert again.restore(sentence) == r.restore(sentence) == w("con cần làm giấy khai sinh")
    assert DiacriticRestorer.from_state({}).restore(["toi"]) == ["toi"]


def test_a_long_message_is_restored_in_linear_time() -> None:
    # hostile input: thousands of syllables, each with several candidates
    r = restorer()
    out = r.restore(["can"] * 3000)
    assert len(out) == 3000 and set(out) <= {"căn", "cần", "cán", "cân"}


def _trained_tokenizer(tmp_path) -> VietnameseTokenizer:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("tokenizer")
    context = ExecutionContext(GraphSchema({}), "test")
    config = VietnameseTokenizer.get_default_config()
    tokenizer = VietnameseTokenizer.create(config, storage, resource, context)
    tokenizer.train(TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in CORPUS]))
    return VietnameseTokenizer.load(config, storage, resource, context)


def test_the_tokenizer_restores_only_messages_typed_without_diacritics(tmp_path) -> None:
    tokenizer = _trained_tokenizer(tmp_path)
    assert tokenizer.restorer is not None
    plain = Message(data={TEXT: "Toi muon lam CCCD, can giay to gi"})
    tokenizer.process([plain])
    # abbreviations are expanded before restoring; the text as typed is untouched
    assert embedding_text(plain) == "tôi muốn làm căn cước công dân cần giấy tờ gì"
    assert plain.get(TEXT) == "Toi muon lam CCCD, can giay to gi"
    assert " ".join(t.text for t in plain.get(TOKENS_NAMES[TEXT])).startswith("Toi muon lam")
    # one mark typed: the citizen writes with diacritics, nothing is guessed
    partial = Message(data={TEXT: "toi muốn lam can cuoc"})
    tokenizer.process([partial])
    assert not any(t.get(RESTORED) for t in partial.get(TOKENS_NAMES[TEXT]))
    assert embedding_text(partial) == "toi muốn lam can cuoc"
