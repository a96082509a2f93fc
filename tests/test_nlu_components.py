"""The CRF's syllable units, tags and features, and the classifier's entity view, without a
trained model."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pycrfsuite
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.classifier import entity_view
from bot.nlu.crf import (
    decode,
    open_tagger,
    syllable_features,
    syllable_tags,
    syllable_units,
)
from bot.nlu.lookup import LookupMatcher, RegexMatcher
from bot.nlu.segment import build_lexicon
from bot.nlu.text import strip_diacritics
from bot.nlu.tokenizer import tokens_for

NO_LOOKUPS = LookupMatcher({})
NO_REGEXES = RegexMatcher({})


def entity(label: str, text: str, value: str) -> dict:
    start = text.index(value)
    return {"entity": label, "start": start, "end": start + len(value)}


def test_units_are_syllables_with_their_word_and_offsets() -> None:
    text = "Làm thủ tục khai sinh"
    units = syllable_units(tokens_for(text))
    assert [text[u.start : u.end] for u in units] == ["Làm", "thủ", "tục", "khai", "sinh"]
    assert [u.text for u in units] == ["lam", "thu", "tuc", "khai", "sinh"]
    thu, tuc = units[1], units[2]
    assert (thu.word, thu.position, tuc.position) == ("thu_tuc", "B", "E")
    assert thu.token == tuc.token != units[0].token
    assert units[0].position == "S"


def test_an_entity_edge_inside_a_word_token_survives_tags_and_decoding() -> None:
    # one token for "thủ tục" while the entity starts at its second syllable
    text = "thủ tục khai sinh"
    tokens = tokens_for(text)
    assert tokens[0].text == "thủ tục"
    units = syllable_units(tokens)
    gold = [entity("procedure", text, "tục khai sinh")]
    tags = syllable_tags(units, gold, "bio")
    assert tags == ["O", "B-procedure", "I-procedure", "I-procedure"]
    found = decode(units, tags, [0.9] * len(tags), text)
    assert [(e["entity"], e["value"]) for e in found] == [("procedure", "tục khai sinh")]
    bilou = syllable_tags(units, gold, "bilou")
    assert bilou == ["O", "B-procedure", "I-procedure", "L-procedure"]
    assert decode(units, bilou, [0.9] * 4, text)[0]["end"] == len(text)


def test_decoding_tolerates_ill_formed_tags() -> None:
    text = "hà nội đến huế"
    units = syllable_units(tokens_for(text))
    tags = ["I-from", "I-from", "O", "B-to"]  # starts with I-, as a CRF may predict
    found = decode(units, tags, [0.8, 0.6, 1.0, 0.7], text)
    assert [(e["entity"], e["value"], e["confidence_entity"]) for e in found] == [
        ("from", "hà nội", 0.6),
        ("to", "huế", 0.7),
    ]


def test_features_are_the_same_typed_without_diacritics() -> None:
    text = "tôi muốn đổi căn cước ở xã Sóc Sơn"
    plain = strip_diacritics(text)
    lexicon = build_lexicon([text])  # as learned in training: segments the unaccented form
    tokens, plain_tokens = tokens_for(text, lexicon=lexicon), tokens_for(plain, lexicon=lexicon)
    assert [t.lemma for t in tokens] == [t.lemma for t in plain_tokens]
    lookups = LookupMatcher({"commune": ["xã Sóc Sơn"]})
    accented = syllable_features(tokens, syllable_units(tokens), text, lookups, NO_REGEXES)
    unaccented = syllable_features(
        plain_tokens, syllable_units(plain_tokens), plain, lookups, NO_REGEXES
    )
    assert accented == unaccented
    # the lookup entry is flagged on its syllables, whatever the segmentation
    assert [f.get("lk[0]:commune") for f in accented[-3:]] == ["B", "I", "L"]


def test_numbers_share_a_feature_and_keep_their_shape() -> None:
    text = "số 0912345678"
    tokens = tokens_for(text)
    features = syllable_features(tokens, syllable_units(tokens), text, NO_LOOKUPS, NO_REGEXES)
    assert features[-1]["s"] == "NUM"
    assert features[-1]["shape"] == "dd"
    assert features[0]["s[+1]"] == "NUM"
    date = "ngày 12/10"
    tokens = tokens_for(date)
    features = syllable_features(tokens, syllable_units(tokens), date, NO_LOOKUPS, NO_REGEXES)
    assert (features[-1]["s"], features[-1]["shape"]) == ("NUM", "dd/dd")


def test_context_words_show_each_syllable_the_words_around_it() -> None:
    text = "chuyến bay hạ cánh trước 9 giờ tối"
    tokens = tokens_for(text)
    units = syllable_units(tokens)
    plain = syllable_features(tokens, units, text, NO_LOOKUPS, NO_REGEXES)
    assert not [k for f in plain for k in f if k[:2] in ("<:", ">:")]
    features = syllable_features(tokens, units, text, NO_LOOKUPS, NO_REGEXES, context_words=True)
    before = {u.word for u in units[:4]}  # chuyến bay hạ cánh, however segmented
    truoc = next(i for i, u in enumerate(units) if u.text == "truoc")
    cues = features[truoc]
    assert {k[2:] for k in cues if k.startswith("<:")} == before
    assert {k[2:] for k in cues if k.startswith(">:")} == {"gio", "toi"}  # no number
    assert "<:truoc" not in cues and ">:truoc" not in cues  # not its own word


def test_a_crf_trained_on_syllables_finds_an_entity_inside_a_word() -> None:
    """End to end through crfsuite: the learned entity edge falls inside a segmented word."""
    examples = [
        ("vé khứ hồi hạng nhất", [("round_trip", "khứ hồi"), ("class", "hạng nhất")]),
        ("cho tôi vé hạng nhất", [("class", "hạng nhất")]),
        ("vé khứ hồi đi huế", [("round_trip", "khứ hồi")]),
    ] * 5
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for text, spans in examples:
        tokens = tokens_for(text)
        units = syllable_units(tokens)
        gold = [entity(label, text, value) for label, value in spans]
        features = syllable_features(tokens, units, text, NO_LOOKUPS, NO_REGEXES)
        trainer.append(features, syllable_tags(units, gold, "bio"))
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 50})
    with tempfile.TemporaryDirectory() as tmp:
        trainer.train(f"{tmp}/m")
        tagger = open_tagger(Path(f"{tmp}/m").read_bytes())
    text = "vé khứ hồi hạng nhất đi huế"
    tokens = tokens_for(text)
    units = syllable_units(tokens)
    tagger.set(syllable_features(tokens, units, text, NO_LOOKUPS, NO_REGEXES))
    tags = tagger.tag()
    found = {(e["entity"], e["value"]) for e in decode(units, tags, [1.0] * len(tags), text)}
    assert found == {("round_trip", "khứ hồi"), ("class", "hạng nhất")}


def message_with(text: str, spans: list[tuple[str, str]]) -> Message:
    message = Message({TEXT: text})
    message.set(TOKENS_NAMES[TEXT], tokens_for(text))
    message.set(ENTITIES, [entity(label, text, value) for label, value in spans])
    return message


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("căn cước hết bao lâu", [("procedure", "căn cước")], "ENT:procedure het bao_lau"),
        (
            "làm khai sinh ở xã Sóc Sơn",
            [("procedure", "khai sinh"), ("commune", "xã Sóc Sơn")],
            "lam ENT:procedure o ENT:commune",
        ),
        ("hồ sơ đến đâu rồi", [], "ho_so den dau roi"),
    ],
)
def test_entity_view_replaces_each_entity_by_its_type(text, spans, expected) -> None:
    assert entity_view(message_with(text, spans)) == expected


def test_entity_view_counts_a_partly_covered_token_in_the_entity() -> None:
    # a predicted entity may end inside a token: the token belongs to the entity once
    text = "thủ tục khai sinh"
    assert entity_view(message_with(text, [("procedure", "tục khai sinh")])) == "ENT:procedure"


@pytest.mark.parametrize("solver", ["lbfgs", "liblinear"])
def test_the_classifier_state_survives_saving_and_loading(tmp_path, solver: str) -> None:
    import numpy as np
    import scipy.sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    from bot.nlu.classifier import load_state, save_state

    texts = ["ENT:procedure het bao_lau", "lam ENT:procedure o dau", "cam on chau", "chao chau"]
    labels = ["time", "where", "thank", "greet"]
    counts = scipy.sparse.csr_matrix(np.eye(4) + 1)
    view = CountVectorizer(ngram_range=(1, 2), lowercase=False, token_pattern=r"\S+")  # noqa: S106
    view_counts = view.fit_transform(texts)
    state = {
        "width": 4,
        "tfidf": TfidfTransformer(sublinear_tf=True).fit(counts),
        "view": view,
        "view_tfidf": TfidfTransformer(sublinear_tf=True).fit(view_counts),
    }
    X = scipy.sparse.hstack(
        [state["tfidf"].transform(counts), state["view_tfidf"].transform(view_counts)]
    )
    # liblinear is one-vs-rest: its probabilities are normalised sigmoids, not a softmax, so
    # the loaded model must know which solver fitted it
    state["model"] = LogisticRegression(C=100, solver=solver).fit(X, labels)
    save_state(state, tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    loaded = load_state(tmp_path)
    new_counts = loaded["view"].transform(["ENT:procedure o dau nhe"])
    assert (new_counts != view.transform(["ENT:procedure o dau nhe"])).nnz == 0
    X2 = scipy.sparse.hstack(
        [loaded["tfidf"].transform(counts), loaded["view_tfidf"].transform(view_counts)]
    )
    assert np.allclose(loaded["model"].predict_proba(X2), state["model"].predict_proba(X))
    assert list(loaded["model"].classes_) == list(state["model"].classes_)


def test_loading_a_missing_classifier_state_raises_for_the_component_to_handle(tmp_path) -> None:
    from bot.nlu.classifier import load_state

    with pytest.raises(FileNotFoundError):
        load_state(tmp_path)
