"""Convert an intent + slot data set in the JointBERT/JointIDSF layout to Rasa NLU YAML.

The layout (used by ATIS, SNIPS, PhoATIS...): a split directory holds ``seq.in`` (one
utterance per line, tokens separated by spaces), ``seq.out`` (one BIO tag per token) and
``label`` (one intent per line). Word-level data joins syllables with ``_``; they become spaces
here, so the text is what a citizen would type. Intent names are kept as they are ("a#b").

Usage: python scripts/bio_to_rasa.py SPLIT_DIR OUT.yml
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path


class FormatError(ValueError):
    """The split directory's files do not line up."""


def annotate(tokens: list[str], tags: list[str]) -> str:
    """Tokens with entity spans written as Rasa's ``[text](type)`` markup."""
    if len(tokens) != len(tags):
        raise FormatError(f"{len(tokens)} tokens but {len(tags)} tags: {' '.join(tokens)}")
    words = [t.replace("_", " ") for t in tokens]
    pieces: list[str] = []
    span: list[str] = []
    label = ""

    def close() -> None:
        nonlocal span, label
        if span:
            pieces.append(f"[{' '.join(span)}]({label})")
        span, label = [], ""

    for word, tag in zip(words, tags, strict=True):
        prefix, _, kind = tag.partition("-")
        if prefix == "I" and span and kind == label:
            span.append(word)
        elif prefix in ("B", "I") and kind:
            close()
            span, label = [word], kind
        else:
            close()
            pieces.append(word)
    close()
    return " ".join(pieces)


def convert(split_dir: Path) -> dict[str, list[str]]:
    """Examples of each intent in ``split_dir``."""
    lines = {
        name: (split_dir / name).read_text(encoding="utf-8").splitlines()
        for name in ("seq.in", "seq.out", "label")
    }
    if not len(lines["seq.in"]) == len(lines["seq.out"]) == len(lines["label"]):
        sizes = ", ".join(f"{name}: {len(rows)}" for name, rows in lines.items())
        raise FormatError(f"files differ in length ({sizes})")
    examples: dict[str, list[str]] = defaultdict(list)
    for text, tags, intent in zip(lines["seq.in"], lines["seq.out"], lines["label"], strict=True):
        if text.strip():
            examples[intent.strip()].append(annotate(text.split(), tags.split()))
    return examples


def to_yaml(examples: dict[str, list[str]]) -> str:
    out = ['version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        out += [f"- intent: {intent}", "  examples: |"]
        out += [f"    - {example}" for example in examples[intent]]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        yaml_text = to_yaml(convert(Path(argv[0])))
    except (OSError, FormatError) as error:
        print(f"cannot convert {argv[0]}: {error}", file=sys.stderr)
        return 1
    Path(argv[1]).write_text(yaml_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
