"""The assistant's second opinion: the nearest phrasings of its memory, asked only where its cues refuse.

The lexical model (``chorus_desk.faq``) refuses what its cues do not cover: most of its misses on text written
by another hand are refusals, not confusions. A refused message is then compared with the phrasings the model was
developed on (``chorus_desk.faq_memory``: the development set, read as ``faq.read`` reads a message, those with
a negation left out since the neighbours never read such a message), each labelled with its topic or with none:

- features: each word whole, and its character trigrams with the word's edges marked (« <co », « com », … « te> »),
  so that a word misspelt or inflected still shares most of its features with the right one;
- weights: TF-IDF (``1 + log tf`` times ``log((n + 1) / (df + 1)) + 1``), each vector of unit length, and the
  cosine of two vectors as similarity, through an inverted index (only the phrasings sharing a feature are
  touched);
- decision: the ``K`` most similar phrasings vote with their similarities; the topic they give is an answer only
  when the nearest phrasing gives it too, its similarity reaches ``THRESHOLD``, and it has at least ``AGREEMENT`` of
  the votes. A vote for no topic (a phrasing that fits none) is a vote too: near what the desk does not answer,
  the assistant refuses.

``THRESHOLD``, ``AGREEMENT`` and ``K`` were chosen by leave-one-batch-out cross-validation on the development
batches (``python -m tests.faq_crossval``, docs/decisions.md). The index is built on first use (about 40 ms here,
``make bench``), not at import: most messages never need it. Pure Python, no dependency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

K = 7  # neighbours that vote
THRESHOLD = 0.35  # the nearest phrasing's similarity must reach this…
AGREEMENT = 1.0  # …and its topic hold this share of the K neighbours' votes (similarity-weighted)
MIN_WORDS = 3  # a shorter message is the cues' alone: one word (« compte ») is near too many phrasings
NONE = ""  # the label of a phrasing that fits no topic


def features(words: Iterable[str]) -> dict[str, float]:
    """The features of a read message and how often each occurs: each word whole (``=word``), and its
    character trigrams with the word's edges marked."""
    counts: dict[str, float] = {}
    for word in words:
        counts["=" + word] = counts.get("=" + word, 0.0) + 1.0
        marked = f"<{word}>"
        for i in range(len(marked) - 2):
            gram = marked[i : i + 3]
            counts[gram] = counts.get(gram, 0.0) + 1.0
    return counts


@dataclass(frozen=True)
class Guess:
    """What the neighbours say: a label (a topic's value, or ``NONE``), the nearest one's similarity, the share
    of the votes that label holds, and whether that is enough to answer."""

    label: str
    similarity: float
    share: float
    sure: bool


NOTHING = Guess(NONE, 0.0, 0.0, False)


class Memory:
    """An inverted index of labelled phrasings (each a sequence of read words)."""

    def __init__(self, phrasings: Sequence[tuple[str, str]]) -> None:
        self.labels = tuple(label for label, _ in phrasings)
        counted = [features(words.split()) for _, words in phrasings]
        df: dict[str, int] = {}
        for counts in counted:
            for feature in counts:
                df[feature] = df.get(feature, 0) + 1
        n = len(counted)
        self.idf = {feature: math.log((n + 1) / (d + 1)) + 1.0 for feature, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {}
        for doc, counts in enumerate(counted):
            for feature, weight in self._vector(counts).items():
                postings.setdefault(feature, []).append((doc, weight))
        self.postings = {feature: tuple(entries) for feature, entries in postings.items()}

    def _vector(self, counts: dict[str, float]) -> dict[str, float]:
        weighted = {f: (1.0 + math.log(c)) * self.idf[f] for f, c in counts.items() if f in self.idf}
        norm = math.sqrt(sum(w * w for w in weighted.values()))
        return {f: w / norm for f, w in weighted.items()} if norm else {}

    def nearest(self, words: Iterable[str], k: int = K) -> list[tuple[float, str]]:
        """The ``k`` most similar phrasings: (cosine similarity, label), the most similar first."""
        scores: dict[int, float] = {}
        for feature, weight in self._vector(features(words)).items():
            for doc, other in self.postings[feature]:
                scores[doc] = scores.get(doc, 0.0) + weight * other
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [(score, self.labels[doc]) for doc, score in best]

    def guess(
        self, words: Iterable[str], threshold: float = THRESHOLD, agreement: float = AGREEMENT, k: int = K
    ) -> Guess:
        """The label the neighbours agree on, and whether it is sure enough to answer (see the module)."""
        return decide(self.nearest(words, k), threshold, agreement)


def decide(near: Sequence[tuple[float, str]], threshold: float = THRESHOLD, agreement: float = AGREEMENT) -> Guess:
    """The nearest phrasings' vote (``Memory.nearest``): the nearest one's label, sure when its similarity reaches
    ``threshold`` and its label holds ``agreement`` of the similarity-weighted votes."""
    if not near:
        return NOTHING
    votes: dict[str, float] = {}
    for score, label in near:
        votes[label] = votes.get(label, 0.0) + score
    total = sum(votes.values())
    first_score, first_label = near[0]
    share = votes[first_label] / total if total else 0.0
    sure = first_label != NONE and first_score >= threshold and share >= agreement
    return Guess(first_label, round(first_score, 4), round(share, 4), sure)


@cache
def memory() -> Memory:
    """The development phrasings' index, built once per container on first use."""
    from chorus_desk.faq_memory import MEMORY  # imported where the cues refused, not at start

    return Memory(MEMORY)
