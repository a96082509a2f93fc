"""Checks on the NLU training data in nlu_data/ (fast: no training).

The data is loaded the way ``rasa train`` loads it: every NLU file under nlu_data/ read with
Rasa's ``load_data`` and merged. Because Rasa silently drops exact duplicates, the YAML files are
also read raw to find them. ``NLU_DATA_DIR`` points the checks at another copy of the data
(scripts/nlu_candidates.py runs them on nlu_data/ with candidate examples merged in).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import rasa.shared.data
import yaml
from rasa.shared.nlu.training_data import entities_parser
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NLU_DATA_DIR") or ROOT / "nlu_data")
LOOKUP_FILE = DATA_DIR / "nlu" / "lookup_commune.yml"
gen_commune_lookup = load_script("gen_commune_lookup")

MIN_EXAMPLES = 40
PROCEDURE_QUESTION_INTENTS = {
    "ask_procedure",
    "ask_documents",
    "ask_fee",
    "ask_processing_time",
    "ask_where_to_file",
    "ask_how_to_file_online",
}
MIN_PROCEDURE_QUESTION_EXAMPLES = 60
REQUIRED_INTENTS = sorted(
    {
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "help",
        "check_dossier_status",
        "give_feedback",
        "complain",
        "talk_to_human",
        "repeat",
        "simpler",
        "out_of_scope",
        "bot_challenge",
        "inform",
        "give_dossier_code",
    }
    | PROCEDURE_QUESTION_INTENTS
)
REQUIRED_ENTITIES = ["procedure", "dossier_code", "date", "phone_number", "commune"]
MIN_ENTITY_ANNOTATIONS = 30
# Verbs that come before a procedure name and must stay outside the annotation.
VERBS_BEFORE_PROCEDURE = {"làm", "xin", "nộp", "cấp", "đổi", "rút", "hưởng", "lĩnh", "gia"}
# Words that are correct without any diacritics: toneless syllables, abbreviations, loanwords.
# An example written entirely in ASCII may only use these (plus numbers and codes).
ASCII_WORDS = frozenset(
    ["a", "ad", "alo", "anh", "back", "bye", "cccd", "cho", "comment", "con", "e", "em", "free"]
    + ["gks", "good", "goodbye", "help", "hello", "helo", "hi", "k", "khai", "ko", "me", "menu"]
    + ["morning", "much", "next", "nha", "no", "nope", "ok", "oke", "okela", "otp", "rate", "sao"]
    + ["see", "sdt", "sinh", "skip", "so", "start", "thank", "thanks", "tks", "u", "uk", "xong"]
    + ["yes", "you"]
)


def _nlu_files() -> list[str]:
    return sorted(rasa.shared.data.get_data_files([str(DATA_DIR)], rasa.shared.data.is_nlu_file))


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    data_sets = [load_data(path, "vi") for path in _nlu_files()]
    assert data_sets, "no NLU training data found"
    return data_sets[0].merge(*data_sets[1:])


@pytest.fixture(scope="module")
def raw_examples() -> list[tuple[str, str, str]]:
    """(file, intent, plain text) of every example line, duplicates included."""
    rows = []
    for path in _nlu_files():
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for item in content.get("nlu") or []:
            if "intent" not in item:
                continue
            for line in str(item.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    plain = entities_parser.replace_entities(line[2:].strip())
                    rows.append((Path(path).name, item["intent"], plain))
    return rows


def _norm(text: str) -> str:
    """Case, punctuation, spacing and letters repeated for emphasis removed, diacritics kept."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"(\w)\1{2,}", r"\1", text)  # "chàooo" -> "chào"
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _entities(training_data: TrainingData) -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(m.get("text")), e)
        for m in training_data.training_examples
        for e in m.get("entities") or []
    ]


def _regex(training_data: TrainingData, name: str) -> re.Pattern[str]:
    patterns = [r["pattern"] for r in training_data.regex_features if r["name"] == name]
    assert len(patterns) == 1, f"expected one regex named {name}, found {patterns}"
    return re.compile(patterns[0], re.IGNORECASE)


