"""How well the assistant's matcher understands questions it was not built from (tests/faq_phrasings.py).

Correct means the expected topic, and for a phrasing that fits no topic, no topic. A wrong topic (not a
refusal) is the costly mistake — the user gets an answer to another question — so it has its own, tighter
bar. ``pytest -s`` prints the figures and every phrasing the matcher got wrong or refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chorus_desk import faq, listing
from chorus_desk.faq import Topic, understand
from tests.faq_phrasings import HELD_OUT, PHRASINGS

MIN_ACCURACY = 0.90
MAX_WRONG_TOPIC = 0.03


@dataclass(frozen=True)
class Measure:
    total: int
    correct: int
    wrong: list[tuple[str, Topic | None, Topic | None]]  # phrasing, expected, answered: another topic
    refused: list[tuple[str, Topic | None, Topic | None]]  # phrasing, expected, best guess: no answer

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def wrong_rate(self) -> float:
        return len(self.wrong) / self.total

    @property
    def refused_rate(self) -> float:
        return len(self.refused) / self.total

    def report(self, name: str) -> str:
        lines = [
            f"{name}: {self.total} phrasings, accuracy {self.accuracy:.1%} ({self.correct}), "
            f"wrong topic {self.wrong_rate:.1%} ({len(self.wrong)}), "
            f"refused {self.refused_rate:.1%} ({len(self.refused)})"
        ]
        lines += [f"  WRONG   expected {expected}, answered {got}: {text!r}" for text, expected, got in self.wrong]
        lines += [f"  REFUSED expected {expected} (best guess {got}): {text!r}" for text, expected, got in self.refused]
        return "\n".join(lines)


def measure(phrasings: dict[Topic | None, tuple[str, ...]]) -> Measure:
    correct = 0
    wrong: list[tuple[str, Topic | None, Topic | None]] = []
    refused: list[tuple[str, Topic | None, Topic | None]] = []
    for expected, texts in phrasings.items():
        for text in texts:
            understanding = understand(text)
            if understanding.topic is expected:
                correct += 1
            elif understanding.topic is None:
                refused.append((text, expected, understanding.best))
            else:
                wrong.append((text, expected, understanding.topic))
    return Measure(sum(len(texts) for texts in phrasings.values()), correct, wrong, refused)


def test_the_measurement_set_is_big_enough() -> None:
    assert sum(len(texts) for texts in PHRASINGS.values()) >= 80
    assert set(PHRASINGS) == {*Topic, None}
    assert all(len(PHRASINGS[topic]) >= 12 for topic in Topic)
    assert len(PHRASINGS[None]) >= 10
    everything = [listing.fold(text) for texts in (*PHRASINGS.values(), *HELD_OUT.values()) for text in texts]
    assert len(everything) == len(set(everything)), "each phrasing once"


def test_no_phrasing_is_one_of_the_models_examples() -> None:
    examples = {listing.fold(text) for texts in faq.EXAMPLES.values() for text in texts}
    copied = [
        text for texts in (*PHRASINGS.values(), *HELD_OUT.values()) for text in texts if listing.fold(text) in examples
    ]
    assert copied == []


@pytest.mark.parametrize(("name", "phrasings"), [("measurement set", PHRASINGS), ("held-out set", HELD_OUT)])
def test_the_matcher_answers_right_and_rarely_answers_wrong(
    name: str, phrasings: dict[Topic | None, tuple[str, ...]]
) -> None:
    result = measure(phrasings)
    print("\n" + result.report(name))
    assert result.accuracy >= MIN_ACCURACY, result.report(name)
    assert result.wrong_rate <= MAX_WRONG_TOPIC, result.report(name)
