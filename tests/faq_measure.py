"""How the assistant's matcher is measured on a set of phrasings (tests/faq_phrasings.py, the held-out set of
tests/faq_heldout.py), and how close two phrasings are.

``similarity``: the larger of two ratios on the folded texts (``listing.fold``), the Jaccard index of their sets
of words and difflib's ``SequenceMatcher.ratio`` of their characters (2 × matching characters / total length,
the larger of its two orders). The first sees the same words in another order, the second a copy with a few
letters changed. ``TOO_CLOSE``: a held-out phrasing this similar to a phrasing of the model or of a test is not
held out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from rapidfuzz.distance import Indel

from chorus_desk import listing
from chorus_desk.faq import Topic, Understanding, understand

TOO_CLOSE = 0.8


@dataclass(frozen=True)
class Case:
    """One phrasing and what should come of it: one topic, no topic (``()``), or the topics of a message
    asking several things (offered as choices)."""

    text: str
    expected: tuple[Topic, ...]
    negated: bool = False

    @property
    def kind(self) -> str:
        if len(self.expected) > 1:
            return "two questions"
        return "negation" if self.negated else "plain"


@cache
def _folded(text: str) -> tuple[str, frozenset[str]]:
    folded = listing.fold(text)
    return folded, frozenset(folded.split())


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """The larger of the word Jaccard index and difflib's character ratio of the folded texts (0 to 1); when
    both are known to stay under ``floor``, a value under ``floor`` (difflib's cheap upper bounds)."""
    (fa, wa), (fb, wb) = _folded(a), _folded(b)
    best = len(wa & wb) / len(wa | wb) if wa | wb else 1.0
    for first, second in ((fa, fb), (fb, fa)):  # difflib's ratio depends on the order
        matcher = SequenceMatcher(None, first, second, autojunk=False)
        bar = max(best, floor)
        if matcher.real_quick_ratio() > bar and matcher.quick_ratio() > bar:
            best = max(best, matcher.ratio())
    return best


@cache
def _letters(text: str) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The folded text's length and how often each character occurs in it."""
    folded = _folded(text)[0]
    return len(folded), tuple(Counter(folded).items())


def _bound(a: str, b: str) -> float:
    """An upper bound of ``similarity``, cheap: the word Jaccard index, or difflib's ``quick_ratio`` (the
    characters two texts share, whatever their order: a bound of ``ratio``) computed from counts kept per text."""
    (_, wa), (_, wb) = _folded(a), _folded(b)
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 1.0
    (la, ca), (lb, cb) = _letters(a), _letters(b)
    if la + lb == 0:
        return 1.0
    counts = dict(cb)
    shared = sum(min(n, counts.get(ch, 0)) for ch, n in ca)
    return max(jaccard, 2 * shared / (la + lb))


def closest(text: str, pool: tuple[str, ...]) -> tuple[float, str]:
    """The phrasing of ``pool`` most similar to ``text``, and how similar."""
    best: tuple[float, str] = (0.0, "")
    for other in pool:
        if _bound(text, other) > best[0]:
            best = max(best, (similarity(text, other), other))
    return best


def _may_be_close(a: str, b: str) -> bool:
    """Whether ``similarity(a, b)`` may reach ``TOO_CLOSE``: its word Jaccard index does, or the Indel similarity
    of the folded texts does (twice their longest common subsequence over their lengths: difflib's matching blocks
    are a common subsequence, so this bounds its ratio, in either order, from above)."""
    (fa, wa), (fb, wb) = _folded(a), _folded(b)
    if (len(wa & wb) / len(wa | wb) if wa | wb else 1.0) >= TOO_CLOSE:
        return True
    return bool(Indel.normalized_similarity(fa, fb, score_cutoff=TOO_CLOSE))


def too_close(text: str, pool: tuple[str, ...]) -> list[tuple[float, str]]:
    """The phrasings of ``pool`` within ``TOO_CLOSE`` of ``text``."""
    return [
        (s, other)
        for other in pool
        if _may_be_close(text, other) and (s := similarity(text, other, TOO_CLOSE)) >= TOO_CLOSE
    ]


@dataclass
class Measure:
    """Right: the expected topic answered, no topic where none fits, every topic of a two-question message
    offered as choices. Wrong: another topic answered (the costly mistake), or a topic answered where none
    fits. Refused: no answer (« je n'ai pas compris », or choices where one topic or none was expected, or
    not the expected ones); for a two-question message, one of its topics answered alone is refused, not
    wrong."""

    right: list[Case] = field(default_factory=list)
    wrong: list[tuple[Case, str]] = field(default_factory=list)
    refused: list[tuple[Case, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.right) + len(self.wrong) + len(self.refused)

    @property
    def accuracy(self) -> float:
        return len(self.right) / self.total if self.total else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.total} phrasings, right {self.accuracy:.1%} ({len(self.right)}), "
            f"wrong topic {len(self.wrong)}, refused {len(self.refused)}"
        )

    def report(self, name: str) -> str:
        lines = [self.line(name)]
        lines += [f"  WRONG   {got}: {case.expected} {case.text!r}" for case, got in self.wrong]
        lines += [f"  REFUSED {got}: {case.expected} {case.text!r}" for case, got in self.refused]
        return "\n".join(lines)


def outcome(case: Case, reader: Callable[[str], Understanding] = understand) -> tuple[str, str]:
    """``right``, ``wrong`` or ``refused``, and what the matcher (``reader``: ``understand`` unless told) said."""
    understanding = reader(case.text)
    choices = getattr(understanding, "choices", ())  # none before 2026-12-07: the « before » figure is this code's too
    said = understanding.topic.value if understanding.topic else f"choices {[t.value for t in choices]}"
    if len(case.expected) > 1:
        if understanding.topic is None:
            return ("right" if set(choices) == set(case.expected) else "refused"), said
        return ("refused" if understanding.topic in case.expected else "wrong"), said
    if understanding.topic is None:  # where no topic fits, offering choices is not right either
        return ("right" if not case.expected and not choices else "refused"), said
    return ("right" if (understanding.topic,) == case.expected else "wrong"), said


def measure(cases: tuple[Case, ...] | list[Case]) -> Measure:
    result = Measure()
    for case in cases:
        verdict, said = outcome(case)
        if verdict == "right":
            result.right.append(case)
        elif verdict == "wrong":
            result.wrong.append((case, said))
        else:
            result.refused.append((case, said))
    return result
