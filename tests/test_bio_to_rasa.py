"""The converter from the JointBERT/JointIDSF data layout to Rasa NLU YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from tests.scripts import load_script

bio_to_rasa = load_script("bio_to_rasa")


def write_split(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(("seq.in", "seq.out", "label")):
        (folder / name).write_text("".join(row[index] + "\n" for row in rows), encoding="utf-8")
    return folder


def test_a_split_becomes_rasa_examples_with_exact_entity_spans(tmp_path) -> None:
    split = write_split(
        tmp_path / "train",
        [
            (
                "giá vé từ đà_nẵng đến quy nhơn",
                "O O O B-fromloc.city_name O B-toloc.city_name I-toloc.city_name",
                "airfare",
            ),
            ("chuyến bay sáng thứ hai", "O O B-period B-day_name I-day_name", "flight"),
            ("thứ hai thứ ba", "B-day B-day I-day I-day", "flight"),
        ],
    )
    out = tmp_path / "train.yml"
    assert bio_to_rasa.main([str(split), str(out)]) == 0
    data = load_data(str(out))
    examples = {m.get("text"): m for m in data.training_examples}
    first = examples["giá vé từ đà nẵng đến quy nhơn"]
    assert first.get("intent") == "airfare"
    assert [(e["entity"], e["value"]) for e in first.get("entities")] == [
        ("fromloc.city_name", "đà nẵng"),
        ("toloc.city_name", "quy nhơn"),
    ]
    # two adjacent spans of the same type stay two spans
    adjacent = examples["thứ hai thứ ba"].get("entities")
    assert [e["value"] for e in adjacent] == ["thứ", "hai thứ ba"]
    assert [e["entity"] for e in examples["chuyến bay sáng thứ hai"].get("entities")] == [
        "period",
        "day_name",
    ]


def test_an_inside_tag_without_a_beginning_starts_a_span() -> None:
    text = bio_to_rasa.annotate(["bay", "đến", "huế"], ["O", "I-to", "I-to"])
    assert text == "bay [đến huế](to)"


def test_mismatched_files_are_reported_not_half_converted(tmp_path, capsys) -> None:
    split = write_split(tmp_path / "bad", [("một hai", "O", "x")])
    out = tmp_path / "bad.yml"
    assert bio_to_rasa.main([str(split), str(out)]) == 1
    assert "2 tokens but 1 tags" in capsys.readouterr().err
    assert not out.exists()
    (split / "label").write_text("x\ny\n", encoding="utf-8")
    with pytest.raises(bio_to_rasa.FormatError, match="differ in length"):
        bio_to_rasa.convert(split)


def test_a_missing_directory_is_a_clear_error(tmp_path, capsys) -> None:
    assert bio_to_rasa.main([str(tmp_path / "nowhere"), str(tmp_path / "x.yml")]) == 1
    assert "cannot convert" in capsys.readouterr().err
