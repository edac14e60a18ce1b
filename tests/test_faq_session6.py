"""Session 6 of the assistant's matcher (issue 19, point 6, round 3): English as foreign suppliers write it, a
refusal said in English, the link winning over the sign-up it finishes, a topic declined in one clause and not
asked in another, « ni … ni » and « ne porte pas sur » as negations, everyday words for a person.
Each phrasing here is this file's own; the development set's batch is ``s6-1`` (tests/faq_phrasings.py)."""

from __future__ import annotations

import pytest

from chorus_desk import faq, listing
from chorus_desk.faq import Topic, understand


def test_the_english_words_are_folded_and_shadow_no_cue_word_sms_or_jargon() -> None:
    cue_words = {alternative for cues in faq.MODEL.values() for cue in cues for t in cue.terms for alternative in t}
    for word, spelled in faq.ENGLISH.items():
        assert word == listing.fold(word) and all(w == listing.fold(w) for w in spelled), word
        assert word not in cue_words and word not in faq.SMS and word not in faq.LEXICON, word


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how can our firm register on chorus pro, we are based in Portugal", Topic.CREATE_ACCOUNT),
        ("please resend the activation link", Topic.ACTIVATION_LINK),
        ("I want to speak to a human being", Topic.HUMAN_AGENT),
        ("our manager retired, who takes his role", Topic.MANAGER_LEFT),
    ],
)
def test_a_foreign_supplier_writing_english_is_understood(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_an_english_refusal_is_a_negation_and_an_english_fact_is_not() -> None:
    refused = understand("we don't want an agent, only the status of the invoice")
    assert refused.topic is None and refused.choices == ()
    assert refused.declined == (Topic.HUMAN_AGENT,)
    assert understand("we didn't receive the activation link").topic is Topic.ACTIVATION_LINK


@pytest.mark.parametrize(
    "text",
    [
        "mon lien de validation ne marche plus, je dois reprendre mon inscription ?",
        "il faut que je finisse mon inscription mais le courriel de confirmation est introuvable",
    ],
)
def test_who_speaks_of_the_link_has_an_account_to_activate(text: str) -> None:
    assert understand(text).topic is Topic.ACTIVATION_LINK


def test_a_segment_that_asks_for_an_account_keeps_both_topics_as_choices() -> None:
    found = understand("le lien d'activation a expiré, et comment ouvrir un compte pour ma stagiaire ?")
    assert found.topic is None
    assert set(found.choices) == {Topic.ACTIVATION_LINK, Topic.CREATE_ACCOUNT}


def test_a_topic_declined_in_one_clause_is_not_asked_in_another() -> None:
    assert understand("je ne suis pas cotraitant, je suis le titulaire, passez-moi un conseiller").topic is (
        Topic.HUMAN_AGENT
    )
    # the same first clauses, then a question on the declined topic: that topic is the one asked
    asked = understand("je ne suis pas cotraitant, je suis le titulaire : qui valide la facture de mon sous-traitant")
    assert asked.topic is Topic.SUBCONTRACTING


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("je ne veux ni un compte ni un espace, juste le statut de ma facture", Topic.CREATE_ACCOUNT),
        ("ma demande ne porte pas sur un conseiller, je cherche la date de paiement", Topic.HUMAN_AGENT),
    ],
)
def test_ni_ni_and_ne_porte_pas_sur_are_negations(text: str, declined: Topic) -> None:
    found = understand(text)
    assert found.topic is None and found.choices == ()
    assert declined in found.declined


def test_what_a_negation_leaves_is_answered() -> None:
    found = understand("ma demande ne concerne pas la création du compte, c'est le lien d'activation qui a expiré")
    assert found.topic is Topic.ACTIVATION_LINK


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("je voudrais lui ouvrir un espace, il est artisan et doit facturer le département", Topic.CREATE_ACCOUNT),
        ("quelqu'un de réel peut me répondre ?", Topic.HUMAN_AGENT),
        ("redirigez-moi vers le support", Topic.HUMAN_AGENT),
        ("j'ai besoin de parler à une personne de l'assistance", Topic.HUMAN_AGENT),
        ("les agents de la mairie ont besoin d'un accès aux autres modules", Topic.ADD_SPACES),
        ("notre syndicat mixte a un SIRET dédié qu'il faut activer", Topic.STRUCTURE_PROCEDURE),
    ],
)
def test_everyday_words_for_a_person_an_account_a_space_or_a_structure(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic
