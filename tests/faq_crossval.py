"""Leave-one-batch-out cross-validation of the second opinion's settings (``chorus_desk.faq_neighbours``).

The cues were tuned on every development batch, so where they refuse a development phrasing is rare and tells
little. The settings are therefore chosen on the neighbours *alone*: for each development batch
(tests/faq_phrasings.py), a memory is built from the other batches and the model's examples, and each single
question of the batch that the neighbours may read (no negation, ``MIN_WORDS`` words or more) is put to it as if
the cues had refused it. For each batch left out, the triple (``THRESHOLD``, ``AGREEMENT``, ``K``) of ``GRID`` is
chosen on the other batches (``choose``: the most answers right with no wrong one, with a margin), then tried on
the batch left out: the neighbours alone, and the whole matcher (cues, then neighbours where they refuse) against
the cues alone. ``python -m tests.faq_crossval`` (``PYTHONPATH=layers/common:.``) prints each fold, the sums and
the triple chosen on all batches; docs/decisions.md keeps them. The memory's phrasings were written by the tuner,
so the estimate is optimistic for another hand's text.
"""

from __future__ import annotations

import itertools

from chorus_desk import faq
from chorus_desk.faq_neighbours import MIN_WORDS, NONE, Memory, decide
from tests.faq_measure import Case, outcome
from tests.faq_memory import entries
from tests.faq_phrasings import BATCHES, Batch

THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(9))  # 0.30 … 0.70
AGREEMENTS = (0.6, 0.7, 0.8, 0.9, 1.0)
KS = (3, 5, 7)
GRID = tuple(itertools.product(THRESHOLDS, AGREEMENTS, KS))
Pair = tuple[float, float, int]  # threshold, agreement, K
Row = tuple[str, list[tuple[float, str]]]  # expected label, the nearest phrasings (similarity, label)


def cases(batch: Batch) -> list[Case]:
    return [
        *(Case(t, (k,) if k else ()) for k, ts in batch.phrasings.items() for t in ts),
        *(Case(t, (k,) if k else (), True) for k, ts in batch.negations.items() for t in ts),
        *(Case(t, topics) for t, topics in batch.two_questions),
    ]


def rows(batch: Batch, memory: Memory) -> list[Row]:
    """The neighbours' guess on each single question of the batch that has no negation."""
    found = []
    for topic, texts in batch.phrasings.items():
        for text in texts:
            reading = faq.read(text)
            if faq.negates(reading) or len(reading.words) < MIN_WORDS:
                continue
            found.append((topic.value if topic else NONE, memory.nearest(reading.words, max(KS))))
    return found


def alone(found: list[Row], pair: Pair) -> tuple[int, int, int]:
    """The neighbours alone at this pair: answered right, answered wrong, not answered."""
    guesses = [(expected, decide(near[: pair[2]], pair[0], pair[1])) for expected, near in found]
    answered = [(expected, guess.label) for expected, guess in guesses if guess.sure]
    right = sum(expected == label for expected, label in answered)
    return right, len(answered) - right, len(found) - len(answered)


def choose(found: list[Row]) -> Pair:
    """The triple that answers the most right with no wrong answer, and whose looser neighbours in the grid (the
    threshold one step lower, the agreement one step lower) make no wrong answer either: a margin, since the
    wrong answers are few and the best triple on some batches is often one step from a wrong one on others."""

    def safe(pair: Pair) -> bool:
        threshold, agreement, k = pair
        looser_agreement = AGREEMENTS[max(AGREEMENTS.index(agreement) - 1, 0)]
        looser = ((round(threshold - 0.05, 2), agreement, k), (threshold, looser_agreement, k))
        return all(alone(found, p)[1] == 0 for p in (pair, *looser))

    return max((pair for pair in GRID if safe(pair)), key=lambda pair: (alone(found, pair)[0], pair))


def matcher(batch: Batch, memory: Memory | None, pair: Pair) -> tuple[int, int, int]:
    """The whole matcher on the batch (cues, then the memory's neighbours where they refuse; the cues alone if no
    memory): right, wrong, refused."""
    used, (threshold, agreement, k) = (memory, pair) if memory else (NO_MEMORY, (9.0, 1.0, 1))

    def reader(text: str) -> faq.Understanding:
        return faq.understand(text, used, threshold, agreement, k)

    verdicts = [outcome(case, reader)[0] for case in cases(batch)]
    return verdicts.count("right"), verdicts.count("wrong"), verdicts.count("refused")


NO_MEMORY = Memory(())


def run() -> None:
    memories = {b.name: Memory(entries([o for o in BATCHES if o is not b])) for b in BATCHES}
    found = {b.name: rows(b, memories[b.name]) for b in BATCHES}
    sums = {"alone": [0, 0, 0], "matcher": [0, 0, 0], "cues": [0, 0, 0]}
    for held in BATCHES:
        pair = choose([r for b in BATCHES if b is not held for r in found[b.name]])
        figures = {
            "alone": alone(found[held.name], pair),
            "matcher": matcher(held, memories[held.name], pair),
            "cues": matcher(held, None, pair),
        }
        for name, values in figures.items():
            sums[name] = [s + v for s, v in zip(sums[name], values, strict=True)]
        print(
            f"{held.name:8} chosen on the others: threshold {pair[0]:.2f}, agreement {pair[1]:.1f}, K {pair[2]}; "
            f"neighbours alone right/wrong/unanswered {figures['alone']}, matcher right/wrong/refused "
            f"{figures['matcher']}, cues alone {figures['cues']}"
        )
    print(f"sums: neighbours alone {sums['alone']}, matcher {sums['matcher']}, cues alone {sums['cues']}")
    every = [r for b in BATCHES for r in found[b.name]]
    pair = choose(every)
    overall = alone(every, pair)
    print(f"chosen on all batches: threshold {pair[0]:.2f}, agreement {pair[1]:.1f}, K {pair[2]}: alone {overall}")
    fixed = [matcher(b, memories[b.name], pair) for b in BATCHES]
    summed = [sum(f[i] for f in fixed) for i in range(3)]
    print(f"  each batch read by a memory without it, at that choice: matcher right/wrong/refused {summed}")


if __name__ == "__main__":
    run()
