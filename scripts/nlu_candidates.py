"""Check candidate NLU examples, then append the accepted ones to the topic files of nlu_data/.

    .venv/bin/python scripts/nlu_candidates.py check var/new/*.yml
    .venv/bin/python scripts/nlu_candidates.py merge var/new/*.yml

Candidates are Rasa NLU YAML files (``- intent: ...`` blocks with ``examples: |``), written by
someone who worked from docs/INTENTS.md and the training-part error list of
scripts/intent_cv.py, never from nlu_data/ itself. `check` reports, per example, what would stop
it from going in:

- an intent or entity type that domain.yml does not declare, or an annotation Rasa cannot read;
- a message without diacritics (training data is written accented; the pipeline handles
  unaccented typing itself);
- a duplicate (same group key: case, diacritics, punctuation and spacing ignored) of an existing
  example, of a held-out message of `make eval`, or of another candidate.

It then merges the examples that pass into a temporary copy of nlu_data/ and runs the data
checks of tests/test_nlu_data.py on it (procedure annotations without their verb, every dossier
code, phone number and commune annotated, ASCII-only words, ...), and prints what they find.

`merge` appends the examples that pass, one block per intent, to the file of nlu_data/nlu/ that
already holds that intent (indented like that file), and prints how many went where.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data import entities_parser
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu.evaluate import HELDOUT_FILE, group_key, quiet_rasa, read_heldout  # noqa: E402
from bot.nlu.text import strip_diacritics  # noqa: E402

NLU_DIR = ROOT / "nlu_data" / "nlu"
# a message this long must carry a diacritic somewhere (short ones may be "ok", "alo", "hi")
MIN_WORDS_FOR_DIACRITICS = 3
_INTENT_LINE = re.compile(r"^(\s*)- intent: (\S+)\s*$")


def read_candidates(path: Path) -> list[tuple[str, str]]:
    """(intent, raw example line with annotations) pairs of a candidate file."""
    document = yaml.safe_load(path.read_text("utf-8")) or {}
    pairs = []
    for block in document.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((str(block["intent"]), line[2:].strip()))
    return pairs


def domain_names() -> tuple[set[str], set[str]]:
    """Intents and entity types declared in domain.yml."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))

    def names(items: list) -> set[str]:
        return {next(iter(i)) if isinstance(i, dict) else str(i) for i in items or []}

    return names(domain.get("intents")), names(domain.get("entities"))


def existing_keys() -> dict[str, str]:
    """Group key -> intent of every example already in nlu_data/nlu/."""
    keys = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for intent, raw in read_candidates(path):
            keys[group_key(entities_parser.replace_entities(raw))] = intent
    return keys


def intent_files(nlu_dir: Path) -> dict[str, Path]:
    """The topic file that already holds each intent (its first file, by name)."""
    where: dict[str, Path] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for line in path.read_text("utf-8").splitlines():
            match = _INTENT_LINE.match(line)
            if match:
                where.setdefault(match.group(2), path)
    return where


def problems(intent: str, raw: str, intents: set[str], entities: set[str]) -> list[str]:
    """Why an example cannot go in as it is (empty when it can)."""
    found = []
    if intent not in intents:
        found.append(f"unknown intent {intent}")
    snippet = f"nlu:\n- intent: {intent}\n  examples: |\n    - {raw}\n"
    try:
        parsed = RasaYAMLReader().reads(snippet).training_examples
    except Exception as error:  # noqa: BLE001 - any parse failure is reported, not raised
        return [*found, f"unreadable annotation ({error.__class__.__name__})"]
    for entity in (parsed[0].get("entities") or []) if parsed else []:
        if entity["entity"] not in entities:
            found.append(f"unknown entity {entity['entity']}")
    text = entities_parser.replace_entities(raw)
    if len(text.split()) >= MIN_WORDS_FOR_DIACRITICS and strip_diacritics(text) == text:
        found.append("no diacritics")
    return found


def check(paths: list[Path]) -> list[tuple[Path, str, str]]:
    """Print the problems of every candidate; return the (file, intent, line) that pass."""
    intents, entities = domain_names()
    known = existing_keys()
    heldout = read_heldout(HELDOUT_FILE) if HELDOUT_FILE.exists() else set()
    seen: dict[str, str] = {}
    accepted, rejected = [], Counter()
    for path in paths:
        for intent, raw in read_candidates(path):
            found = problems(intent, raw, intents, entities)
            key = group_key(entities_parser.replace_entities(raw))
            if not key:
                found.append("empty")
            elif key in heldout:
                found.append("duplicate of a held-out message")
            elif key in known:
                found.append(f"duplicate of an existing {known[key]} example")
            elif key in seen:
                found.append(f"duplicate of another candidate ({seen[key]})")
            if found:
                rejected.update(found)
                print(f"{path.name}: {intent}: {raw}\n    " + "; ".join(found))
                continue
            seen[key] = intent
            accepted.append((path, intent, raw))
    per_intent = Counter(intent for _, intent, _ in accepted)
    print(f"\n{len(accepted)} accepted, {sum(rejected.values())} problems")
    for reason, n in rejected.most_common():
        print(f"  {n:4d}  {reason}")
    for intent, n in sorted(per_intent.items()):
        print(f"  {intent}: {n}")
    return accepted


def merge(accepted: list[tuple[Path, str, str]], nlu_dir: Path | None = None) -> None:
    """Append the accepted examples to the topic file of their intent."""
    where = intent_files(nlu_dir or NLU_DIR)
    blocks: dict[Path, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for _, intent, raw in accepted:
        blocks[where[intent]][intent].append(raw)
    for path, by_intent in blocks.items():
        text = path.read_text("utf-8")
        indent = next(
            m.group(1) for m in map(_INTENT_LINE.match, text.splitlines()) if m is not None
        )
        lines = []
        for intent, raws in by_intent.items():
            lines.append(f"{indent}- intent: {intent}")
            lines.append(f"{indent}  examples: |")
            lines.extend(f"{indent}    - {raw}" for raw in raws)
        path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", "utf-8")
        print(f"{path.name}: +{sum(map(len, by_intent.values()))}")


def data_rule_failures(accepted: list[tuple[Path, str, str]]) -> list[str]:
    """What tests/test_nlu_data.py finds once the accepted examples are merged (empty: nothing)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "nlu_data"
        shutil.copytree(NLU_DIR.parent, copy)
        merge(accepted, copy / NLU_DIR.name)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short"]
            + [str(ROOT / "tests" / "test_nlu_data.py")],
            cwd=ROOT,
            env={**os.environ, "NLU_DATA_DIR": str(copy)},
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode == 0:
        return []
    return [
        line
        for line in result.stdout.splitlines()
        if line.startswith(("E ", "FAILED", "ERROR")) and "assert not" not in line
    ] or result.stdout.splitlines()[-20:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "merge"])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    quiet_rasa()
    accepted = check(args.files)
    if args.command == "merge":
        merge(accepted)
        return 0
    failures = data_rule_failures(accepted)
    print("\ndata checks (tests/test_nlu_data.py) with the accepted examples merged:")
    print("\n".join(failures) if failures else "  all pass")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
