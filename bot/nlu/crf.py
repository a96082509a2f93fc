"""CRF entity extractor over Vietnamese syllables, robust to missing diacritics.

Why not Rasa's CRFEntityExtractor: in Rasa 3.6 it stores its training set and re-fits the CRF
every time a model is loaded (minutes for a large data set), and its features read the raw
token text, so an unaccented message looks like unknown words. This one

* saves the trained crfsuite model file, so loading takes milliseconds;
* tags syllables, not word tokens, so a segmentation error cannot hide an entity edge;
* builds features from the diacritic-free syllables, their words and neighbours, plus
  diacritic-insensitive lookup-table and regex flags;
* trains on every example twice when diacritics change its segmentation: once as written and
  once stripped of diacritics (offsets are unchanged by stripping, so annotations carry over).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrfsuite
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import StoredComponent, matchers_from, matchers_state, read_state, write_state
from bot.nlu.lookup import LookupMatcher, Match, RegexMatcher, token_syllables
from bot.nlu.text import has_diacritics, strip_diacritics
from bot.nlu.tokenizer import tokens_for, training_lexicon

logger = logging.getLogger(__name__)

MODEL_FILE = "crf.model"
META_FILE = "crf.json"
_DIGIT = re.compile(r"\d")


class _Tagger(pycrfsuite.Tagger):
    model_bytes: bytes  # crfsuite reads the model from this buffer: it must stay alive


def open_tagger(model: bytes) -> pycrfsuite.Tagger:
    """A tagger reading ``model`` from memory (no temporary files)."""
    tagger = _Tagger()
    tagger.model_bytes = model
    tagger.open_inmemory(model)
    return tagger


def lookup_tables(training_data: TrainingData) -> dict[str, list[str]]:
    """Lookup tables from training data, as name -> entries."""
    tables: dict[str, list[str]] = {}
    for table in training_data.lookup_tables:
        elements = table.get("elements")
        if isinstance(elements, str):
            path = Path(elements)
            elements = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        tables.setdefault(table["name"], []).extend(str(e) for e in elements or [])
    return tables


def regex_patterns(training_data: TrainingData) -> dict[str, list[str]]:
    patterns: dict[str, list[str]] = {}
    for regex in training_data.regex_features:
        patterns.setdefault(regex["name"], []).append(regex["pattern"])
    return patterns


def _shape(text: str) -> str:
    shape = _DIGIT.sub("d", re.sub(r"[^\W\d_]", "x", text))
    return re.sub(r"(.)\1+", r"\1\1", shape)[:12]


@dataclass(frozen=True)
class Syllable:
    """One syllable of a tokenized message: the unit the CRF tags.

    Tagging syllables rather than word tokens means an entity boundary inside a segmented word
    ("khứ hồi hạng nhất" segmented as "khứ", "hồi_hạng", "nhất") can still be found.
    """

    text: str  # normalised, lowercase, without diacritics
    start: int
    end: int
    word: str  # the word token it belongs to, syllables joined by "_", without diacritics
    position: str  # in its word: S (single), B, I, E
    token: int  # index of that word token


def syllable_units(tokens: Sequence[Token]) -> list[Syllable]:
    units: list[Syllable] = []
    for index, token in enumerate(tokens):
        texts = token_syllables([token])[0]
        spans = token.get("syllable_spans") or [(token.start, token.end)]
        if len(spans) != len(texts):  # a token built elsewhere: treat it as one syllable
            texts, spans = ["_".join(texts)], [(token.start, token.end)]
        word = "_".join(texts)
        for k, (text, (start, end)) in enumerate(zip(texts, spans, strict=True)):
            if len(texts) == 1:
                position = "S"
            else:
                position = "B" if k == 0 else "E" if k == len(texts) - 1 else "I"
            units.append(Syllable(text, start, end, word, position, index))
    return units


def syllable_flags(matches: Sequence[Match], size: int) -> list[dict[str, str]]:
    """Per-syllable lookup flags (BILOU) from lookup matches."""
    flags: list[dict[str, str]] = [{} for _ in range(size)]
    for m in matches:
        first, stop = m.syllables
        if stop - first == 1:
            flags[first][m.name] = "U"
            continue
        flags[first][m.name] = "B"
        flags[stop - 1][m.name] = "L"
        for i in range(first + 1, stop - 1):
            flags[i][m.name] = "I"
    return flags


def syllable_features(
    tokens: Sequence[Token],
    units: Sequence[Syllable],
    text: str,
    lookups: LookupMatcher,
    regexes: RegexMatcher,
    context_words: bool = False,
) -> list[dict[str, Any]]:
    """crfsuite features of each syllable: itself, its word, and their neighbours.

    Everything is read without diacritics, so a message typed without them gets the same
    features wherever it is segmented the same. With ``context_words``, each syllable also sees
    every word before it and after it in the message (``<:word``, ``>:word``), so a role decided
    far away ("hạ cánh ... trước 9 giờ": an arrival time) is within reach.
    """
    flags = syllable_flags(lookups.find(token_syllables(tokens)), len(units))
    regex_names = [regexes.names_for(t.text) for t in tokens]
    words = {unit.token: unit.word for unit in units}  # every token has at least one unit
    size = len(units)

    def syllable_at(i: int) -> str:
        if not 0 <= i < size:
            return "BOS" if i < 0 else "EOS"
        return "NUM" if _DIGIT.search(units[i].text) else units[i].text

    def word_at(i: int) -> str:
        return words.get(i, "BOS" if i < 0 else "EOS")

    features: list[dict[str, Any]] = []
    for i, unit in enumerate(units):
        raw = text[unit.start : unit.end]
        numeric = bool(_DIGIT.search(raw))
        f: dict[str, Any] = {
            "bias": 1.0,
            "s": "NUM" if numeric else unit.text,
            "w": "NUM" if numeric else unit.word,
            "pos": unit.position,
            "w|pos": f"{unit.word}|{unit.position}",
            "shape": _shape(raw) if numeric else "w",
            "title": str(raw[:1].isupper()),
            "short": str(len(unit.text) == 1),
        }
        for offset in range(1, 4):
            f[f"s[-{offset}]"] = syllable_at(i - offset)
            f[f"s[+{offset}]"] = syllable_at(i + offset)
        f["s[-1]|s"] = f"{f['s[-1]']}|{unit.text}"
        f["s|s[+1]"] = f"{unit.text}|{f['s[+1]']}"
        f["s[-2]|s[-1]"] = f"{f['s[-2]']}|{f['s[-1]']}"
        f["s[+1]|s[+2]"] = f"{f['s[+1]']}|{f['s[+2]']}"
        for offset in (1, 2):
            f[f"w[-{offset}]"] = word_at(unit.token - offset)
            f[f"w[+{offset}]"] = word_at(unit.token + offset)
        for offset in (-1, 0, 1):
            if 0 <= i + offset < size:
                for name, tag in flags[i + offset].items():
                    f[f"lk[{offset}]:{name}"] = tag
        for name in regex_names[unit.token]:
            f[f"re:{name}"] = 1.0
        if context_words:
            for index, word in words.items():
                if index != unit.token and not _DIGIT.search(word):
                    f[f"{'<' if index < unit.token else '>'}:{word}"] = 1.0
        features.append(f)
    return features


def syllable_tags(
    units: Sequence[Syllable], entities: Sequence[dict[str, Any]], scheme: str = "bio"
) -> list[str]:
    """BIO (or BILOU) tags of ``units`` for annotated ``entities`` (outside any entity: O)."""
    tags = ["O"] * len(units)
    for entity in entities:
        inside = [
            i for i, u in enumerate(units) if u.start >= entity["start"] and u.end <= entity["end"]
        ]
        if not inside:
            continue
        label = entity["entity"]
        if scheme == "bio":
            tags[inside[0]] = f"B-{label}"
            for i in inside[1:]:
                tags[i] = f"I-{label}"
            continue
        if len(inside) == 1:
            tags[inside[0]] = f"U-{label}"
            continue
        tags[inside[0]] = f"B-{label}"
        tags[inside[-1]] = f"L-{label}"
        for i in inside[1:-1]:
            tags[i] = f"I-{label}"
    return tags


def decode(
    units: Sequence[Syllable], tags: Sequence[str], confidences: Sequence[float], text: str
) -> list[dict[str, Any]]:
    """Turn BIO/BILOU tags into entity dicts; tolerant of ill-formed sequences."""
    entities: list[dict[str, Any]] = []
    current: tuple[str, int, list[float]] | None = None  # label, first unit, confidences

    def close(last: int) -> None:
        nonlocal current
        if current is None:
            return
        label, first, confs = current
        start, end = units[first].start, units[last].end
        entities.append(
            {
                "entity": label,
                "start": start,
                "end": end,
                "value": text[start:end],
                "confidence_entity": float(min(confs)),
            }
        )
        current = None

    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "O" or not label:
            close(i - 1)
            continue
        if prefix in ("B", "U") or current is None or current[0] != label:
            close(i - 1)
            current = (label, i, [confidences[i]])
        else:
            current[2].append(confidences[i])
        if prefix in ("L", "U"):
            close(i)
    close(len(tags) - 1)
    return entities


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class VietnameseCRFEntityExtractor(StoredComponent, EntityExtractorMixin):
    """Linear-chain CRF (crfsuite) entity extractor that loads instantly."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # crfsuite training algorithm: "lbfgs" (regularised CRF), "ap" (averaged perceptron:
            # several times faster with many entity types, slightly less accurate), or "auto":
            # lbfgs unless there are more than `auto_max_labels` tags, then ap. Training cost
            # grows with the square of the number of tags.
            "algorithm": "auto",
            "auto_max_labels": 200,
            "ap_iterations": 15,
            "c1": 0.05,  # L1 regularisation (lbfgs)
            "c2": 0.01,  # L2 regularisation (lbfgs)
            "max_iterations": 150,
            "augment_without_diacritics": True,
            "min_confidence": 0.3,
            # "bilou" or "bio": BIO halves the labels, so training is about 4x faster with many
            # entity types (crfsuite's cost grows with the square of the number of labels)
            "tagging": "bilou",
            # entity types left to other extractors (e.g. regex-only dossier codes)
            "exclude_entities": [],
            # each syllable also sees the words before and after it in the whole message
            "context_words": False,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tagger: pycrfsuite.Tagger | None = None,
        lookups: LookupMatcher | None = None,
        regexes: RegexMatcher | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._lexicon: dict[tuple[str, ...], int] = {}
        self.tagger = tagger
        self.lookups = lookups or LookupMatcher({})
        self.regexes = regexes or RegexMatcher({})

    def _sequences(self, example: Message) -> list[tuple[list[dict[str, Any]], list[str]]]:
        """Features and tags of ``example``, and of its form without diacritics when that is
        segmented differently. Tokens are made as at inference (entity edges unknown)."""
        excluded = set(self.config["exclude_entities"] or [])
        entities = [e for e in example.get(ENTITIES) or [] if e["entity"] not in excluded]
        text = example.get(TEXT) or ""
        forms = [text]
        if self.config["augment_without_diacritics"] and has_diacritics(text):
            forms.append(strip_diacritics(text))
        result = []
        words: list[list[str]] = []
        for form in forms:
            tokens = tokens_for(form, lexicon=self._lexicon)
            if [t.lemma for t in tokens] in words:
                continue
            words.append([t.lemma for t in tokens])
            units = syllable_units(tokens)
            features = syllable_features(
                tokens, units, form, self.lookups, self.regexes, self.config["context_words"]
            )
            result.append((features, syllable_tags(units, entities, self.config["tagging"])))
        return result

    def train(self, training_data: TrainingData) -> Resource:
        # the tokenizer's lexicon, rebuilt from the same examples, segments the unaccented copies
        self._lexicon = training_lexicon(training_data)
        self.lookups = LookupMatcher(lookup_tables(training_data))
        self.regexes = RegexMatcher(regex_patterns(training_data))
        examples = [
            e
            for e in training_data.nlu_examples
            if e.get(TEXT) and e.get(TOKENS_NAMES[TEXT]) and e.get("intent")
        ]
        if not any(e.get(ENTITIES) for e in examples):
            logger.info("No entity annotations: the CRF entity extractor is not trained.")
            self.persist()
            return self._resource
        sequences = [seq for example in examples for seq in self._sequences(example)]
        labels = {tag for _, tags in sequences for tag in tags}
        algorithm = self.config["algorithm"]
        if algorithm == "auto":
            algorithm = "lbfgs" if len(labels) <= self.config["auto_max_labels"] else "ap"
        logger.info("CRF: %d sequences, %d tags, %s", len(sequences), len(labels), algorithm)
        trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
        for features, tags in sequences:
            trainer.append(features, tags)
        params: dict[str, Any] = {"feature.possible_transitions": True}
        if algorithm == "lbfgs":
            params.update(
                c1=self.config["c1"],
                c2=self.config["c2"],
                max_iterations=self.config["max_iterations"],
            )
        else:
            params["max_iterations"] = self.config["ap_iterations"]
        trainer.set_params(params)
        with tempfile.TemporaryDirectory() as tmp:
            model_path = Path(tmp) / MODEL_FILE
            trainer.train(str(model_path))
            self.tagger = open_tagger(model_path.read_bytes())
            self.persist(model_path)
        return self._resource

    def persist(self, model_path: Path | None = None) -> None:
        state = matchers_state(self.lookups, self.regexes)
        write_state(self._model_storage, self._resource, META_FILE, state)
        if model_path is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                (model_dir / MODEL_FILE).write_bytes(model_path.read_bytes())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VietnameseCRFEntityExtractor:
        state = read_state(model_storage, resource, META_FILE)
        if state is None:
            logger.warning("CRF entity extractor model not found; it will extract nothing.")
            return cls(config, model_storage, resource)
        tagger = None
        with model_storage.read_from(resource) as model_dir:
            if (model_dir / MODEL_FILE).exists():
                tagger = open_tagger((model_dir / MODEL_FILE).read_bytes())
        return cls(config, model_storage, resource, tagger, *matchers_from(state))

    def extract(self, message: Message) -> list[dict[str, Any]]:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        if self.tagger is None or not tokens:
            return []
        text = message.get(TEXT) or ""
        units = syllable_units(tokens)
        self.tagger.set(
            syllable_features(
                tokens, units, text, self.lookups, self.regexes, self.config["context_words"]
            )
        )
        tags = self.tagger.tag()
        confidences = [self.tagger.marginal(tag, i) for i, tag in enumerate(tags)]
        entities = decode(units, tags, confidences, text)
        return [e for e in entities if e["confidence_entity"] >= self.config["min_confidence"]]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.add_extractor_name(self.extract(message))
            message.set(ENTITIES, (message.get(ENTITIES) or []) + found, add_to_output=True)
        return messages
