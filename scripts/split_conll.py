"""Split a CoNLL-style intent + slot file into train/ and test/ in the JointBERT/JointIDSF layout.

The input (PhoATIS's ``train.txt`` in some public copies, for example) has one ``word TAG`` line
per token, then a line with the utterance's intent alone, then a blank line. Exact duplicate
utterances are kept once. The split is the one ``make eval`` uses (``split_indices`` of
bot/nlu/evaluate.py): per intent, about ``--test`` of the utterances go to test/, chosen by the
seed, near-duplicates on one side, rare intents in training only. The output feeds
``make bench-external DATA=OUT``.

Usage: python scripts/split_conll.py INPUT OUT_DIR [--seed 13] [--test 0.2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlu.evaluate import split_indices  # noqa: E402


class Utterance(NamedTuple):
    words: tuple[str, ...]
    tags: tuple[str, ...]
    intent: str


class FormatError(ValueError):
    """A line is neither ``word TAG``, an intent, nor blank."""


def parse(text: str) -> list[Utterance]:
    """The utterances of a CoNLL-style file, in order, exact duplicates dropped."""
    utterances: list[Utterance] = []
    seen: set[tuple[str, ...]] = set()
    words: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if len(parts) == 2:
            words.append(parts[0])
            tags.append(parts[1])
        elif len(parts) == 1:
            if not words:
                raise FormatError(f"line {number}: intent {parts[0]!r} without words")
            if tuple(words) not in seen:
                seen.add(tuple(words))
                utterances.append(Utterance(tuple(words), tuple(tags), parts[0]))
            words, tags = [], []
        elif parts:
            raise FormatError(f"line {number}: expected 'word TAG', got {line[:80]!r}")
    if words:
        raise FormatError("the last utterance has no intent line")
    return utterances


def write_split(folder: Path, utterances: list[Utterance]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    columns = {
        "seq.in": [" ".join(u.words) for u in utterances],
        "seq.out": [" ".join(u.tags) for u in utterances],
        "label": [u.intent for u in utterances],
    }
    for name, rows in columns.items():
        (folder / name).write_text("".join(row + "\n" for row in rows), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--test", type=float, default=0.2, help="share of each intent in test/")
    args = parser.parse_args(argv)
    try:
        utterances = parse(args.input.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, FormatError) as error:
        print(f"cannot read {args.input}: {error}", file=sys.stderr)
        return 1
    texts = [" ".join(u.words).replace("_", " ") for u in utterances]
    train, test = split_indices([u.intent for u in utterances], texts, args.test, args.seed)
    write_split(args.out / "train", [utterances[i] for i in train])
    write_split(args.out / "test", [utterances[i] for i in test])
    print(f"{len(utterances)} utterances: {len(train)} in train/, {len(test)} in test/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
