"""Evaluation metrics and the held-out split (fast: no training, no model)."""

from __future__ import annotations

from collections import Counter

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import metrics
from bot.nlu.evaluate import (
    HELDOUT_FILE,
    ROOT,
    frozen_split_indices,
    group_key,
    held_out,
    read_heldout,
    split_indices,
    split_training_data,
    write_heldout,
    write_section,
)

# --- entities ----------------------------------------------------------------------------------


def test_exact_span_entity_scores_count_partial_overlaps_as_wrong() -> None:
    true = [
        [("commune", 6, 16), ("dossier_code", 27, 52)],
        [("procedure", 4, 13)],
        [("date", 0, 5)],
    ]
    predicted = [
        # commune exact (TP); dossier_code exact (TP)
        [("commune", 6, 16), ("dossier_code", 27, 52)],
        # procedure 4..9 only overlaps the true 4..13: one FP and one FN, not a hit
        [("procedure", 4, 9)],
        # date missed (FN); a phone_number invented (FP)
        [("phone_number", 10, 20)],
    ]
    scores = metrics.entity_scores(true, predicted)
    # TP = 2 (commune, dossier_code); FP = 2 (procedure 4..9, phone); FN = 2 (procedure, date)
    # P = 2/4 = 0.5, R = 2/4 = 0.5, F1 = 2*0.5*0.5/(0.5+0.5) = 0.5
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (2, 2, 2)
    assert scores.overall.precision == pytest.approx(0.5)
    assert scores.overall.recall == pytest.approx(0.5)
    assert scores.overall.f1 == pytest.approx(0.5)
    # per type: commune 1/0/0 -> F1 1; procedure 0/1/1 -> F1 0; date 0/0/1 -> P 0, R 0, F1 0;
    # phone_number 0/1/0 -> P 0, R 0 (nothing true but something invented), F1 0
    assert scores.per_type["commune"].f1 == 1.0
    assert scores.per_type["procedure"].f1 == 0.0
    assert scores.per_type["date"].recall == 0.0
    assert scores.per_type["phone_number"].precision == 0.0
    assert scores.per_type["phone_number"].support == 0


def test_same_span_with_the_wrong_type_is_wrong() -> None:
    # ("procedure", 0, 9) vs ("commune", 0, 9): TP 0, FP 1, FN 1 -> P = R = F1 = 0
    scores = metrics.entity_scores([[("procedure", 0, 9)]], [[("commune", 0, 9)]])
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (0, 1, 1)
    assert scores.overall.f1 == 0.0


def test_empty_predictions_give_zero_recall_and_zero_f1() -> None:
    # TP 0, FP 0, FN 3 -> precision 0 by convention (something was to be found), recall 0/3 = 0
    scores = metrics.entity_scores(
        [[("date", 0, 4), ("commune", 5, 9)], [("date", 1, 3)]], [[], []]
    )
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (0, 0, 3)
    assert scores.overall.precision == 0.0
    assert scores.overall.recall == 0.0
    assert scores.overall.f1 == 0.0
    assert scores.per_type["date"].support == 2


def test_no_entities_anywhere_is_perfect() -> None:
    # nothing true, nothing predicted: P = R = F1 = 1 (nothing missed, nothing invented)
    scores = metrics.entity_scores([[], []], [[], []])
    assert scores.overall.f1 == 1.0
    assert scores.per_type == {}


def test_duplicated_prediction_counts_once_right_and_once_wrong() -> None:
    # true {date 0..4}; predicted date 0..4 twice -> TP 1, FP 1, FN 0 -> P 0.5, R 1, F1 2/3
    scores = metrics.entity_scores([[("date", 0, 4)]], [[("date", 0, 4), ("date", 0, 4)]])
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (1, 1, 0)
    assert scores.overall.f1 == pytest.approx(2 / 3)


def test_entities_are_matched_per_message() -> None:
    # the right span in the wrong message is no hit: message 0 FN 1, message 1 FP 1
    scores = metrics.entity_scores([[("date", 0, 4)], []], [[], [("date", 0, 4)]])
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (0, 1, 1)


def test_entity_lists_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        metrics.entity_scores([[]], [[], []])


# --- intents -----------------------------------------------------------------------------------


