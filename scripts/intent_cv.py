"""Cross-validated intent disagreements, for reviewing the NLU data against docs/INTENTS.md.

    .venv/bin/python scripts/intent_cv.py [--folds 5] [--top 200] [--out var/intent_cv.tsv]

Rebuilds the intent classifier's features outside Rasa (lemma word n-grams, character n-grams,
the entity-type view from the annotations, the sentence embedding and, when config.yml asks for
it, its unaccented copy), predicts every example with a model that never saw it (k-fold), and
lists the examples whose predicted intent differs from their label, the most confident
disagreements first. A confident disagreement is often a labelling mistake or a near-twin
labelled differently; review each one against the boundary rules before changing anything.
Embeddings are cached under var/.

The figures printed (out-of-fold accuracy) approximate the classifier alone: no CRF, gold
entities, no fallback threshold. Use `make eval` for the real thing. The held-out messages of
`make eval` (tests/data/nlu_heldout.txt) are left out unless --include-heldout is given.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse
import yaml
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa.nlu.constants import TOKENS_NAMES  # noqa: E402
from rasa.shared.nlu.constants import ENTITIES, TEXT  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.nlu.classifier import LinearIntentClassifier, _view_vectorizer, entity_view  # noqa: E402
from bot.nlu.evaluate import HELDOUT_FILE, group_key, load_nlu, quiet_rasa, read_heldout  # noqa: E402
from bot.nlu.segment import build_lexicon  # noqa: E402
from bot.nlu.sentence_embedding import Encoder, embedding_text  # noqa: E402
from bot.nlu.text import strip_diacritics  # noqa: E402
from bot.nlu.tokenizer import tokens_for  # noqa: E402


def embed_cached(texts: list[str], cache: Path) -> np.ndarray:
    """Encoder.encode with an on-disk cache keyed by text."""
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    missing = sorted({t for t in texts if t not in known})
    if missing:
        for text, vector in zip(missing, Encoder.encode(missing), strict=True):
            known[text] = vector
        cache.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(known)
        np.savez(cache, keys=np.asarray(keys), vectors=np.stack([known[k] for k in keys]))
    return np.stack([known[t] for t in texts])


def features(examples: list[Message], lexicon: dict) -> tuple[list[str], list[str], list[str]]:
    """Lemma text, entity view and embedding text of each example (tokenized as in training)."""
    lemmas, views, norms = [], [], []
    for example in examples:
        entities = example.get(ENTITIES) or []
        bounds = {e["start"] for e in entities} | {e["end"] for e in entities}
        tokens = tokens_for(example.get(TEXT), bounds or None, lexicon)
        example.set(TOKENS_NAMES[TEXT], tokens)
        lemmas.append(" ".join(t.lemma.lower() for t in tokens))
        views.append(entity_view(example))
        norms.append(embedding_text(example))
    return lemmas, views, norms


def classifier_settings() -> dict:
    """C, solver and dense weight of the intent classifier, as config.yml sets them, and
    whether the sentence embedding adds unaccented training copies (``augment_unaccented``)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))

    def entry(suffix: str) -> dict:
        return next((c for c in config["pipeline"] if c["name"].endswith(suffix)), {})

    embedding = entry("sentence_embedding.SentenceEmbeddingFeaturizer")
    return {
        **LinearIntentClassifier.get_default_config(),
        **entry("classifier.LinearIntentClassifier"),
        "augment_unaccented": embedding.get("augment_unaccented", True),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--top", type=int, default=200)
    settings = classifier_settings()
    parser.add_argument("--C", type=float, default=settings["C"])
    parser.add_argument("--solver", default=settings["solver"])
    parser.add_argument("--dense-weight", type=float, default=settings["dense_weight"])
    parser.add_argument("--out", default=str(ROOT / "var" / "intent_cv.tsv"))
    parser.add_argument(
        "--include-heldout",
        action="store_true",
        help="also predict the held-out messages of `make eval` (by default they are left out, "
        "so that reviewing mistakes never steers new data towards the test set)",
    )
    args = parser.parse_args()

    quiet_rasa()
    data = load_nlu(str(ROOT / "config.yml"), [str(ROOT / "nlu_data")])
    examples = [m for m in data.training_examples if m.get("intent") and m.get(TEXT)]
    if not args.include_heldout and HELDOUT_FILE.exists():
        heldout = read_heldout(HELDOUT_FILE)
        examples = [m for m in examples if group_key(m.get(TEXT)) not in heldout]
    texts = [m.get(TEXT) for m in examples]
    lemmas, views, norms = features(examples, build_lexicon(texts))
    plain = [strip_diacritics(t) for t in norms]
    texts_to_embed = norms + plain if settings["augment_unaccented"] else norms
    vectors = embed_cached(texts_to_embed, ROOT / "var" / "embedding_cache.npz")
    emb, emb_plain = vectors[: len(norms)], vectors[len(norms) :]  # emb_plain empty if unused
    y = np.asarray([m.get("intent") for m in examples])

    # the featurizers of config.yml: word uni- and bigrams and char_wb 2-5-grams of the lemmas
    word = CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False)  # noqa: S106
    char = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    view = _view_vectorizer()
    fitted: dict[str, TfidfTransformer] = {}

    def matrix(idx: np.ndarray, fit: bool, unaccented: bool = False) -> scipy.sparse.csr_matrix:
        lemma_rows, view_rows = [lemmas[i] for i in idx], [views[i] for i in idx]
        if fit:
            sparse = scipy.sparse.hstack(
                [word.fit_transform(lemma_rows), char.fit_transform(lemma_rows)], format="csr"
            )
            counts = view.fit_transform(view_rows)
            fitted["text"] = TfidfTransformer(sublinear_tf=True).fit(sparse)
            fitted["view"] = TfidfTransformer(sublinear_tf=True).fit(counts)
        else:
            sparse = scipy.sparse.hstack(
                [word.transform(lemma_rows), char.transform(lemma_rows)], format="csr"
            )
            counts = view.transform(view_rows)
        dense = (emb_plain if unaccented else emb)[idx] * args.dense_weight
        return scipy.sparse.hstack(
            [
                fitted["text"].transform(sparse),
                fitted["view"].transform(counts),
                scipy.sparse.csr_matrix(dense),
            ],
            format="csr",
        )

    predicted = np.empty(len(y), dtype=object)
    confidence = np.zeros(len(y))
    label_prob = np.zeros(len(y))
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=13)
    for k, (train, test) in enumerate(folds.split(np.zeros(len(y)), y)):
        X, labels = matrix(train, fit=True), y[train]
        if settings["augment_unaccented"]:
            accented = np.asarray([i for i in train if plain[i] != norms[i]])
            X = scipy.sparse.vstack([X, matrix(accented, fit=False, unaccented=True)], format="csr")
            labels = np.concatenate([labels, y[accented]])
        model = LogisticRegression(
            C=args.C, solver=args.solver, max_iter=1000, class_weight="balanced"
        )
        model.fit(X, labels)
        proba = model.predict_proba(matrix(test, fit=False))
        classes = list(model.classes_)
        predicted[test] = [classes[j] for j in proba.argmax(1)]
        confidence[test] = proba.max(1)
        label_prob[test] = [proba[r, classes.index(y[i])] for r, i in enumerate(test)]
        print(f"fold {k + 1}: {np.mean(predicted[test] == y[test]):.3f}", file=sys.stderr)

    wrong = np.flatnonzero(predicted != y)
    print(f"out-of-fold accuracy {1 - len(wrong) / len(y):.4f} ({len(wrong)} of {len(y)} wrong)")
    pairs = Counter((y[i], predicted[i]) for i in wrong)
    for (true, pred), n in pairs.most_common(25):
        print(f"{n:4d}  {true} -> {pred}")
    order = sorted(wrong, key=lambda i: -confidence[i] + label_prob[i])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        f.write("label\tpredicted\tp_pred\tp_label\ttext\n")
        for i in order:
            f.write(
                f"{y[i]}\t{predicted[i]}\t{confidence[i]:.2f}\t{label_prob[i]:.2f}\t{texts[i]}\n"
            )
    print(f"{len(wrong)} disagreements written to {out} (first {args.top} most confident:)")
    for i in order[: args.top]:
        print(f"{y[i]:>22} -> {predicted[i]:<22} {confidence[i]:.2f}  {texts[i]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