def _lookup(training_data: TrainingData, name: str) -> list[str]:
    tables = [t for t in training_data.lookup_tables if t["name"] == name]
    assert len(tables) == 1, f"expected one lookup table named {name}"
    return [str(e) for e in tables[0]["elements"]]


# --- intents -------------------------------------------------------------------------------


@pytest.mark.parametrize("intent", REQUIRED_INTENTS)
def test_required_intent_has_enough_examples(training_data: TrainingData, intent: str) -> None:
    counts = Counter(m.get("intent") for m in training_data.intent_examples)
    minimum = (
        MIN_PROCEDURE_QUESTION_EXAMPLES if intent in PROCEDURE_QUESTION_INTENTS else MIN_EXAMPLES
    )
    assert counts[intent] >= minimum, f"{intent}: {counts[intent]} examples, need {minimum}"


def test_every_intent_is_declared_in_the_domain(training_data: TrainingData) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    declared = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    assert training_data.intents - declared == set()


def test_no_duplicate_example(raw_examples: list[tuple[str, str, str]]) -> None:
    seen: dict[tuple[str, str], str] = {}
    duplicates = []
    for file, intent, text in raw_examples:
        key = (intent, _norm(text))
        if key in seen:
            duplicates.append(f"{intent}: {text!r} ({seen[key]} and {file})")
        seen.setdefault(key, file)
    assert not duplicates, "\n".join(duplicates)


def test_no_example_under_two_intents(raw_examples: list[tuple[str, str, str]]) -> None:
    intents_by_text: dict[str, set[str]] = defaultdict(set)
    for _, intent, text in raw_examples:
        intents_by_text[_norm(text)].add(intent)
    clashes = {t: sorted(i) for t, i in intents_by_text.items() if len(i) > 1}
    assert not clashes, "\n".join(f"{t!r}: {i}" for t, i in clashes.items())


def test_no_example_is_an_unaccented_copy(raw_examples: list[tuple[str, str, str]]) -> None:
    variants: dict[str, set[str]] = defaultdict(set)
    for _, _, text in raw_examples:
        variants[_strip_diacritics(_norm(text))].add(_norm(text))
    copies = {k: sorted(v) for k, v in variants.items() if len(v) > 1}
    assert not copies, "differ only by diacritics:\n" + "\n".join(map(str, copies.values()))


def test_examples_are_written_with_diacritics(raw_examples: list[tuple[str, str, str]]) -> None:
    suspects = []
    for _, intent, text in raw_examples:
        if any(ord(ch) > 127 for ch in text):
            continue
        # words with digits (codes, numbers) are fine; plain words must be allowed ones
        words = [w for w in re.findall(r"[^\W_]+", text.casefold()) if not re.search(r"\d", w)]
        unknown = [w for w in words if w not in ASCII_WORDS]
        if unknown:
            suspects.append(f"{intent}: {text!r} {unknown}")
    assert not suspects, (
        "write examples with diacritics (or extend ASCII_WORDS)" + ":\n" + "\n".join(suspects)
    )


def test_examples_have_no_stray_markup(raw_examples: list[tuple[str, str, str]]) -> None:
    broken = [t for _, _, t in raw_examples if re.search(r"[\[\]{}]", t) or t != t.strip()]
    assert not broken, "\n".join(broken)


# --- entities ------------------------------------------------------------------------------


def test_entity_types_are_declared_in_the_domain(training_data: TrainingData) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert training_data.entities - set(domain["entities"]) == set()


@pytest.mark.parametrize("entity", REQUIRED_ENTITIES)
def test_enough_annotations_per_entity(training_data: TrainingData, entity: str) -> None:
    count = sum(1 for _, e in _entities(training_data) if e["entity"] == entity)
    assert count >= MIN_ENTITY_ANNOTATIONS, f"{entity}: {count} annotations"


