"""Would a learned model understand what the assistant's matcher misses? Three candidates, measured on the 1,042
outside phrasings of experiments/outside/ (six hands, one kind of user each, written for round 5 and never used by
today's model), each added to today's matcher (``chorus_desk.faq.understand``) where it answers nothing:

- ``words``: a logistic regression over words, adjacent word pairs and character trigrams;
- ``vectors``: a logistic regression over the message's mean word vector (spaCy's ``fr_core_news_md``, 300
  dimensions, words weighted by their rarity in French, ``wordfreq``);
- ``both``: the two averaged;
- ``nearest word``: no training; a word the matcher does not know is replaced by the known word nearest to it in
  the vectors' space (cosine at least θ), then today's matcher reads the message.

The three trained ones learn from the development batches (tests/faq_phrasings.py) and the five other outside
batches, and are measured on the sixth (leave one batch out): no phrasing is measured by a model that saw it.
Every threshold is printed, so none is chosen on the figures. ``nearest word`` is also measured on the development
batches, where today's matcher is tuned: what it costs there. Then today's matcher with its own bar lowered, the
words model's learning curve (more outside data), and the time of an encoder of MiniLM-L6's shape on one core.

Run by ``make faq-models`` (its own virtualenv, .venv-models: scikit-learn, spaCy and its French model, wordfreq;
none of them is the product's). Read by docs/decisions.md (2026-12-07, « Learned models beside the matcher, on the
outside batches »).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits
from wordfreq import zipf_frequency

from chorus_desk import faq
from chorus_desk.faq import Topic, Understanding, negates, read, understand
from chorus_desk.faq_memory import MEMORY
from chorus_desk.faq_neighbours import MIN_WORDS
from tests.faq_measure import Case, outcome
from tests.faq_phrasings import BATCHES

OUTSIDE = Path(__file__).with_name("outside")
BATCH_NAMES = "abcdef"  # small suppliers, public buyers, accountants, foreign speakers, SMS style, long e-mails
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
THETAS = (0.5, 0.6, 0.7)
VOCABULARY = 150_000  # the model's most frequent keys read


def outside(name: str) -> list[Case]:
    cases = []
    for item in json.loads((OUTSIDE / f"dev_{name}.json").read_text(encoding="utf-8")):
        topics = item["topics"] if "topics" in item else [] if item["topic"] is None else [item["topic"]]
        cases.append(Case(item["text"], tuple(Topic(t) for t in topics), bool(item.get("negated", False))))
    return cases


def development() -> list[Case]:
    return [
        Case(text, (topic,) if topic else ())
        for batch in BATCHES
        for topic, texts in batch.phrasings.items()
        for text in texts
    ]


def rows(cases: Iterable[Case]) -> tuple[list[tuple[str, ...]], list[str]]:
    """One topic or none, no negation: what a fallback may learn from (it never reads a negation)."""
    words, labels = [], []
    for case in cases:
        reading = read(case.text)
        if case.negated or len(case.expected) > 1 or negates(reading):
            continue
        words.append(reading.words)
        labels.append(case.expected[0].value if case.expected else "")
    return words, labels


class Vectors:
    """Folded word → its vector (the first, most frequent key that folds to it)."""

    def __init__(self) -> None:
        vocabulary = spacy.load("fr_core_news_md").vocab
        vectors, strings = vocabulary.vectors, vocabulary.strings
        self.rows: dict[str, int] = {}
        for number, key in enumerate(vectors.keys()):
            if number >= VOCABULARY:
                break
            folded = faq.tokens(strings[key])
            if len(folded) == 1 and folded[0].isalpha():
                self.rows.setdefault(folded[0], vectors.key2row[key])
        data = np.asarray(vectors.data, dtype=np.float32)
        self.unit = data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-9)

    def mean(self, words: Sequence[str]) -> np.ndarray:
        total = np.zeros(self.unit.shape[1], dtype=np.float32)
        for word in words:
            if (row := self.rows.get(word)) is not None:
                total += max(0.5, 7.0 - zipf_frequency(word, "fr")) * self.unit[row]
        norm = float(np.linalg.norm(total))
        return total / norm if norm else total


def _sparse_features(words: Sequence[str]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for word in words:
        counts["=" + word] += 1
        marked = f"<{word}>"
        counts.update(marked[i : i + 3] for i in range(len(marked) - 2))
    counts.update(f"{a}_{b}" for a, b in itertools.pairwise(words))
    return {key: 1.0 + float(np.log(n)) for key, n in counts.items()}


Scorer = Callable[[Sequence[str]], dict[str, float]]


def words_model(words: list[tuple[str, ...]], labels: list[str]) -> Scorer:
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=10.0, max_iter=5000).fit(
        normalize(vectorizer.fit_transform([_sparse_features(w) for w in words])), labels
    )
    return lambda w: dict(
        zip(model.classes_, model.predict_proba(normalize(vectorizer.transform([_sparse_features(w)])))[0], strict=True)
    )


def vectors_model(vectors: Vectors, words: list[tuple[str, ...]], labels: list[str]) -> Scorer:
    model = LogisticRegression(C=10.0, max_iter=5000).fit(np.array([vectors.mean(w) for w in words]), labels)
    return lambda w: dict(zip(model.classes_, model.predict_proba(vectors.mean(w)[None, :])[0], strict=True))


def averaged(first: Scorer, second: Scorer) -> Scorer:
    def scores(words: Sequence[str]) -> dict[str, float]:
        a, b = first(words), second(words)
        return {key: (a.get(key, 0.0) + b.get(key, 0.0)) / 2 for key in a.keys() | b.keys()}

    return scores


def with_fallback(scorer: Scorer, threshold: float) -> Callable[[str], Understanding]:
    """Today's matcher; where it answers nothing, offers nothing and the neighbours may be asked (no negation,
    enough words), the model's best topic if its probability reaches ``threshold``."""

    def reader(text: str) -> Understanding:
        result = understand(text)
        reading = read(text)
        if result.topic or result.choices or result.declined or len(reading.words) < MIN_WORDS or negates(reading):
            return result
        scores = scorer(reading.words)
        best = max(scores, key=scores.__getitem__)
        if best and scores[best] >= threshold:
            return Understanding(Topic(best), scores[best], Topic(best), 0.0, None, 0.0, ("model",))
        return result

    return reader


