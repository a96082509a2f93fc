"""NLU evaluation on a held-out split: ``python -m bot.nlu.evaluate [--out docs/BENCHMARKS.md]``.

Splits the NLU examples of ``nlu_data`` by intent (deterministic for a seed), trains an NLU-only
model on the training part in a child process (wall time and peak memory measured), loads it, and
parses every held-out message twice: as written and stripped of diacritics. Regex and lookup
entries always stay in the training part; the held-out part is never trained on.

With ``--external TRAIN TEST`` it trains on one Rasa NLU file and tests on another instead.
Figures go to stdout, or into a Markdown file between section markers (``write_section``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.nlu import metrics
from bot.nlu.text import nfc, strip_diacritics

if TYPE_CHECKING:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = Path(__file__).resolve().parents[2]
MIN_EXAMPLES = 5  # intents with fewer examples stay entirely in training
# The held-out messages, frozen: one ``group_key`` per line (see ``write_heldout``).
HELDOUT_FILE = ROOT / "tests" / "data" / "nlu_heldout.txt"
WARMUP_MESSAGES = 3
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class HeldOut:
    text: str
    intent: str
    entities: tuple[metrics.Span, ...]


@dataclass(frozen=True)
class Parsed:
    intent: str
    entities: tuple[metrics.Span, ...]
    seconds: float
    top_intent: str = ""  # the classifier's best intent, before the fallback threshold


@dataclass(frozen=True)
class FormResult:
    """Scores for one form of the held-out messages (as written / without diacritics)."""

    name: str
    intents: metrics.IntentScores
    top_intent_accuracy: float  # accuracy had no fallback been applied (diagnostic)
    entities: metrics.EntityScores
    confusions: list[metrics.Confusion]
    entity_errors: list[tuple[str, list[metrics.Span], list[metrics.Span]]]


@dataclass(frozen=True)
class TrainingRun:
    model_path: str
    wall_seconds: float
    train_call_seconds: float
    peak_rss_mib: float


@dataclass(frozen=True)
class EvalResult:
    forms: list[FormResult]
    training: TrainingRun
    load_seconds: float
    latencies: list[float]
    sizes: dict[str, Any]


# --- split -------------------------------------------------------------------------------------


def group_key(text: str) -> str:
    """Texts equal up to case, diacritics, punctuation and spacing share a key."""
    folded = strip_diacritics(nfc(text).lower())
    return " ".join(_NON_WORD.sub(" ", folded).split())


def split_indices(
    intents: Sequence[str | None],
    texts: Sequence[str],
    test_fraction: float,
    seed: int,
    min_examples: int = MIN_EXAMPLES,
) -> tuple[list[int], list[int]]:
    """Indices of the training and test examples, stratified by intent.

    Per intent with at least ``min_examples`` examples, about ``test_fraction`` of them (at
    least one) go to the test part, chosen by a generator seeded with ``seed`` and the intent
    name (adding an intent does not reshuffle the others). Near-duplicate texts (same
    ``group_key``) of one intent always land on the same side, so a test message never has a
    twin in training. Examples without an intent stay in training.
    """
    if len(intents) != len(texts):
        raise ValueError("intents and texts differ in length")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test fraction must be between 0 and 1, not {test_fraction}")
    by_intent: dict[str, dict[str, list[int]]] = {}
    for index, (intent, text) in enumerate(zip(intents, texts, strict=True)):
        if intent:
            by_intent.setdefault(intent, {}).setdefault(group_key(text), []).append(index)
    test: list[int] = []
    for intent in sorted(by_intent):
        groups = by_intent[intent]
        count = sum(len(g) for g in groups.values())
        if count < min_examples or len(groups) < 2:
            continue
        wanted = max(1, math.floor(count * test_fraction + 0.5))
        keys = sorted(groups)
        random.Random(f"{seed}:{intent}").shuffle(keys)
        taken = 0
        for key in keys[:-1]:  # at least one group stays in training
            if taken >= wanted:
                break
            test.extend(groups[key])
            taken += len(groups[key])
    test_set = set(test)
    train = [i for i in range(len(intents)) if i not in test_set]
    return train, sorted(test_set)


def frozen_split_indices(
    intents: Sequence[str | None], texts: Sequence[str], keys: set[str]
) -> tuple[list[int], list[int]]:
    """Indices of the training and test examples: test are those whose ``group_key`` is listed.

    A frozen list keeps the held-out part fixed while examples are added, relabelled or
    rephrased elsewhere, so figures before and after a data change compare the same messages.
    A new example that is a near-duplicate of a held-out one lands in the test part with it.
    """
    if len(intents) != len(texts):
        raise ValueError("intents and texts differ in length")
    test = [
        i
        for i, (intent, text) in enumerate(zip(intents, texts, strict=True))
        if intent and group_key(text) in keys
    ]
    test_set = set(test)
    return [i for i in range(len(intents)) if i not in test_set], test


def read_heldout(path: Path) -> set[str]:
    """The group keys listed in a held-out file (``#`` starts a comment line)."""
    lines = path.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_heldout(path: Path, texts: Sequence[str], header: str) -> int:
    """Write the group keys of ``texts`` as a held-out file; returns the number of keys."""
    keys = sorted({group_key(t) for t in texts})
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(comments + "".join(f"{k}\n" for k in keys), "utf-8")
    return len(keys)


def split_training_data(
    data: TrainingData,
    test_fraction: float,
    seed: int,
    min_examples: int = MIN_EXAMPLES,
    heldout: set[str] | None = None,
) -> tuple[TrainingData, TrainingData]:
    """Training and test parts; regex, lookup and synonym entries only in the training part.

    With ``heldout`` (group keys), the test part is the examples listed there; otherwise a
    stratified random split by ``seed``.
    """
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = data.training_examples
    intents = [m.get("intent") for m in examples]
    texts = [m.get("text") or "" for m in examples]
    if heldout is not None:
        train_idx, test_idx = frozen_split_indices(intents, texts, heldout)
    else:
        train_idx, test_idx = split_indices(intents, texts, test_fraction, seed, min_examples)
    train = TrainingData(
        [examples[i] for i in train_idx],
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )
    return train, TrainingData([examples[i] for i in test_idx])


def held_out(data: TrainingData) -> list[HeldOut]:
    """Test examples as plain records."""
    return [
        HeldOut(
            m.get("text") or "",
            m.get("intent") or "",
            tuple((e["entity"], e["start"], e["end"]) for e in m.get("entities") or []),
        )
        for m in data.training_examples
        if m.get("intent")
    ]


# --- loading -----------------------------------------------------------------------------------


def load_nlu(config: str, paths: Sequence[str]) -> TrainingData:
    """NLU examples, regexes, lookups and synonyms, read by Rasa's training-data importer."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_nlu_importer_from_config(
        config, training_data_paths=list(paths)
    )
    return importer.get_nlu_data()


# --- training in a child process ---------------------------------------------------------------

_CHILD = "import sys; from bot.nlu.evaluate import _train_child; _train_child(sys.argv[1:])"


def _train_child(argv: list[str]) -> None:
    """Child-process entry: train, then write the model path and the training time as JSON."""
    config, data, out, result = argv
    quiet_rasa()
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(config, data, out, fixed_model_name="heldout")
    seconds = time.perf_counter() - started
    if not model:
        raise SystemExit("training produced no model")
    Path(result).write_text(json.dumps({"model": model, "seconds": seconds}), "utf-8")


def train_in_child(config: str, data_file: Path, workdir: Path) -> TrainingRun:
    """Train an NLU model in a child process; measure its wall time and peak RSS."""
    result_file = workdir / "train-result.json"
    log_file = workdir / "train.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), _pythonpath()])),
        # no training cache: every component really trains, so the time is a real training time
        "RASA_CACHE_DIRECTORY": str(workdir / "cache"),
        "RASA_MAX_CACHE_SIZE": "0",
    }
    args = [sys.executable, "-c", _CHILD, config, str(data_file), str(workdir / "models")]
    started = time.perf_counter()
    with log_file.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*args, str(result_file)], stdout=log, stderr=subprocess.STDOUT, env=env
        )
        # wait4 gives this child's own resource usage (ru_maxrss in KiB on Linux); it is what
        # getrusage(RUSAGE_CHILDREN) would show, without other children mixed in.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0 or not result_file.exists():
        tail = log_file.read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"training failed (exit {process.returncode}):\n{tail}")
    result = json.loads(result_file.read_text("utf-8"))
    return TrainingRun(result["model"], wall, result["seconds"], usage.ru_maxrss / 1024)


def _pythonpath() -> str:
    return os.environ.get("PYTHONPATH", "")


# --- parsing and scoring -----------------------------------------------------------------------


def quiet_rasa() -> None:
    """Rasa logs every parse to stdout at debug level unless configured: warnings only."""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def load_agent(model_path: str) -> tuple[Agent, float]:
    """Load a model with ``Agent.load``; return it with the seconds it took."""
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(model_path)
    return agent, time.perf_counter() - started


async def parse_all(agent: Agent, texts: Sequence[str]) -> list[Parsed]:
    """Parse each text once, timing each parse."""
    results = []
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        seconds = time.perf_counter() - started
        intent = (parsed.get("intent") or {}).get("name") or ""
        spans = tuple((e["entity"], e["start"], e["end"]) for e in parsed.get("entities") or [])
        ranked = [r.get("name") for r in parsed.get("intent_ranking") or []]
        top = next((n for n in ranked if n and n != metrics.FALLBACK_INTENT), intent)
        results.append(Parsed(intent, spans, seconds, top))
    return results


def score_form(name: str, examples: Sequence[HeldOut], parsed: Sequence[Parsed]) -> FormResult:
    true_intents = [e.intent for e in examples]
    predicted = [p.intent for p in parsed]
    texts = (
        [e.text for e in examples]
        if name == "as written"
        else [strip_diacritics(e.text) for e in examples]
    )
    errors = [
        (text, sorted(e.entities), sorted(p.entities))
        for text, e, p in zip(texts, examples, parsed, strict=True)
        if sorted(e.entities) != sorted(p.entities)
    ]
    return FormResult(
        name,
        metrics.intent_scores(true_intents, predicted),
        metrics.intent_scores(true_intents, [p.top_intent for p in parsed]).accuracy,
        metrics.entity_scores([e.entities for e in examples], [p.entities for p in parsed]),
        metrics.confusions(true_intents, predicted, texts),
        errors,
    )


def evaluate(train: TrainingData, test: TrainingData, config: str, workdir: Path) -> EvalResult:
    """Train on ``train`` (child process), then score the ``test`` examples in both forms."""
    data_file = workdir / "train.yml"
    data_file.write_text(train.nlu_as_yaml(), "utf-8")
    training = train_in_child(config, data_file, workdir)
    agent, load_seconds = load_agent(training.model_path)
    examples = held_out(test)
    if not examples:
        raise ValueError("the test part has no examples with an intent")
    forms = [("as written", [e.text for e in examples])]
    forms.append(("without diacritics", [strip_diacritics(e.text) for e in examples]))

    async def run() -> list[list[Parsed]]:
        await parse_all(agent, [e.text for e in examples[:WARMUP_MESSAGES]])
        return [await parse_all(agent, texts) for _, texts in forms]

    parsed_forms = asyncio.run(run())
    results = [
        score_form(name, examples, parsed)
        for (name, _), parsed in zip(forms, parsed_forms, strict=True)
    ]
    latencies = [p.seconds for parsed in parsed_forms for p in parsed]
    return EvalResult(results, training, load_seconds, latencies, data_sizes(train, test))


def data_sizes(train: TrainingData, test: TrainingData) -> dict[str, Any]:
    def count(data: TrainingData) -> tuple[int, int]:
        examples = [m for m in data.training_examples if m.get("intent")]
        return len(examples), sum(len(m.get("entities") or []) for m in examples)

    train_n, train_e = count(train)
    test_n, test_e = count(test)
    train_intents = {m.get("intent") for m in train.training_examples if m.get("intent")}
    test_intents = {m.get("intent") for m in test.training_examples if m.get("intent")}
    return {
        "intents": len(train_intents | test_intents),
        "train_examples": train_n,
        "train_entities": train_e,
        "test_examples": test_n,
        "test_entities": test_e,
        "test_intents": len(test_intents),
        "train_only_intents": sorted(train_intents - test_intents),
        "lookup_entries": sum(len(t.get("elements") or []) for t in train.lookup_tables),
        "lookup_tables": len(train.lookup_tables),
        "regexes": len(train.regex_features),
    }


# --- report ------------------------------------------------------------------------------------

INTRO = (
    "# Benchmarks\n\n"
    "Measured figures for the assistant. Each section is rewritten by the command named in it,\n"
    "between its HTML comment markers; edit only outside the markers.\n"
)
TARGET_ACCURACY = {"as written": 0.95, "without diacritics": 0.93}
TARGET_ENTITY_F1 = 0.90


def write_section(path: Path, name: str, body: str, intro: str = INTRO) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path``.

    Creates the file (with ``intro``) or appends the section when the markers are missing;
    everything outside the markers is left as it was.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text("utf-8") if path.exists() else intro
    if start in text and end in text and text.index(start) < text.index(end):
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def machine_summary() -> str:
    """CPUs, RAM, CPU model, Python and Rasa versions, in one line."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ram, model = "?", ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB RAM"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = ", " + line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        rasa = f", Rasa {version('rasa')}"
    except Exception:  # noqa: BLE001 - informative only
        rasa = ""
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{cpus} CPUs (nproc){model}, {ram}, Python {python}{rasa}"


def now() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def mark(value: float, target: float) -> str:
    return f"≥ {target * 100:.0f}% {'✅' if value >= target else '❌'}"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _spans(text: str, spans: Sequence[metrics.Span]) -> str:
    return ", ".join(f"{t} «{text[s:e]}»" for t, s, e in spans) or "—"


def render_eval(
    result: EvalResult, command: str, source: str, machine: str, external: bool = False
) -> str:
    """The Markdown section for one evaluation run."""
    written, plain = result.forms
    sizes = result.sizes
    title = "NLU evaluation on an external data set" if external else "NLU evaluation (held-out)"
    lines = [
        f"## {title}",
        "",
        f"- Command: `{command}`",
        f"- Date: {now()}",
        f"- Machine: {machine}",
        f"- Data: {source}. {sizes['intents']} intents; training part {sizes['train_examples']}"
        f" examples ({sizes['train_entities']} entities) plus {sizes['lookup_entries']} lookup"
        f" entries in {sizes['lookup_tables']} tables and {sizes['regexes']} regexes; held-out"
        f" part {sizes['test_examples']} examples ({sizes['test_entities']} entities) over"
        f" {sizes['test_intents']} intents.",
    ]
    if sizes["train_only_intents"]:
        lines.append(
            "- Only in training (fewer than 5 examples, or all near-duplicates): "
            + ", ".join(f"`{i}`" for i in sizes["train_only_intents"])
        )
    lines += [
        "- Each held-out message is parsed as written and again without diacritics "
        "(`strip_diacritics`; entity offsets unchanged). A predicted `nlu_fallback` counts as "
        "wrong. Entities count only on an exact span (type, start, end).",
        "",
        "| metric | as written | without diacritics | target |",
        "| --- | --- | --- | --- |",
    ]
    rows: list[tuple[str, float, float, str]] = [
        ("intent accuracy", written.intents.accuracy, plain.intents.accuracy, ""),
        ("intent macro F1", written.intents.macro_f1, plain.intents.macro_f1, ""),
        ("fallback rate", written.intents.fallback_rate, plain.intents.fallback_rate, ""),
        (
            "accuracy of the top intent, ignoring the fallback (diagnostic)",
            written.top_intent_accuracy,
            plain.top_intent_accuracy,
            "",
        ),
        (
            "entity precision",
            written.entities.overall.precision,
            plain.entities.overall.precision,
            "",
        ),
        ("entity recall", written.entities.overall.recall, plain.entities.overall.recall, ""),
        ("entity F1", written.entities.overall.f1, plain.entities.overall.f1, ""),
    ]
    for name, a, b, _ in rows:
        target = ""
        if not external and name == "intent accuracy":
            target = (
                f"{mark(a, TARGET_ACCURACY['as written'])} / "
                f"{mark(b, TARGET_ACCURACY['without diacritics'])} unaccented"
            )
        elif not external and name == "entity F1":
            target = f"{mark(min(a, b), TARGET_ENTITY_F1)} (both forms)"
        lines.append(f"| {name} | {pct(a)} | {pct(b)} | {target} |")
    lat = result.latencies
    p50, p95 = (metrics.percentile(lat, q) * 1000 for q in (50, 95))
    training = result.training
    lines += [
        "",
        "| cost | value |",
        "| --- | --- |",
        f"| training, child process wall time (incl. imports) | {training.wall_seconds:.1f} s |",
        f"| training, `train_nlu` call | {training.train_call_seconds:.1f} s |",
        f"| peak training memory (child max RSS) | {training.peak_rss_mib:.0f} MiB |",
        f"| model load (`Agent.load`, first in the process) | {result.load_seconds:.2f} s |",
        f"| NLU parse latency p50 / p95 ({len(lat)} parses) | {p50:.1f} ms / {p95:.1f} ms |",
        "",
        "Entities per type (exact span; F1, with precision / recall):",
        "",
        "| entity | held-out count | as written | without diacritics |",
        "| --- | --- | --- | --- |",
    ]
    for name in sorted(set(written.entities.per_type) | set(plain.entities.per_type)):
        cells = []
        for form in (written, plain):
            s = form.entities.per_type.get(name, metrics.PRF(0, 0, 0))
            cells.append(f"{pct(s.f1)} ({pct(s.precision)} / {pct(s.recall)})")
        support = written.entities.per_type.get(name, metrics.PRF(0, 0, 0)).support
        lines.append(f"| `{name}` | {support} | {cells[0]} | {cells[1]} |")
    weak = [
        (name, s, plain.intents.per_intent[name])
        for name, s in written.intents.per_intent.items()
        if s.f1 < 1 or plain.intents.per_intent[name].f1 < 1
    ]
    lines += [
        "",
        "Intents with F1 below 100% (held-out count; F1 as written / without diacritics):",
    ]
    lines.append("")
    if weak:
        lines += ["| intent | n | as written | without diacritics |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{name}` | {a.support} | {pct(a.f1)} | {pct(b.f1)} |"
            for name, a, b in sorted(weak, key=lambda w: (w[1].f1 + w[2].f1, w[0]))
        ]
    else:
        lines.append("None.")
    for form in (written, plain):
        lines += ["", f"Intent confusions, {form.name} (true → predicted):", ""]
        if not form.confusions:
            lines.append("None.")
            continue
        lines += ["| true → predicted | n | examples |", "| --- | --- | --- |"]
        for c in form.confusions:
            examples = "; ".join(f"«{_cell(_short(t))}»" for t in c.examples)
            lines.append(f"| `{c.true}` → `{c.predicted}` | {c.count} | {examples} |")
    for form in (written, plain):
        errors = form.entity_errors
        lines += ["", f"Entity mistakes, {form.name} ({len(errors)} messages; first 8):", ""]
        if not errors:
            lines.append("None.")
            continue
        lines += ["| message | expected | predicted |", "| --- | --- | --- |"]
        for text, gold, pred in errors[:8]:
            lines.append(
                f"| «{_cell(_short(text))}» | {_cell(_spans(text, gold))} | "
                f"{_cell(_spans(text, pred))} |"
            )
    return "\n".join(lines)


# --- command line ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.evaluate", description=__doc__)
    parser.add_argument("--data", default="nlu_data", help="Rasa training data directory")
    parser.add_argument("--config", default="config.yml", help="pipeline config")
    parser.add_argument("--out", help="Markdown file to update (default: print)")
    parser.add_argument(
        "--heldout",
        default=str(HELDOUT_FILE.relative_to(ROOT)),
        help="file of frozen held-out group keys (default: %(default)s)",
    )
    parser.add_argument(
        "--resplit",
        action="store_true",
        help="ignore the held-out file: split at random (--test-fraction, --seed) instead",
    )
    parser.add_argument(
        "--write-heldout",
        action="store_true",
        help="draw a random split (--test-fraction, --seed), write its test part to the "
        "held-out file and stop",
    )
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--external",
        nargs=2,
        metavar=("TRAIN_FILE", "TEST_FILE"),
        help="train on one Rasa NLU YAML file and test on another instead of splitting",
    )
    parser.add_argument(
        "--section",
        help="name of the section written in --out (default: eval, or eval-external)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0 < args.test_fraction < 1:
        parser.error("--test-fraction must be between 0 and 1")
    for path in [args.config, *(args.external or [args.data])]:
        if not Path(path).exists():
            parser.error(f"{path} does not exist")
    command = " ".join(["python -m bot.nlu.evaluate", shlex.join(argv)]).strip()
    if args.external:
        train = load_nlu(args.config, [args.external[0]])
        test = load_nlu(args.config, [args.external[1]])
        section = "eval-external"
        source = f"train `{args.external[0]}`, test `{args.external[1]}`"
    else:
        data = load_nlu(args.config, [args.data])
        heldout_path = Path(args.heldout)
        random_split = (
            f"`{args.data}` split {1 - args.test_fraction:.0%}/{args.test_fraction:.0%} "
            f"by intent, seed {args.seed}"
        )
        if args.write_heldout:
            _, test = split_training_data(data, args.test_fraction, args.seed)
            texts = [m.get("text") or "" for m in test.training_examples]
            header = (
                "Held-out NLU messages for `make eval`, never trained on: one group key per line\n"
                "(bot.nlu.evaluate.group_key: lower case, no diacritics or punctuation).\n"
                f"Drawn on {datetime.now():%Y-%m-%d} from {random_split.replace('`', '')}.\n"
                "Regenerate only on purpose: figures are comparable only on the same list."
            )
            count = write_heldout(heldout_path, texts, header)
            print(f"wrote {count} held-out keys to {heldout_path}")
            return 0
        if args.resplit or not heldout_path.exists():
            train, test = split_training_data(data, args.test_fraction, args.seed)
            source = random_split
        else:
            keys = read_heldout(heldout_path)
            train, test = split_training_data(data, args.test_fraction, args.seed, heldout=keys)
            found = {group_key(m.get("text") or "") for m in test.training_examples}
            source = f"`{args.data}`, held-out messages frozen in `{args.heldout}`"
            if missing := len(keys - found):
                source += f" ({missing} of its {len(keys)} keys no longer match an example)"
        section = "eval"
    quiet_rasa()
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        result = evaluate(train, test, args.config, Path(tmp))
    body = render_eval(result, command, source, machine_summary(), external=bool(args.external))
    section = args.section or section
    if args.out:
        write_section(Path(args.out), section, body)
        print(f"wrote the {section} section of {args.out}")
    else:
        print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