def test_entity_values_sit_at_their_offsets_on_whole_words(training_data: TrainingData) -> None:
    bad = []
    for text, e in _entities(training_data):
        start, end, value = e["start"], e["end"], e["value"]
        if text[start:end] != value or value != value.strip() or not value:
            bad.append(f"{text!r}: {value!r} at {start}:{end}")
        elif (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            bad.append(f"{text!r}: {value!r} cuts a word")
    assert not bad, "\n".join(bad)


def test_procedure_annotations_leave_out_the_verb(training_data: TrainingData) -> None:
    bad = [
        f"{text!r}: {e['value']!r}"
        for text, e in _entities(training_data)
        if e["entity"] == "procedure" and e["value"].split()[0].casefold() in VERBS_BEFORE_PROCEDURE
    ]
    assert not bad, "\n".join(bad)


def test_dossier_codes_match_the_regex_and_carry_a_real_date(training_data: TrainingData) -> None:
    pattern = _regex(training_data, "dossier_code")
    bad = []
    for text, e in _entities(training_data):
        if e["entity"] != "dossier_code":
            continue
        value = e["value"]
        if not pattern.fullmatch(value):
            bad.append(f"{value!r} does not match")
            continue
        yymmdd = value.split("-")[1]
        try:
            received = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
        except ValueError:
            bad.append(f"{value!r} has no valid date")
            continue
        if not date(2025, 1, 1) <= received <= date(2026, 12, 31):
            bad.append(f"{value!r} dated outside 2025-2026")
    assert not bad, "\n".join(bad)


def test_dossier_codes_are_distinct_per_example(training_data: TrainingData) -> None:
    codes = Counter(
        e["value"].upper() for _, e in _entities(training_data) if e["entity"] == "dossier_code"
    )
    # the same code may appear in a few intents, but not copied everywhere
    assert max(codes.values()) <= 3
    assert len(codes) >= MIN_ENTITY_ANNOTATIONS


def test_dossier_code_regex_accepts_and_rejects() -> None:
    content = yaml.safe_load((DATA_DIR / "nlu" / "regex.yml").read_text(encoding="utf-8"))
    regexes = {
        item["regex"]: [line.strip()[2:] for line in item["examples"].splitlines() if line.strip()]
        for item in content["nlu"]
    }
    code = re.compile(regexes["dossier_code"][0], re.IGNORECASE)
    phone = re.compile(regexes["phone_number"][0])
    assert code.search("mã 000.00.01.H26-250708-0003 ạ")
    assert code.fullmatch("000.25.30.h26-260112-0147")
    for wrong in [
        "000.00.01.H26-25070-0003",
        "00.00.01.H26-250708-0003",
        "000.00.01.26-250708-0003",
    ]:
        assert not code.search(wrong), wrong
    for number in [
        "0912345678",
        "0987 654 321",
        "+84 912 345 678",
        "024 3825 1234",
        "0388.246.135",
    ]:
        assert phone.fullmatch(number), number
    for not_phone in ["091234567", "09123456789", "0112345678", "001085012345", "12345678901"]:
        assert not phone.search(not_phone), not_phone
    assert not phone.search("000.00.01.H26-250708-0003")


@pytest.mark.parametrize("entity", ["dossier_code", "phone_number"])
def test_every_regex_match_is_annotated(training_data: TrainingData, entity: str) -> None:
    pattern = _regex(training_data, entity)
    missing = []
    for message in training_data.training_examples:
        text = str(message.get("text"))
        annotated = {
            (e["start"], e["end"]) for e in message.get("entities") or [] if e["entity"] == entity
        }
        found = {m.span() for m in pattern.finditer(text)}
        if annotated != found:
            missing.append(f"{text!r}: annotated {sorted(annotated)}, regex finds {sorted(found)}")
    assert not missing, "\n".join(missing)


def test_commune_annotations_are_in_the_lookup(training_data: TrainingData) -> None:
    lookup = {e.casefold() for e in _lookup(training_data, "commune")}
    unknown = [
        e["value"]
        for _, e in _entities(training_data)
        if e["entity"] == "commune" and e["value"].casefold() not in lookup
    ]
    assert not unknown, "\n".join(unknown)


def test_every_commune_mention_is_annotated(training_data: TrainingData) -> None:
    entries = sorted(_lookup(training_data, "commune"), key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, entries)) + r")\b", re.IGNORECASE)
    missing = []
    for message in training_data.training_examples:
        text = str(message.get("text"))
        spans = [
            (e["start"], e["end"])
            for e in message.get("entities") or []
            if e["entity"] == "commune"
        ]
        for match in pattern.finditer(text):
            if not any(s <= match.start() and match.end() <= e for s, e in spans):
                missing.append(f"{text!r}: {match.group()!r}")
    assert not missing, "\n".join(missing)


