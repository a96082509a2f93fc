"""Rasa tokenizer: normalisation + underthesea word segmentation, diacritic-free lemmas.

Each token keeps the characters the citizen typed (``token.text``) and their offsets, so entity
values are what the citizen wrote. ``token.lemma`` is the normalised word *without diacritics*,
syllables separated by spaces (``thủ tục`` -> ``thu tuc``): the count-vector featurizers read
lemmas, so a message typed without diacritics gets the same sentence features as its accented
form. Extra token data: ``norm`` (accented, ``thủ_tục``) and ``syllables``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import Fingerprinted, read_state, write_state
from bot.nlu.restore import DiacriticRestorer
from bot.nlu.segment import Lexicon, Word, build_lexicon, segment, split_at
from bot.nlu.text import has_diacritics, syllables

LEXICON_FILE = "lexicon.json"
RESTORER_FILE = "restorer.json"
# token data: the accented form guessed for a message typed without any diacritics
RESTORED = "restored"


def training_lexicon(training_data: TrainingData) -> Lexicon:
    """The lexicon of multi-syllable words learned from the NLU examples (see build_lexicon)."""
    return build_lexicon(
        e.get(TEXT) for e in training_data.nlu_examples if isinstance(e.get(TEXT), str)
    )


MAX_CHARS = 2000  # longer messages are understood from their beginning only


def training_restorer(training_data: TrainingData) -> DiacriticRestorer:
    """Syllable bigrams of the NLU examples, for restoring diacritics (see bot.nlu.restore)."""
    return DiacriticRestorer.from_sentences(
        [s.text for s in syllables(e.get(TEXT)[:MAX_CHARS])]
        for e in training_data.nlu_examples
        if isinstance(e.get(TEXT), str)
    )


def add_restored(tokens: list[Token], restorer: DiacriticRestorer) -> None:
    """Set each token's ``restored`` form (``norm`` with diacritics put back)."""
    pieces = [(t.get("norm") or t.text.lower()).split("_") for t in tokens]
    restored = restorer.restore([p for piece in pieces for p in piece])
    index = 0
    for token, piece in zip(tokens, pieces, strict=True):
        token.set(RESTORED, "_".join(restored[index : index + len(piece)]))
        index += len(piece)


def word_to_token(text: str, word: Word) -> Token:
    """Build a Rasa token from a segmented word."""
    token = Token(text[word.start : word.end], word.start, word.end, lemma=word.plain)
    token.set("norm", word.norm)
    token.set("syllables", [p.plain for p in word.parts])
    token.set("syllable_spans", [(p.start, p.end) for p in word.parts])
    return token


def tokens_for(
    text: str, boundaries: set[int] | None = None, lexicon: Lexicon | None = None
) -> list[Token]:
    """Tokens of ``text``; with ``boundaries``, tokens never straddle those offsets."""
    text = text[:MAX_CHARS]
    words = segment(text, lexicon)
    if boundaries:
        words = split_at(words, boundaries)
    return [word_to_token(text, w) for w in words]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class VietnameseTokenizer(Fingerprinted, Tokenizer):
    """Vietnamese tokenizer (normaliser + underthesea segmentation).

    Trained only to learn a lexicon of the multi-syllable words in the training data, so that
    messages typed without diacritics are segmented like their accented forms.
    """

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        lexicon: Lexicon | None = None,
        restorer: DiacriticRestorer | None = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self.lexicon: Lexicon = lexicon or {}
        self.restorer = restorer

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["vi"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        assert self._model_storage is not None and self._resource is not None
        self.lexicon = training_lexicon(training_data)
        entries = [[list(key), count] for key, count in sorted(self.lexicon.items())]
        write_state(self._model_storage, self._resource, LEXICON_FILE, entries)
        self.restorer = training_restorer(training_data)
        write_state(self._model_storage, self._resource, RESTORER_FILE, self.restorer.to_state())
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VietnameseTokenizer:
        entries = read_state(model_storage, resource, LEXICON_FILE) or []
        lexicon = {tuple(key): int(count) for key, count in entries}
        restorer_state = read_state(model_storage, resource, RESTORER_FILE)
        restorer = DiacriticRestorer.from_state(restorer_state) if restorer_state else None
        return cls(config, model_storage, resource, lexicon, restorer)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str):
            return []
        tokens = tokens_for(text, lexicon=self.lexicon)
        if self.restorer is not None and tokens and not has_diacritics(text):
            add_restored(tokens, self.restorer)
        return tokens

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Tokenize, splitting tokens so annotated entities start and end on token edges."""
        training_data = super().process_training_data(training_data)
        for example in training_data.training_examples:
            entities = example.get(ENTITIES) or []
            text = example.get(TEXT)
            if entities and isinstance(text, str):
                boundaries = {e["start"] for e in entities} | {e["end"] for e in entities}
                example.set(TOKENS_NAMES[TEXT], tokens_for(text, boundaries, self.lexicon))
        return training_data
