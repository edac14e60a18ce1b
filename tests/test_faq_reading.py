"""How the matcher reads a message beyond its words: clauses and segments, what a negation covers, the topics a
message asking two things offers, the topics a user declines, and whether the principal manager is said to be
gone (seed 002, n° 4). The figures on whole sets: test_faq_accuracy.py and test_faq_heldout.py."""

from __future__ import annotations

import pytest

from chorus_desk import faq
from chorus_desk.faq import Topic, read, says_manager_left, understand


def _negated(text: str) -> list[str]:
    reading = read(text)
    return [reading.words[p] for p in sorted(reading.negated)]


# ------------------------------------------------------------------------------------------ negation
@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("je ne veux pas parler à un agent", ["parler", "a", "un", "agent"]),
        ("je veux pas d'agent, un conseiller humain", ["d", "agent"]),  # the scope ends with the clause
        ("pas besoin d'agent je veux créer mon compte", ["d", "agent"]),  # …or at a new « je »
        ("je ne souhaite pas inactiver mais activer", ["inactiver"]),  # …or at « mais »
        ("ce n'est pas pour ma structure", ["pour", "ma", "structure"]),
        ("inutile de me passer un conseiller", ["de", "me", "passer", "un", "conseiller"]),
        ("sans passer par un agent", ["passer", "par", "un", "agent"]),
        ("je préfère ne pas parler à un robot", ["parler", "a", "un", "robot"]),
    ],
)
def test_a_negation_covers_the_words_after_it_up_to_the_end_of_its_clause(text: str, negated: list[str]) -> None:
    assert _negated(text) == negated


@pytest.mark.parametrize(
    "text",
    [
        "je n'ai pas reçu le mail d'activation",  # a fact, not a refusal: the cue « pas reçu » says so
        "je ne trouve pas l'espace factures reçues",
        "je ne suis pas arrivé à activer mon compte",  # « je ne suis pas arrivé à… »: I could not
        "je veux plus d'espaces",  # « plus » without « ne »: more
        "il n'est plus là",
    ],
)
def test_what_is_not_a_refusal_covers_nothing(text: str) -> None:
    assert _negated(text) == []


def test_a_negated_topic_is_not_answered_and_is_named_as_declined() -> None:
    understanding = understand("je ne veux pas parler à un agent")
    assert understanding.topic is None
    assert understanding.declined == (Topic.HUMAN_AGENT,)
    assert understand("je veux parler à un agent").topic is Topic.HUMAN_AGENT


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("je ne veux pas d'agent, je veux créer mon compte", Topic.CREATE_ACCOUNT),
        ("ce n'est pas pour ma structure, c'est pour le mail d'activation", Topic.ACTIVATION_LINK),
        ("je ne veux pas parler à un robot", Topic.HUMAN_AGENT),  # not a robot: a human
        ("je ne suis pas encore inscrit", Topic.CREATE_ACCOUNT),  # not signed up: sign up
    ],
)
def test_what_remains_once_the_negation_is_read_is_answered(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_a_cue_that_names_a_negation_reads_the_negated_words() -> None:
    cues = {cue.pattern: cue for cues in faq.MODEL.values() for cue in cues}
    assert cues["pas|aucun|jamais|sans compte"].reads_negations
    assert not cues["compte|comptes"].reads_negations


# ------------------------------------------------------------------------------------------ two questions
def test_a_message_is_cut_into_segments_at_its_clauses_and_before_its_conjunctions() -> None:
    reading = read("comment créer mon compte ? et comment ajouter un espace")
    segments = [" ".join(reading.words[a:b]) for a, b in reading.segments]
    assert segments == ["comment creer mon compte", "et comment ajouter un espace"]


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("comment créer mon compte ? et comment ajouter un espace ?", (Topic.CREATE_ACCOUNT, Topic.ADD_SPACES)),
        ("je veux un conseiller. Et comment inactiver notre siret ?", (Topic.HUMAN_AGENT, Topic.STRUCTURE_PROCEDURE)),
    ],
)
def test_a_message_asking_two_things_offers_both_in_the_order_asked(text: str, choices: tuple[Topic, ...]) -> None:
    understanding = understand(text)
    assert understanding.topic is None
    assert understanding.choices == choices


def test_a_question_that_merely_contains_et_is_one_question() -> None:
    understanding = understand("je suis cotraitant et le mandataire doit valider ma facture")
    assert understanding.topic is Topic.SUBCONTRACTING
    assert understanding.choices == ()


def test_three_questions_offer_three_choices_at_most() -> None:
    text = "comment créer un compte ? et ajouter un espace ? et inactiver ma structure ? et parler à un agent ?"
    assert len(understand(text).choices) == faq.MAX_CHOICES


# ------------------------------------------------------------------------------------------ the manager gone
@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("notre gestionnaire principal a quitté la société", True),
        ("le gestionnaire est parti à la retraite", True),
        ("notre gestionnaire n'est plus dans la collectivité", True),
        ("elle a changé de poste", True),
        ("comment transférer le rôle de gestionnaire principal ?", False),
        ("le gestionnaire n'est pas parti, il veut passer la main", False),
        ("il est encore là jusqu'à vendredi", False),
        ("je vais quitter l'entreprise, je dois transmettre mon rôle", False),
    ],
)
def test_the_manager_is_said_gone_or_not(text: str, gone: bool) -> None:
    assert says_manager_left(text) is gone
