"""Cross-validated intent disagreements, for reviewing the NLU data against docs/INTENTS.md.

    .venv/bin/python scripts/intent_cv.py [--folds 5] [--top 200] [--out var/intent_cv.tsv]

Rebuilds the intent classifier's features outside Rasa (lemma word n-grams, character n-grams,
the entity-type view from the annotations, the sentence embedding and its unaccented copy),
predicts every example with a model that never saw it (k-fold), and lists the examples whose
predicted intent differs from their label, the most confident disagreements first. A confident
disagreement is often a labelling mistake or a near-twin labelled differently; review each one
against the boundary rules before changing anything. Embeddings are cached under var/.

The figures printed (out-of-fold accuracy) approximate the classifier alone: no CRF, gold
entities, no fallback threshold. Use `make eval` for the real thing.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu.evaluate import load_nlu, quiet_rasa  # noqa: E402
from bot.nlu.segment import build_lexicon  # noqa: E402
from bot.nlu.sentence_embedding import Encoder  # noqa: E402
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


def features(examples: list[dict], lexicon: dict) -> tuple[list[str], list[str], list[str]]:
    """Lemma text, entity view and embedding text of each example."""
    lemmas, views, norms = [], [], []
    for ex in examples:
        text, entities = ex["text"], ex["entities"]
        bounds = {e["start"] for e in entities} | {e["end"] for e in entities}
        tokens = tokens_for(text, bounds or None, lexicon)
        lemmas.append(" ".join(t.lemma.lower() for t in tokens))
        words: list[str] = []
        last = None
        for t in tokens:
            ent = next((e for e in entities if e["start"] < t.end and t.start < e["end"]), None)
            if ent is None:
                words.append(t.lemma.replace(" ", "_").lower())
            elif ent is not last:
                words.append(f"ENT:{ent['entity']}")
            last = ent
        views.append(" ".join(words))
        norm = " ".join((t.get("norm") or t.text).replace("_", " ") for t in tokens)
        norms.append(" ".join(norm.lower().split()))
    return lemmas, views, norms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--C", type=float, default=300.0)
    parser.add_argument("--dense-weight", type=float, default=2.0)
    parser.add_argument("--out", default=str(ROOT / "var" / "intent_cv.tsv"))
    args = parser.parse_args()

    quiet_rasa()
    data = load_nlu(str(ROOT / "config.yml"), [str(ROOT / "nlu_data")])
    examples = [
        {"text": m.get("text"), "intent": m.get("intent"), "entities": m.get("entities") or []}
        for m in data.training_examples
        if m.get("intent") and m.get("text")
    ]
    lexicon = build_lexicon(e["text"] for e in examples)
    lemmas, views, norms = features(examples, lexicon)
    cache = ROOT / "var" / "embedding_cache.npz"
    emb = embed_cached(norms, cache)
    emb_plain = embed_cached([strip_diacritics(t) for t in norms], cache)
    y = np.asarray([e["intent"] for e in examples])

    word = CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False)  # noqa: S106
    char = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    view = CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False)  # noqa: S106

    def matrix(idx: np.ndarray, fit: bool, plain: bool = False) -> scipy.sparse.csr_matrix:
        parts = []
        for vec, texts in ((word, lemmas), (char, lemmas), (view, views)):
            rows = [texts[i] for i in idx]
            counts = vec.fit_transform(rows) if fit else vec.transform(rows)
            parts.append(counts)
        sparse = scipy.sparse.hstack(parts[:2], format="csr")
        if fit:
            matrix.tfidf = TfidfTransformer(sublinear_tf=True).fit(sparse)  # type: ignore[attr-defined]
            matrix.vtfidf = TfidfTransformer(sublinear_tf=True).fit(parts[2])  # type: ignore[attr-defined]
        dense = (emb_plain if plain else emb)[idx] * args.dense_weight
        return scipy.sparse.hstack(
            [
                matrix.tfidf.transform(sparse),  # type: ignore[attr-defined]
                matrix.vtfidf.transform(parts[2]),  # type: ignore[attr-defined]
                scipy.sparse.csr_matrix(dense),
            ],
            format="csr",
        )

    predicted = np.empty(len(y), dtype=object)
    confidence = np.zeros(len(y))
    label_prob = np.zeros(len(y))
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=13)
    for k, (train, test) in enumerate(folds.split(np.zeros(len(y)), y)):
        X = matrix(train, fit=True)
        accented = np.asarray([i for i in train if strip_diacritics(norms[i]) != norms[i]])
        X = scipy.sparse.vstack([X, matrix(accented, fit=False, plain=True)], format="csr")
        labels = np.concatenate([y[train], y[accented]])
        model = LogisticRegression(C=args.C, max_iter=1000, class_weight="balanced")
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
        f.write("label\tpredicted\tp_pred\tp_label\ttext\tid\n")
        for i in order:
            digest = hashlib.sha1(examples[i]["text"].encode()).hexdigest()[:8]
            f.write(
                f"{y[i]}\t{predicted[i]}\t{confidence[i]:.2f}\t{label_prob[i]:.2f}\t"
                f"{examples[i]['text']}\t{digest}\n"
            )
    print(f"{len(wrong)} disagreements written to {out} (first {args.top} most confident:)")
    for i in order[: args.top]:
        print(f"{y[i]:>22} -> {predicted[i]:<22} {confidence[i]:.2f}  {examples[i]['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