def test_macro_f1_with_a_class_never_predicted_and_fallback_counted_wrong() -> None:
    true = ["greet", "greet", "thank", "thank", "deny"]
    predicted = ["greet", "thank", "thank", "nlu_fallback", "greet"]
    scores = metrics.intent_scores(true, predicted)
    # accuracy: greet ok, thank ok -> 2/5 = 0.4
    # greet: TP 1, FP 1 (deny->greet), FN 1 (greet->thank): P 1/2, R 1/2, F1 1/2
    # thank: TP 1, FP 1 (greet->thank), FN 1 (thank->nlu_fallback): F1 1/2
    # deny: never predicted: TP 0, FN 1 -> F1 0
    # nlu_fallback is not a class of the average: macro F1 = (1/2 + 1/2 + 0) / 3 = 1/3
    # fallback rate: 1/5 = 0.2
    assert scores.accuracy == pytest.approx(0.4)
    assert scores.per_intent["deny"].f1 == 0.0
    assert scores.per_intent["greet"].f1 == pytest.approx(0.5)
    assert "nlu_fallback" not in scores.per_intent
    assert scores.macro_f1 == pytest.approx(1 / 3)
    assert scores.fallback_rate == pytest.approx(0.2)


def test_perfect_intents() -> None:
    scores = metrics.intent_scores(["a", "b", "b"], ["a", "b", "b"])
    assert (scores.accuracy, scores.macro_f1, scores.fallback_rate) == (1.0, 1.0, 0.0)


def test_no_intents_gives_zeros_not_an_error() -> None:
    scores = metrics.intent_scores([], [])
    assert (scores.accuracy, scores.macro_f1) == (0.0, 0.0)


def test_confusions_are_ranked_with_examples() -> None:
    true = ["ask_fee", "ask_fee", "ask_fee", "greet", "thank"]
    predicted = ["ask_documents", "ask_documents", "ask_fee", "thank", "thank"]
    texts = ["phí bao nhiêu", "lệ phí", "mất bao tiền", "chào", "cảm ơn"]
    # ask_fee -> ask_documents twice, greet -> thank once; correct predictions are not listed
    found = metrics.confusions(true, predicted, texts, top=5, examples=1)
    assert [(c.true, c.predicted, c.count) for c in found] == [
        ("ask_fee", "ask_documents", 2),
        ("greet", "thank", 1),
    ]
    assert found[0].examples == ("phí bao nhiêu",)


def test_percentile_interpolates_like_numpy() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    # rank = (n-1) * q/100: p50 -> 1.5 -> 20 + 0.5*10 = 25; p95 -> 2.85 -> 30 + 0.85*10 = 38.5
    assert metrics.percentile(values, 50) == pytest.approx(25.0)
    assert metrics.percentile(values, 95) == pytest.approx(38.5)
    assert metrics.percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        metrics.percentile([], 50)


# --- split -------------------------------------------------------------------------------------


def _data() -> tuple[list[str], list[str]]:
    intents, texts = [], []
    for intent, n in [("ask_fee", 20), ("greet", 10), ("thank", 7), ("skip", 4)]:
        for i in range(n):
            intents.append(intent)
            texts.append(f"{intent} câu số {i}")
    return intents, texts


def test_split_is_stratified_disjoint_and_complete() -> None:
    intents, texts = _data()
    train, test = split_indices(intents, texts, 0.2, seed=42)
    assert set(train).isdisjoint(test)
    assert sorted(train + test) == list(range(len(intents)))
    # round(20*0.2) = 4, round(10*0.2) = 2, round(7*0.2) = round(1.4) = 1, "skip" has 4 < 5: none
    assert Counter(intents[i] for i in test) == {"ask_fee": 4, "greet": 2, "thank": 1}


def test_split_is_deterministic_for_a_seed_and_changes_with_it() -> None:
    intents, texts = _data()
    first = split_indices(intents, texts, 0.2, seed=42)
    assert split_indices(intents, texts, 0.2, seed=42) == first
    # input order does not matter: reversing the data selects the same texts
    rev_train, rev_test = split_indices(intents[::-1], texts[::-1], 0.2, seed=42)
    assert {texts[::-1][i] for i in rev_test} == {texts[i] for i in first[1]}
    assert any(split_indices(intents, texts, 0.2, seed=s)[1] != first[1] for s in range(1, 5))


def test_small_intents_stay_in_training() -> None:
    intents = ["rare"] * 4 + ["common"] * 10
    texts = [f"câu {i}" for i in range(14)]
    train, test = split_indices(intents, texts, 0.5, seed=1)
    assert all(intents[i] == "common" for i in test)
    assert {i for i in range(4)} <= set(train)


