"""The checker and merger of candidate NLU examples (scripts/nlu_candidates.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from tests.scripts import load_script

nlu_candidates = load_script("nlu_candidates")

TOPIC = """version: "3.1"
nlu:
  - intent: complain
    examples: |
      - chờ mãi không thấy ai tiếp
"""
CANDIDATES = """nlu:
- intent: complain
  examples: |
    - Chờ mãi KHÔNG thấy ai tiếp!
    - hồ sơ [khai sinh](procedure) nộp [hôm thứ hai](date) mà trễ hẹn rồi
    - ho so bi tra lai ba lan roi
    - hồ sơ [khai sinh](procedur) bị trả lại
    - Hồ sơ khai sinh nộp hôm thứ hai, mà trễ hẹn rồi.
- intent: vent
  examples: |
    - bực mình quá đi mất
"""


@pytest.fixture()
def topic_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "feedback.yml").write_text(TOPIC, encoding="utf-8")
    monkeypatch.setattr(nlu_candidates, "NLU_DIR", folder)
    monkeypatch.setattr(nlu_candidates, "HELDOUT_FILE", tmp_path / "missing.txt")
    return folder


def test_check_rejects_unknown_names_unaccented_text_and_duplicates(topic_dir, capsys) -> None:
    candidates = topic_dir.parent / "new.yml"
    candidates.write_text(CANDIDATES, encoding="utf-8")
    accepted = nlu_candidates.check([candidates])
    assert [raw for _, _, raw in accepted] == [
        "hồ sơ [khai sinh](procedure) nộp [hôm thứ hai](date) mà trễ hẹn rồi"
    ]
    report = capsys.readouterr().out
    assert "duplicate of an existing complain example" in report  # case and "!" ignored
    assert "no diacritics" in report
    assert "unknown entity procedur" in report
    assert "unknown intent vent" in report
    # same letters as the accepted one without its annotations: a duplicate of a candidate
    assert "duplicate of another candidate (complain)" in report


def test_merge_appends_to_the_topic_file_of_the_intent_keeping_its_indentation(
    topic_dir,
) -> None:
    candidates = topic_dir.parent / "new.yml"
    candidates.write_text(CANDIDATES, encoding="utf-8")
    nlu_candidates.merge(nlu_candidates.check([candidates]))
    merged = load_data(str(topic_dir / "feedback.yml"))
    texts = {m.get("text"): m for m in merged.training_examples}
    added = texts["hồ sơ khai sinh nộp hôm thứ hai mà trễ hẹn rồi"]
    assert added.get("intent") == "complain"
    assert [(e["entity"], e["value"]) for e in added.get("entities")] == [
        ("procedure", "khai sinh"),
        ("date", "hôm thứ hai"),
    ]
    assert len(texts) == 2
    assert "\n  - intent: complain\n    examples: |\n      - hồ sơ" in (
        topic_dir / "feedback.yml"
    ).read_text("utf-8")


def test_the_data_checks_run_on_a_merged_copy_and_report_what_breaks_them(tmp_path) -> None:
    candidates = tmp_path / "new.yml"
    candidates.write_text(
        "nlu:\n- intent: complain\n  examples: |\n"
        "    - [đổi căn cước](procedure) cho bố mà hẹn hai tháng chưa có, bực quá\n",
        encoding="utf-8",
    )
    before = {p.name: p.read_text("utf-8") for p in nlu_candidates.NLU_DIR.glob("*.yml")}
    accepted = nlu_candidates.check([candidates])
    assert len(accepted) == 1  # each example alone is fine...
    failures = "\n".join(nlu_candidates.data_rule_failures(accepted))
    # ...but the data checks want the verb outside the procedure annotation
    assert "test_procedure_annotations_leave_out_the_verb" in failures
    assert "đổi căn cước" in failures
    fixed = [(candidates, "complain", accepted[0][2].replace("[đổi căn cước]", "đổi [căn cước]"))]
    assert nlu_candidates.data_rule_failures(fixed) == []
    # the repository's own files are never touched
    assert {p.name: p.read_text("utf-8") for p in nlu_candidates.NLU_DIR.glob("*.yml")} == before