_WORD = re.compile(r"\w+", re.UNICODE)


def nearest_word(vectors: Vectors, theta: float) -> Callable[[str], Understanding]:
    # What the matcher knows: its memory's words, its cues' words and their inflections (the experiment reads the
    # module's private tables; nothing of the product calls this).
    known = {word for _, text in MEMORY for word in text.split()} | set(faq._EXACT_WORDS) | set(faq._INFLECTED)
    candidates = sorted(w for w in known if w in vectors.rows and len(w) >= 3)
    matrix = vectors.unit[[vectors.rows[w] for w in candidates]]

    def substitute(match: re.Match[str]) -> str:
        folded = faq.tokens(match.group(0))
        if len(folded) != 1 or len(folded[0]) < 4 or not folded[0].isalpha() or faq._is_known(folded[0]):
            return match.group(0)
        if folded[0] in known or (row := vectors.rows.get(folded[0])) is None:
            return match.group(0)
        similarities = matrix @ vectors.unit[row]
        best = int(np.argmax(similarities))
        return candidates[best] if similarities[best] >= theta else match.group(0)

    return lambda text: understand(_WORD.sub(substitute, text))


def alone(scorer: Scorer, threshold: float) -> Callable[[str], Understanding]:
    """The model without the matcher: its best topic if its probability reaches ``threshold``, else none."""

    def reader(text: str) -> Understanding:
        scores = scorer(read(text).words)
        best = max(scores, key=scores.__getitem__)
        topic = Topic(best) if best and scores[best] >= threshold else None
        return Understanding(topic, scores[best], topic, 0.0, None, 0.0, ("model",))

    return reader


def learning_curve(batches: dict[str, list[Case]], dev_words: list[tuple[str, ...]], dev_labels: list[str]) -> None:
    """``words`` alone and as the fallback (≥ 0.6), trained on the development batches plus none, half or all of the
    five other outside batches (the half drawn with a fixed seed): what more data of the same kind buys."""
    print("More data: « words » trained on the development batches plus a share of the five other outside batches:")
    for share in (0.0, 0.5, 1.0):
        as_fallback: Counter[str] = Counter()
        by_itself: Counter[str] = Counter()
        trained = 0
        for name, cases in batches.items():
            extra_words, extra_labels = [], []
            for other, others in batches.items():
                if other != name:
                    more_words, more_labels = rows(others)
                    extra_words += more_words
                    extra_labels += more_labels
            draw = random.Random(1)  # noqa: S311 - a reproducible sample, not a secret
            kept = sorted(draw.sample(range(len(extra_words)), int(len(extra_words) * share)))
            words = dev_words + [extra_words[i] for i in kept]
            labels = dev_labels + [extra_labels[i] for i in kept]
            trained = max(trained, len(words))
            model = words_model(words, labels)
            as_fallback.update(score(cases, with_fallback(model, 0.6)))
            by_itself.update(score(cases, alone(model, 0.6)))
        print("  " + line(f"share {share:.0%} (≤ {trained}), fallback", as_fallback))
        print("  " + line(f"share {share:.0%} (≤ {trained}), alone", by_itself))


