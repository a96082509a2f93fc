"""Word segmentation with underthesea on normalised syllables, keeping original offsets.

Plain Python (no Rasa), so it can be tested and reused by the evaluation scripts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.nlu.text import Syllable, has_diacritics, syllables

logger = logging.getLogger(__name__)


@dataclass
class Word:
    """A segmented word: one or more syllables, with the span of original text it covers."""

    parts: list[Syllable] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end

    @property
    def norm(self) -> str:
        """Accented normalised form, syllables joined by ``_`` (``thủ_tục``)."""
        return "_".join(p.text for p in self.parts)

    @property
    def plain(self) -> str:
        """Normalised form without diacritics, syllables joined by a space (``thu tuc``)."""
        return " ".join(p.plain for p in self.parts)

    @property
    def is_numeric(self) -> bool:
        return any(ch.isdigit() for p in self.parts for ch in p.text)


def _underthesea_words(run: list[Syllable]) -> list[list[Syllable]]:
    """Group a run of alphabetic syllables into words with underthesea."""
    from underthesea import word_tokenize

    text = " ".join(s.text for s in run)
    try:
        segmented = word_tokenize(text)
    except Exception:  # noqa: BLE001 - fall back to one syllable per word
        logger.exception("underthesea failed on a message; using syllables")
        return [[s] for s in run]
    groups: list[list[Syllable]] = []
    index = 0
    for word in segmented:
        pieces = word.split()
        if [s.text for s in run[index : index + len(pieces)]] != pieces:
            logger.debug("segmentation did not align; using syllables")
            return [[s] for s in run]
        groups.append(run[index : index + len(pieces)])
        index += len(pieces)
    if index != len(run):
        return [[s] for s in run]
    return groups


def _merge_shared_spans(groups: list[list[Syllable]]) -> list[Word]:
    """Merge neighbouring groups that share an original span (an expanded abbreviation)."""
    words: list[Word] = []
    for group in groups:
        if words and words[-1].parts[-1].start == group[0].start:
            words[-1].parts.extend(group)
        else:
            words.append(Word(list(group)))
    return words


Lexicon = dict[tuple[str, ...], int]  # multi-syllable words without diacritics -> count


def build_lexicon(texts: Iterable[str], min_count: int = 1) -> Lexicon:
    """Multi-syllable words underthesea finds in ``texts``, keyed without diacritics.

    underthesea segments text typed without diacritics poorly ("ha" "noi" instead of
    "hà_nội"). A lexicon learned from the (accented) training data lets such text be segmented
    the way its accented form would be, so both forms give the same tokens.
    """
    counts: Lexicon = {}
    for text in texts:
        for word in segment(text):
            if len(word.parts) > 1 and not word.is_numeric:
                key = tuple(p.plain for p in word.parts)
                counts[key] = counts.get(key, 0) + 1
    return {k: n for k, n in counts.items() if n >= min_count}


def _lexicon_words(run: list[Syllable], lexicon: Lexicon) -> list[list[Syllable]]:
    """Greedy longest-match segmentation of an unaccented run with the learned lexicon."""
    longest = max((len(k) for k in lexicon), default=1)
    groups: list[list[Syllable]] = []
    index = 0
    while index < len(run):
        for length in range(min(longest, len(run) - index), 1, -1):
            key = tuple(s.plain for s in run[index : index + length])
            if key in lexicon:
                groups.append(run[index : index + length])
                index += length
                break
        else:
            groups.append([run[index]])
            index += 1
    return groups


def _words(run: list[Syllable], lexicon: Lexicon | None) -> list[list[Syllable]]:
    if lexicon and not any(has_diacritics(s.text) for s in run):
        return _lexicon_words(run, lexicon)
    return _underthesea_words(run)


def segment(text: str, lexicon: Lexicon | None = None) -> list[Word]:
    """Normalise and segment ``text`` into words that keep their original offsets.

    Runs typed entirely without diacritics are segmented with ``lexicon`` when one is given
    (see build_lexicon); everything else with underthesea.
    """
    sylls = syllables(text)
    groups: list[list[Syllable]] = []
    run: list[Syllable] = []
    for syllable in sylls:
        # punctuation between two syllables ends a run: words never span "Sơn, hồ"
        if run and text[run[-1].end : syllable.start].strip():
            groups.extend(_words(run, lexicon))
            run = []
        if any(ch.isdigit() for ch in syllable.text):
            if run:
                groups.extend(_words(run, lexicon))
                run = []
            groups.append([syllable])
        else:
            run.append(syllable)
    if run:
        groups.extend(_words(run, lexicon))
    return _merge_shared_spans(groups)


def split_at(words: list[Word], boundaries: set[int]) -> list[Word]:
    """Split words whose inside contains one of ``boundaries`` (character offsets).

    Used at training time so that every annotated entity starts and ends on a token boundary.
    A boundary inside a single syllable cannot be split and is left alone.
    """
    result: list[Word] = []
    for word in words:
        current: list[Syllable] = []
        for part in word.parts:
            prev = current[-1] if current else None
            if (
                prev is not None
                and part.start != prev.start
                and any(prev.end <= b <= part.start for b in boundaries)
            ):
                result.append(Word(current))
                current = []
            current.append(part)
        if current:
            result.append(Word(current))
    return result
