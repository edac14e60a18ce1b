"""The held-out set of the assistant's matcher (tests/faq_heldout.json, written by another hand before the model
was changed): kept apart from everything the model was built or tuned from, and measured.

The issue's targets are 95 % right and no wrong topic. The model reached 118 of 129 (91.5 %) with one wrong
topic; after session 3 (tuned on new development batches only), 118 with no wrong topic, an optimistic figure
since this set's failures had been read and described by then (docs/decisions.md, 2026-12-07); after session 4,
123 of 129 on the first set and 117 of 119 on the second, both spent, so optimistic too. The test holds that
level, so that a change which makes the matcher worse fails, and says when a target is not met. Raising the bar
needs a better model, tuned on the development set (tests/faq_phrasings.py), never on these sets; a set written
apart measures it afresh.
``pytest -s`` prints the figures, per kind of phrasing, and the phrasings answered wrong or refused.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from chorus_desk import faq, listing, messages
from chorus_desk.faq import Topic
from tests.faq_heldout import HELD_OUT_FILES, held_out
from tests.faq_measure import TOO_CLOSE, measure, similarity, too_close
from tests.faq_phrasings import NEGATIONS, PHRASINGS, TWO_QUESTIONS

TARGET_ACCURACY = 0.95  # the targets…
TARGET_WRONG = 0
# …and what the model achieves on each set: the bar this test holds. Sets 1 and 2 are spent (their failures were
# read before session 4 tuned the model on new development batches), so their figures are optimistic: 123 of 129
# and 117 of 119 after session 4 (before it: 118 and 104). The third set, written apart and read by nobody who
# tuned, measures it: 96 of 111 right and 1 wrong on the model of ad6c699, before session 4's tuning; 99 and 1 after.
# The fourth set, written apart after that: 96 of 104 right, 1 wrong on the model of 909663d, before round 2.
# Round 2 (the neighbours' second opinion, tuned on the development batches only; sets 1 to 3 all spent by then,
# their failures read): 123, 117 and 100 of 111, the wrong one unchanged (the cues', not the neighbours');
# the fourth set: 97 of 104, 1 wrong.
# Round 3 (session 6: the kinds of message sets 1 to 4 missed, read from their failures, tuned on a new development
# batch s6-1 written in other words): 129, 117, 109 of 111 and 104 of 104, no wrong topic; all four sets spent, so
# optimistic. The fifth set (session 5, written apart after the fourth had been measured, read by nobody who tuned)
# tells: 137 of 154 right, 1 wrong on the model of 82a95cc before round 3; 140 and 1 after.
# Round 4 (session 7: the kinds set 5 missed, needs described, abbreviations, refusals and pronouns, tuned on new
# development batches s7-1 and s7-3, with s7-2 kept aside to measure): 129, 119, 110 of 111, 104 and 153 of 154, no
# wrong topic; all five sets spent, so optimistic. The sixth set, written apart, measures it: 152 of 175 right, 1
# wrong on the model of e5dc1c4 before round 4; 156 and 1 after (docs/decisions.md). Spent since.
# The seventh set (read by nobody: its figures only) measures today's model: 164 of 180 right, 3 wrong. Round 5 (more
# development data from six outside hands, not merged) got 163 and 3 on it (docs/decisions.md). The eighth set
# (read by nobody either) measures the same model: 150 of 168 right, 1 wrong.
ACHIEVED = {
    "first": (129, 0),
    "second": (119, 0),
    "third": (110, 0),
    "fourth": (104, 0),
    "fifth": (153, 0),
    "sixth": (156, 1),
    "seventh": (164, 3),
    "eighth": (150, 1),
}
SETS = tuple(HELD_OUT_FILES)
TESTS = Path(__file__).parent


def _development() -> tuple[str, ...]:
    return (
        *(text for texts in PHRASINGS.values() for text in texts),
        *(text for texts in NEGATIONS.values() for text in texts),
        *(text for text, _ in TWO_QUESTIONS),
    )


def _messages() -> set[str]:
    """Every French text of messages.py (labels the assistant tests compare against, not phrasings)."""
    found: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for value in vars(messages).values():
        collect(value)
    return found


def _phrasings_of_other_tests() -> tuple[str, ...]:
    """The string literals of the assistant's and the matcher's other tests that could be phrasings: not the
    French texts of messages.py, not codes and identifiers, not the keys of a subscript."""
    labels = _messages()
    found: set[str] = set()
    for path in sorted({*TESTS.glob("*faq*.py"), *TESTS.glob("*assistant*.py")}):
        if path.name in {"faq_heldout.py", Path(__file__).name}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys = {id(node.slice) for node in ast.walk(tree) if isinstance(node, ast.Subscript)}  # body["description"]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in keys:
                continue
            text = node.value
            if text in labels or not listing.fold(text) or (" " not in text and not text.islower()):
                continue
            found.add(text)
    return tuple(sorted(found))


@pytest.mark.parametrize("which", SETS)
def test_the_held_out_set_is_well_formed(which: str) -> None:
    cases = held_out(which)
    assert len(cases) >= 100
    assert {topic for case in cases for topic in case.expected} == set(Topic)
    assert any(not case.expected for case in cases), "phrasings where no topic fits"
    assert all(len(set(case.expected)) == len(case.expected) <= faq.MAX_CHOICES for case in cases)
    assert sum(case.kind == "negation" for case in cases) >= 5
    assert sum(case.kind == "two questions" for case in cases) >= 5
    folded = [listing.fold(case.text) for case in cases]
    assert len(folded) == len(set(folded)), "each phrasing once"


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("Le chat dort sur le canapé du salon", "le chat dort sur canape du salon", True),  # a word fewer
        ("salon du canapé sur dort chat le", "le chat dort sur canape du salon", True),  # the words reordered
        ("Où est la GARE ?", "ou est la gare", True),  # accents, case, punctuation
        ("le chat dort sur le canapé", "il pleut sur la ville ce matin", False),
    ],
)
def test_similarity_sees_copies_through_order_accents_and_small_changes(a: str, b: str, close: bool) -> None:
    assert (similarity(a, b) >= TOO_CLOSE) is close
    assert similarity(a, b) == similarity(b, a)
    assert similarity(a, a) == 1.0


def test_the_quick_search_for_close_phrasings_finds_what_comparing_every_pair_finds() -> None:
    """``too_close`` sets most pairs aside before running difflib (an upper bound): on development phrasings of one
    topic against themselves (near ones among them), it finds exactly the pairs the similarity itself finds."""
    development = PHRASINGS[Topic.STRUCTURE_PROCEDURE][:120]
    found = {(a, b) for a in development for _, b in too_close(a, development)}
    compared = {(a, b) for a in development for b in development if similarity(a, b) >= TOO_CLOSE}
    assert found == compared
    assert len({(a, b) for a, b in compared if a != b}) > 10  # near pairs to find, not only each phrasing itself


@pytest.mark.parametrize("which", SETS)
def test_no_held_out_phrasing_is_within_0_8_of_an_example_of_the_model(which: str) -> None:
    examples = tuple(text for texts in faq.EXAMPLES.values() for text in texts)
    close = [(case.text, found) for case in held_out(which) if (found := too_close(case.text, examples))]
    assert close == []


@pytest.mark.parametrize("which", SETS)
def test_no_held_out_phrasing_is_within_0_8_of_the_development_set(which: str) -> None:
    development = _development()
    close = [(case.text, found) for case in held_out(which) if (found := too_close(case.text, development))]
    assert close == []


@pytest.mark.parametrize("which", SETS)
def test_no_held_out_phrasing_is_within_0_8_of_a_phrasing_of_another_test(which: str) -> None:
    others = _phrasings_of_other_tests()
    assert len(others) > 100  # the collection found the other tests' phrasings
    close = [(case.text, found) for case in held_out(which) if (found := too_close(case.text, others))]
    assert close == []


OUTSIDE = TESTS.parent / "experiments" / "outside"
# Round 5's outside phrasings (experiments/outside/, read by make faq-models): the unread sets' phrasings within 0.8
# of them. A round tuned on them must leave these out of the set's measure (docs/decisions.md).
CLOSE_TO_OUTSIDE = {"seventh": 2, "eighth": 0}


@pytest.mark.parametrize("which", tuple(CLOSE_TO_OUTSIDE))
def test_the_unread_sets_are_apart_from_the_outside_phrasings_but_for_those_counted(which: str) -> None:
    outside = tuple(
        item["text"]
        for path in sorted(OUTSIDE.glob("dev_*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))
    )
    assert len(outside) > 1000
    close = sum(1 for case in held_out(which) if too_close(case.text, outside))  # a count: no text of the set shown
    assert close == CLOSE_TO_OUTSIDE[which], f"{close} phrasings of the {which} set within 0.8 of the outside ones"


def _code_of(path: Path) -> tuple[set[str], set[str]]:
    """A module's string literals (docstrings aside) and the modules it imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    literals = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return literals, imported


