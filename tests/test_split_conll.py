"""The CoNLL-style splitter that prepares an external data set for `make bench-external`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scripts import load_script

split_conll = load_script("split_conll")
bio_to_rasa = load_script("bio_to_rasa")


def utterance(words: str, tags: str, intent: str) -> str:
    lines = [f"{w} {t}" for w, t in zip(words.split(), tags.split(), strict=True)]
    return "\n".join([*lines, intent, ""]) + "\n"


def corpus(per_intent: int = 10) -> str:
    parts = []
    for n in range(per_intent):
        parts.append(
            utterance(f"giá vé đi đà_nẵng lần {n}", "O O O B-toloc.city_name O O", "airfare")
        )
        parts.append(utterance(f"chuyến bay thứ_hai số {n}", "O O B-day_name O O", "flight"))
    return "".join(parts)


def test_utterances_are_read_with_their_tags_and_intent_and_duplicates_dropped() -> None:
    text = (
        utterance("giá vé đến huế", "O O O B-toloc.city_name", "airfare")
        + utterance("giá vé đến huế", "O O O B-toloc.city_name", "airfare")
        + utterance("khứ_hồi", "B-round_trip", "flight")
    )
    parsed = split_conll.parse(text)
    assert [u.intent for u in parsed] == ["airfare", "flight"]
    assert parsed[0].words == ("giá", "vé", "đến", "huế")
    assert parsed[0].tags == ("O", "O", "O", "B-toloc.city_name")


@pytest.mark.parametrize(
    "text",
    [
        "giá O\nvé O extra\nairfare\n",  # three fields on a line
        "airfare\n",  # an intent with no words
        "giá O\nvé O\n",  # words with no intent line at the end
    ],
)
def test_malformed_input_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(split_conll.FormatError):
        split_conll.parse(text)


def test_the_split_is_by_intent_reproducible_and_readable_by_the_converter(tmp_path: Path) -> None:
    source = tmp_path / "train.txt"
    source.write_text(corpus(), encoding="utf-8")
    assert split_conll.main([str(source), str(tmp_path / "a"), "--seed", "7"]) == 0
    assert split_conll.main([str(source), str(tmp_path / "b"), "--seed", "7"]) == 0
    assert split_conll.main([str(source), str(tmp_path / "c"), "--seed", "8"]) == 0
    labels = (tmp_path / "a" / "test" / "label").read_text(encoding="utf-8").split()
    assert sorted(labels) == ["airfare"] * 2 + ["flight"] * 2  # 20% of each intent
    for name in ("seq.in", "seq.out", "label"):
        for part in ("train", "test"):
            a = (tmp_path / "a" / part / name).read_text(encoding="utf-8")
            assert a == (tmp_path / "b" / part / name).read_text(encoding="utf-8")
    tests = {
        seed: (tmp_path / seed / "test" / "seq.in").read_text(encoding="utf-8") for seed in "ac"
    }
    assert tests["a"] != tests["c"]
    # every utterance lands on exactly one side, and the converter takes both sides
    train_lines = (tmp_path / "a" / "train" / "seq.in").read_text(encoding="utf-8").splitlines()
    assert len(train_lines) + len(labels) == 20
    assert set(train_lines).isdisjoint(tests["a"].splitlines())
    for part in ("train", "test"):
        assert bio_to_rasa.main([str(tmp_path / "a" / part), str(tmp_path / f"{part}.yml")]) == 0


def test_an_unreadable_file_gets_a_message_not_a_traceback(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    assert split_conll.main([str(bad), str(tmp_path / "out")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert split_conll.main([str(tmp_path / "missing.txt"), str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()
