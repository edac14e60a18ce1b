"""`make bench`: how long the assistant's matcher (``chorus_desk.faq.understand``) takes per message.

On the development set (tests/faq_phrasings.py: one question each, negations, two questions), read once with the
matcher's caches empty (the first messages a fresh Lambda container reads) and then warm, and on the longest
messages a user can send (2,000 characters, the API's limit; and a paste of 5,000 characters, read up to the
matcher's 200 words). The budget is 1 ms per message, on average; this machine's figures, not a test's assertion
(on a shared machine, the tail is other processes' as much as the matcher's).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from chorus_desk import faq, faq_neighbours
from tests.faq_phrasings import NEGATIONS, PHRASINGS, TWO_QUESTIONS

BUDGET_MS = 1.0


def _phrasings() -> list[str]:
    return [
        *(text for texts in PHRASINGS.values() for text in texts),
        *(text for texts in NEGATIONS.values() for text in texts),
        *(text for text, _ in TWO_QUESTIONS),
    ]


def _clear() -> None:
    for cached in (faq.matched_terms, faq._is_known):  # the caches a cold container starts without
        cached.cache_clear()
    faq_neighbours.memory.cache_clear()  # the second opinion's index, built on the first message the cues refuse


def _timed(texts: list[str], understand: Callable[[str], object]) -> list[float]:
    """Milliseconds per message."""
    times = []
    for text in texts:
        started = time.perf_counter()
        understand(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    mean, median = statistics.mean(times), statistics.median(times)
    return f"| {name} | {len(times)} | {mean:.3f} | {median:.3f} | {p99:.3f} | {ordered[-1]:.3f} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="warm passes over the development set")
    rounds = parser.parse_args(argv).rounds
    texts = _phrasings()
    print("## The assistant's matcher: milliseconds per message\n")
    print("| messages | count | mean | median | p99 | max |")
    print("|---|---|---|---|---|---|")
    _clear()
    cold = _timed(texts, faq.understand)
    warm = [t for _ in range(rounds) for t in _timed(texts, faq.understand)]
    print(_row("development set, caches empty (a fresh container)", cold))
    print(_row(f"development set, warm ({rounds} passes)", warm))
    asked = [t for t in texts if faq.understand(t, faq_neighbours.Memory(()), 9.0).topic is None]  # cues refuse
    faq_neighbours.memory.cache_clear()
    started = time.perf_counter()
    faq_neighbours.memory()
    built = (time.perf_counter() - started) * 1000
    print(_row(f"the {len(asked)} the cues refuse (neighbours asked), warm", _timed(asked * rounds, faq.understand)))
    long_question = ("je ne trouve pas le mail avec le lien pour activer mon compte, " * 40)[:2000]
    paste = ("Bonjour, voici le détail de ma facture n° 12345 ; " * 120)[:5000]
    _clear()
    print(_row("2,000 characters (the API's limit), caches empty", _timed([long_question], faq.understand)))
    print(_row("2,000 characters, warm", _timed([long_question] * rounds, faq.understand)))
    print(_row("5,000 characters (read up to 200 words), warm", _timed([paste] * rounds, faq.understand)))
    verdict = "within" if statistics.mean(warm) <= BUDGET_MS and statistics.mean(cold) <= BUDGET_MS else "OVER"
    print(f"\nthe neighbours' index, built once per container on first use: {built:.1f} ms")
    print(f"budget {BUDGET_MS} ms per message (mean, cold and warm): {verdict}")


if __name__ == "__main__":
    main()