def test_only_its_own_module_reads_the_held_out_file() -> None:
    """Nothing but tests/faq_heldout.py names the file, and nothing but this test imports that module: the model,
    the development set, the bench, the model trials and the other tests never see the held-out phrasings."""
    root = TESTS.parent
    paths = [*TESTS.rglob("*.py"), *root.glob("bench/*.py"), *root.glob("fuzz/*.py"), *root.glob("layers/**/*.py")]
    paths += root.glob("experiments/*.py")  # the learned-model trials (make faq-models) never read a held-out set
    naming, importing = [], []
    for path in paths:
        literals, imported = _code_of(path)
        if any(file.name in literal for file in HELD_OUT_FILES.values() for literal in literals):
            naming.append(path.name)
        if "tests.faq_heldout" in imported:
            importing.append(path.name)
    assert naming == ["faq_heldout.py"]
    assert importing == [Path(__file__).name]


@pytest.mark.parametrize("which", SETS)
def test_the_held_out_figures_hold(which: str) -> None:
    cases = held_out(which)
    result = measure(cases)
    lines = [result.report(f"{which} held-out set")]
    lines += [measure([c for c in cases if c.kind == kind]).line(f"  {kind}") for kind in ("plain", "negation")]
    lines.append(measure([c for c in cases if c.kind == "two questions"]).line("  two questions"))
    print("\n" + "\n".join(lines))
    achieved_right, achieved_wrong = ACHIEVED[which]
    assert len(result.right) >= achieved_right, "\n".join(lines)
    assert len(result.wrong) <= achieved_wrong, "\n".join(lines)
    if result.accuracy < TARGET_ACCURACY or len(result.wrong) > TARGET_WRONG:
        print(f"below the issue's targets ({TARGET_ACCURACY:.0%} right, {TARGET_WRONG} wrong): see docs/decisions.md")
