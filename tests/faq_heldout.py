"""The assistant's held-out set (tests/faq_heldout.json), read by its own test only (test_faq_heldout.py).

The set was written by another hand, from seed 002 and the topic titles alone, before any change to the model
of 2026-12-07; nobody tunes on it. Each item is ``{"text", "topic"}`` (a topic's code, or ``null`` where no
topic fits), or ``{"text", "topics": [A, B]}`` for a message asking two things (both must be offered as
choices); ``"negated": true`` marks a message with a negation.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chorus_desk.faq import Topic
from tests.faq_measure import Case

HELD_OUT_FILE = Path(__file__).with_name("faq_heldout.json")
# The second set (2026-12-07, session 3): written by another hand from seeds 002 and 004 and the topic titles
# alone, after the first set had been read (so spent for tuning), before the model's next change.
SECOND_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout2.json")
# The third set (2026-12-07, session 4): written by another hand from seeds 002 and 004 and the topic titles alone,
# after the second set had been read (so spent for tuning), before the model's next change; not read by the
# engineer who tuned the model that day.
THIRD_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout3.json")
# The fourth set (2026-12-07, session 4, later): written the same way after the third had been measured and
# read, before the model's second change of the day; not read by the engineer who tuned it.
FOURTH_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout4.json")
# The fifth set (2026-12-07, session 5): written the same way by two other hands (139 phrasings, then 73 more, the
# second asked to avoid the obvious wordings), 154 kept once those within 0.8 of the model's examples, the
# development set, the other tests and the four earlier sets were dropped; measured on the model of 82a95cc
# before the day's third tuning, whose engineer never read it.
FIFTH_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout5.json")
# The sixth set (2026-12-07, session 6): written the same way by two other hands (137 phrasings, then 77), 175 kept
# once those within 0.8 of the model's examples, the development set, the other tests and the five earlier sets were
# dropped; measured on the model of e5dc1c4 before the day's fourth tuning, whose engineer never read it.
SIXTH_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout6.json")
# The seventh set (2026-12-07, session 6, later): written the same way by two other hands (130 phrasings, then 68),
# 180 kept once those within 0.8 of the model's examples, the development set, the other tests and the six earlier
# sets were dropped; measured on the model of af6d0f8 (today's) and on round 5's branch, which was not merged.
# Its figures only were read, never its failures: it is the one set not spent.
SEVENTH_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout7.json")
# The eighth set (2026-12-07, session 8): written the same way by two other hands (131 phrasings, then 74), 168 kept
# once those within 0.8 of the model's examples, the development set, the other tests, the seven earlier sets and
# round 5's outside batches (on its branch) were dropped; measured on the model of 820c722 (the matcher unchanged
# since the seventh was measured). Its figures only were read, never its failures: with the seventh, not spent.
EIGHTH_HELD_OUT_FILE = Path(__file__).with_name("faq_heldout8.json")
HELD_OUT_FILES = {
    "first": HELD_OUT_FILE,
    "second": SECOND_HELD_OUT_FILE,
    "third": THIRD_HELD_OUT_FILE,
    "fourth": FOURTH_HELD_OUT_FILE,
    "fifth": FIFTH_HELD_OUT_FILE,
    "sixth": SIXTH_HELD_OUT_FILE,
    "seventh": SEVENTH_HELD_OUT_FILE,
    "eighth": EIGHTH_HELD_OUT_FILE,
}


@cache
def held_out(which: str = "first") -> tuple[Case, ...]:
    cases = []
    for item in json.loads(HELD_OUT_FILES[which].read_text(encoding="utf-8")):
        if "topics" in item:
            expected = tuple(Topic(t) for t in item["topics"])
        else:
            expected = () if item["topic"] is None else (Topic(item["topic"]),)
        cases.append(Case(item["text"], expected, bool(item.get("negated", False))))
    return tuple(cases)