# --- commune lookup ------------------------------------------------------------------------


def test_lookup_file_is_in_sync_with_the_script() -> None:
    assert LOOKUP_FILE.read_text(encoding="utf-8") == gen_commune_lookup.build_lookup_yaml(), (
        "run: .venv/bin/python scripts/gen_commune_lookup.py"
    )


def test_lookup_has_all_126_hanoi_units(training_data: TrainingData) -> None:
    mapping = json.loads(gen_commune_lookup.default_mapping_path().read_text(encoding="utf-8"))
    units, _ = gen_commune_lookup.load_hanoi_units(mapping)
    entries = set(_lookup(training_data, "commune"))
    expected = {f"{t.lower()} {name}" for t, name in units}
    assert len(expected) == 126
    assert expected <= entries
    assert {"xã Sóc Sơn", "phường Hà Đông", "xã Ba Vì", "Bát Tràng"} <= entries
    # former district names are ambiguous on their own
    assert entries.isdisjoint({"Sóc Sơn", "Hà Đông", "Ba Vì", "Đông Anh", "Cầu Giấy"})


def test_lookup_entries_rules() -> None:
    units = [("Xã", "Đông Anh"), ("Xã", "Bát Tràng"), ("Phường", "Láng"), ("Xã", "Hồng Sơn")]
    units += [("Phường", "Hồng Sơn")]
    entries = gen_commune_lookup.lookup_entries(units, old_districts={"Đông Anh"})
    assert entries[:3] == ["xã Đông Anh", "xã Bát Tràng", "Bát Tràng"]
    assert "Đông Anh" not in entries  # a former district
    assert "Láng" not in entries and "phường Láng" in entries  # an ordinary word
    assert "Hồng Sơn" not in entries  # shared by two units
    assert {"xã Hồng Sơn", "phường Hồng Sơn"} <= set(entries)


def _row(province: str, ward: str, district: str) -> dict[str, str]:
    return {"new_province_key": province, "new_ward": ward, "old_district": district}


def test_load_hanoi_units_filters_and_validates() -> None:
    rows = [
        _row("thanhphohanoi", "Xã Sóc Sơn", "Huyện Sóc Sơn"),
        _row("thanhphohanoi", "Xã Sóc Sơn", "Huyện Sóc Sơn"),
        _row("thanhphohanoi", "Phường Hà Đông", "Quận Hà Đông"),
        _row("thanhphocantho", "Phường An Bình", "Quận Ninh Kiều"),
    ]
    units, districts = gen_commune_lookup.load_hanoi_units({"ward_mapping": rows}, expected=2)
    assert units == [("Phường", "Hà Đông"), ("Xã", "Sóc Sơn")]
    assert districts == {"Sóc Sơn", "Hà Đông"}
    with pytest.raises(ValueError, match="expected 126"):
        gen_commune_lookup.load_hanoi_units({"ward_mapping": rows})
    bad = [_row("thanhphohanoi", "Thị trấn X", "")]
    with pytest.raises(ValueError, match="unexpected unit"):
        gen_commune_lookup.load_hanoi_units({"ward_mapping": bad}, expected=None)
