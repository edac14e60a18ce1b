"""The assistant's second opinion (``chorus_desk.faq_neighbours``): the nearest development phrasings, asked only
where the cues answer no topic and offer none; where it must answer and where it must not."""

from __future__ import annotations

import pytest

from chorus_desk import faq, faq_memory, faq_neighbours
from chorus_desk.faq import Topic, understand
from chorus_desk.faq_neighbours import NONE, Memory, decide, features
from tests.faq_memory import entries
from tests.faq_phrasings import BATCHES

# Made-up words no cue knows: what the cues make of them is nothing, so only the neighbours can answer.
STRANGE = "zorglub wibble flanders quuxette"
AGENT = Topic.HUMAN_AGENT.value


def _memory(*phrasings: tuple[str, str]) -> Memory:
    return Memory(phrasings)


def test_the_memory_is_the_development_set_of_today() -> None:
    """faq_memory.py is generated (``python -m tests.faq_memory``): stale, it would answer from phrasings that
    are no longer the development set's."""
    assert entries(BATCHES) == faq_memory.MEMORY
    assert len(faq_memory.MEMORY) > 500
    labels = {label for label, _ in faq_memory.MEMORY}
    assert labels == {*(t.value for t in Topic), NONE}  # every topic, and phrasings that fit none


def test_the_memory_holds_no_phrasing_with_a_negation() -> None:
    assert all(not faq.negates(faq.read(words)) for _, words in faq_memory.MEMORY)


def test_features_are_whole_words_and_trigrams_with_edges() -> None:
    assert features(["agent"]) == {"=agent": 1.0, "<ag": 1.0, "age": 1.0, "gen": 1.0, "ent": 1.0, "nt>": 1.0}
    assert features(["un", "un"])["=un"] == 2.0


def test_the_nearest_phrasings_come_first_with_their_cosine() -> None:
    memory = _memory((AGENT, STRANGE), ("", "tout autre chose ici"), (AGENT, "zorglub wibble"))
    near = memory.nearest(STRANGE.split())
    assert near[0][1] == AGENT
    assert near[0][0] == pytest.approx(1.0)  # the same words: cosine 1
    assert near[1][1] == AGENT and 0 < near[1][0] < 1
    assert all(label != "" for _, label in near)  # no shared feature, never a neighbour
    assert memory.nearest(["rien", "commun"]) == []


def test_the_neighbours_answer_only_when_they_all_agree_above_the_threshold() -> None:
    agree = [(0.8, AGENT), (0.6, AGENT), (0.5, AGENT)]
    assert decide(agree, 0.4, 1.0).sure
    assert decide(agree, 0.4, 1.0).label == AGENT
    assert not decide(agree, 0.85, 1.0).sure  # the nearest under the threshold
    split = [(0.8, AGENT), (0.6, Topic.CREATE_ACCOUNT.value), (0.5, AGENT)]
    assert not decide(split, 0.4, 1.0).sure  # one dissenting neighbour
    assert decide(split, 0.4, 0.7).share == pytest.approx(1.3 / 1.9, abs=1e-3)
    assert decide(split, 0.4, 0.6).sure
    assert not decide([(0.9, NONE), (0.8, NONE)], 0.4, 0.5).sure  # near what fits no topic: refuse
    assert decide([], 0.4, 1.0) == faq_neighbours.NOTHING


def test_where_the_cues_refuse_the_neighbours_answer() -> None:
    memory = _memory(*[(AGENT, f"{STRANGE} {extra}") for extra in ("a", "b", "c", "d", "e")])
    assert understand(STRANGE).topic is None  # the project's memory knows nothing of it
    understanding = understand(STRANGE, memory)
    assert understanding.topic is Topic.HUMAN_AGENT
    assert understanding.evidence[0].startswith("neighbours ")
    assert understanding.choices == ()


def test_near_what_fits_no_topic_the_neighbours_refuse() -> None:
    memory = _memory(*[(NONE, f"{STRANGE} {extra}") for extra in ("a", "b", "c", "d", "e")])
    assert understand(STRANGE, memory).topic is None


def test_the_neighbours_never_read_a_negation() -> None:
    memory = _memory(*[(AGENT, f"{STRANGE} {extra}") for extra in ("a", "b", "c", "d", "e")])
    for text in (f"je ne veux pas {STRANGE}", f"pas de {STRANGE}", f"{STRANGE} sans", f"inutile {STRANGE}"):
        assert understand(text, memory).topic is None, text


def test_the_neighbours_never_read_a_message_of_fewer_than_three_words() -> None:
    memory = _memory(*[(AGENT, f"zorglub wibble {extra}") for extra in ("a", "b", "c", "d", "e")])
    assert understand("zorglub wibble", memory).topic is None
    assert understand("zorglub wibble flanders", memory).topic is Topic.HUMAN_AGENT


def test_the_cues_answer_first_and_the_neighbours_never_overrule_them() -> None:
    text = "je ne trouve pas le mail avec le lien pour activer mon compte"  # seed 002's own sentence
    memory = _memory(*[(AGENT, " ".join(faq.tokens(text)) + f" {extra}") for extra in "abcde"])
    assert understand(text, memory).topic is Topic.ACTIVATION_LINK


def test_two_topics_that_fit_as_well_stay_choices() -> None:
    text = "je veux parler à un conseiller pour ma facture de sous-traitance"
    memory = _memory(*[(AGENT, " ".join(faq.tokens(text)) + f" {extra}") for extra in "abcde"])
    understanding = understand(text, memory)
    assert understanding.topic is None
    assert set(understanding.choices) == {Topic.HUMAN_AGENT, Topic.SUBCONTRACTING}


def test_a_message_asking_two_things_stays_two_choices() -> None:
    text = "comment créer mon compte ? et aussi comment parler à un conseiller ?"
    memory = _memory(*[(AGENT, " ".join(faq.tokens(text)) + f" {extra}") for extra in "abcde"])
    understanding = understand(text, memory)
    assert understanding.topic is None
    assert understanding.choices == (Topic.CREATE_ACCOUNT, Topic.HUMAN_AGENT)


def test_with_the_projects_memory_a_message_the_cues_refuse_is_answered() -> None:
    text = "la dame qui tenait notre structure a quitté la maison"
    reading = faq.read(text)
    assert faq._by_cues(reading)[0].topic is None  # the cues alone refuse it
    understanding = understand(text)
    assert understanding.topic is Topic.MANAGER_LEFT
    assert understanding.evidence[0].startswith("neighbours ")


def test_the_settings_are_those_the_cross_validation_chose() -> None:
    """tests/faq_crossval.py chose them on the development batches (docs/decisions.md): a change needs a new run."""
    assert (faq_neighbours.THRESHOLD, faq_neighbours.AGREEMENT, faq_neighbours.K) == (0.35, 1.0, 7)
    assert faq_neighbours.MIN_WORDS == 3