def encoder_time(layers: int = 6, width: int = 384, heads: int = 12, tokens: int = 64, runs: int = 30) -> None:
    """The arithmetic of one message through a transformer encoder of MiniLM-L6's shape (the smallest common
    sentence encoder: 6 layers, 384 wide, 12 heads, a 1,536 feed-forward), random weights, float32, numpy with its
    BLAS on one core of this machine: the time a learned model of French at large would need per message, whatever its
    training."""
    draw = np.random.default_rng(1)
    weights = [
        {
            name: draw.standard_normal(shape, dtype=np.float32) * 0.02
            for name, shape in (
                ("qkv", (width, 3 * width)),
                ("out", (width, width)),
                ("up", (width, 4 * width)),
                ("down", (4 * width, width)),
            )
        }
        for _ in range(layers)
    ]
    x0 = draw.standard_normal((tokens, width), dtype=np.float32)

    def forward() -> np.ndarray:
        x = x0
        for layer in weights:
            q, k, v = np.split(x @ layer["qkv"], 3, axis=1)
            size = width // heads
            q, k, v = (m.reshape(tokens, heads, size).transpose(1, 0, 2) for m in (q, k, v))
            attention = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            attention = np.exp(attention - attention.max(axis=-1, keepdims=True))
            attention /= attention.sum(axis=-1, keepdims=True)
            x = x + (attention @ v).transpose(1, 0, 2).reshape(tokens, width) @ layer["out"]
            x = x + np.maximum(x @ layer["up"], 0.0) @ layer["down"]
            x = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-5)
        return x

    times = []
    with threadpool_limits(limits=1):  # one thread: a Lambda function of 1,769 MB or less has one vCPU
        forward()
        for _ in range(runs):
            start = time.perf_counter()
            forward()
            times.append((time.perf_counter() - start) * 1000)
    print(
        f"An encoder of MiniLM-L6's shape, {tokens} tokens, numpy on one core: "
        f"median {statistics.median(times):.2f} ms a message, min {min(times):.2f} ms (the matcher's budget: 1 ms)"
    )


def lower_bars(cases: list[Case]) -> None:
    """Today's matcher with its own bar lowered (``MIN_SCORE``, ``MIN_MARGIN``): where it stands in between."""
    kept = faq.MIN_SCORE, faq.MIN_MARGIN
    print(f"Today's matcher with a lower bar (MIN_SCORE, MIN_MARGIN; today {kept}), on the {len(cases)}:")
    try:
        for bar in ((2.5, 1.5), (2.5, 1.0), (2.0, 1.5), (2.0, 1.0)):
            faq.MIN_SCORE, faq.MIN_MARGIN = bar
            print("  " + line(f"bar {bar}", score(cases, understand)))
    finally:
        faq.MIN_SCORE, faq.MIN_MARGIN = kept


def score(cases: Iterable[Case], reader: Callable[[str], Understanding]) -> Counter[str]:
    return Counter(outcome(case, reader)[0] for case in cases)


def line(name: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    return (
        f"{name:<30} right {counts['right']:>5} ({counts['right'] / total:.1%})  wrong {counts['wrong']:>3}  "
        f"refused {counts['refused']:>3}"
    )


def main() -> None:
    vectors = Vectors()
    nearest = {theta: nearest_word(vectors, theta) for theta in THETAS}  # no training: built once, used everywhere
    batches = {name: outside(name) for name in BATCH_NAMES}
    dev_words, dev_labels = rows(development())
    totals: dict[str, Counter[str]] = {}
    for name, cases in batches.items():
        words, labels = list(dev_words), list(dev_labels)
        for other, others in batches.items():
            if other != name:
                more_words, more_labels = rows(others)
                words += more_words
                labels += more_labels
        by_words, by_vectors = words_model(words, labels), vectors_model(vectors, words, labels)
        readers: dict[str, Callable[[str], Understanding]] = {"today's matcher": understand}
        for threshold in THRESHOLDS:
            readers[f"+ words ≥ {threshold}"] = with_fallback(by_words, threshold)
            readers[f"+ vectors ≥ {threshold}"] = with_fallback(by_vectors, threshold)
            readers[f"+ both ≥ {threshold}"] = with_fallback(averaged(by_words, by_vectors), threshold)
        for theta, reader in nearest.items():
            readers[f"nearest word θ {theta}"] = reader
        for reader_name, reader in readers.items():
            totals.setdefault(reader_name, Counter()).update(score(cases, reader))
    print(f"The outside batches ({sum(map(len, batches.values()))} phrasings), each measured by a model without it:")
    for reader_name, counts in totals.items():
        print("  " + line(reader_name, counts))
    lower_bars([case for cases in batches.values() for case in cases])
    learning_curve(batches, dev_words, dev_labels)
    for tokens in (16, 64):  # a short message, and one of about forty words
        encoder_time(tokens=tokens)
    dev = development()
    print(f"The development batches ({len(dev)} phrasings, today's matcher tuned on them):")
    print("  " + line("today's matcher", score(dev, understand)))
    for theta, reader in nearest.items():
        print("  " + line(f"nearest word θ {theta}", score(dev, reader)))


if __name__ == "__main__":
    main()