def test_near_duplicates_stay_on_one_side() -> None:
    # "Hồ sơ đến đâu rồi?" and "ho so den dau roi" are the same message typed differently
    intents = ["check"] * 10
    texts = ["Hồ sơ đến đâu rồi?", "ho so den dau roi"] + [f"hỏi lần {i}" for i in range(8)]
    assert group_key(texts[0]) == group_key(texts[1])
    for seed in range(20):
        train, test = split_indices(intents, texts, 0.3, seed=seed)
        assert (0 in test) == (1 in test)


def test_split_refuses_a_bad_fraction() -> None:
    with pytest.raises(ValueError):
        split_indices(["a"], ["x"], 1.0, seed=1)


def test_regex_and_lookup_entries_stay_out_of_the_test_part() -> None:
    examples = [Message.build(text=f"hồ sơ {i} đến đâu", intent="check") for i in range(10)]
    examples[0] = Message.build(
        text="tra mã 000.00.01.H26-250708-0003",
        intent="check",
        entities=[{"entity": "dossier_code", "start": 7, "end": 32, "value": "x"}],
    )
    data = TrainingData(
        examples,
        regex_features=[{"name": "dossier_code", "pattern": r"\d{3}\.\d{2}"}],
        lookup_tables=[{"name": "commune", "elements": ["Sóc Sơn", "Mê Linh"]}],
        entity_synonyms={"soc son": "Sóc Sơn"},
    )
    train, test = split_training_data(data, 0.2, seed=42)
    assert len(test.training_examples) == 2 and len(train.training_examples) == 8
    assert test.regex_features == [] and test.lookup_tables == []
    assert train.regex_features == data.regex_features
    assert train.lookup_tables == data.lookup_tables
    test_texts = {m.get("text") for m in test.training_examples}
    assert test_texts.isdisjoint(m.get("text") for m in train.training_examples)
    # the held-out records keep the annotated spans
    records = {r.text: r for r in held_out(data)}
    assert records["tra mã 000.00.01.H26-250708-0003"].entities == (("dossier_code", 7, 32),)


def test_frozen_heldout_round_trips_and_keeps_its_messages_when_data_grows(tmp_path) -> None:
    intents, texts = _data()
    _, test = split_indices(intents, texts, 0.2, seed=42)
    path = tmp_path / "heldout.txt"
    assert write_heldout(path, [texts[i] for i in test], "drawn for a test\nsecond line") == 7
    assert path.read_text("utf-8").startswith("# drawn for a test\n# second line\n")
    keys = read_heldout(path)
    assert frozen_split_indices(intents, texts, keys) == split_indices(intents, texts, 0.2, 42)
    # new examples (and a relabelled one) do not move held-out messages, and a retyped copy
    # of a held-out message (no diacritics, other case) is held out with it
    grown_intents = intents + ["greet"] * 30 + ["ask_fee"]
    grown_texts = texts + [f"câu mới {i}" for i in range(30)] + [texts[test[0]].upper()]
    grown_intents[test[1]] = "thank"
    train2, test2 = frozen_split_indices(grown_intents, grown_texts, keys)
    assert [grown_texts[i] for i in test2] == [texts[i] for i in test] + [grown_texts[-1]]
    assert grown_intents[test[1]] == "thank" and test[1] in test2
    assert sorted(train2 + test2) == list(range(len(grown_texts)))


def test_the_repository_heldout_file_matches_nlu_data() -> None:
    # every frozen key still names an example: dropping or rephrasing a held-out message
    # silently shrinks the yardstick, so it must be a deliberate, visible change
    from bot.nlu.evaluate import load_nlu

    data = load_nlu(str(ROOT / "config.yml"), [str(ROOT / "nlu_data")])
    found = {group_key(m.get("text") or "") for m in data.training_examples if m.get("intent")}
    keys = read_heldout(HELDOUT_FILE)
    assert len(keys) > 1000
    assert keys - found == set()


# --- report file -------------------------------------------------------------------------------


def test_write_section_replaces_only_between_its_markers(tmp_path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    write_section(path, "eval", "first")
    assert path.read_text().startswith("# Benchmarks")
    text = path.read_text() + "\n<!-- other:start -->\nkeep me\n<!-- other:end -->\nfooter\n"
    path.write_text(text)
    write_section(path, "eval", "second")
    write_section(path, "bench", "timings")
    result = path.read_text()
    assert "first" not in result
    assert "<!-- eval:start -->\nsecond\n<!-- eval:end -->" in result
    assert "<!-- other:start -->\nkeep me\n<!-- other:end -->\nfooter" in result
    assert result.rstrip().endswith("<!-- bench:start -->\ntimings\n<!-- bench:end -->")
