"""Session 7 of the assistant's matcher (issue 19, point 6, round 4): needs described instead of named, the domain's
abbreviations, an order given in the negative (« ne supprimez pas… »), « rien à voir avec », « pas de question
sur », and « au contraire » ending a negation. Each phrasing here is this file's own; the development set's batches
are ``s7-1`` and ``s7-2`` (tests/faq_phrasings.py)."""

from __future__ import annotations

import pytest

from chorus_desk import faq
from chorus_desk.faq import Topic, understand


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # a space described by what it lets one do
        ("ma collègue doit pouvoir consulter les factures que nous recevons", Topic.ADD_SPACES),
        ("le trésorier veut suivre les engagements depuis son poste, que lui ouvrir", Topic.ADD_SPACES),
        ("comment étendre mes droits sur le portail", Topic.ADD_SPACES),
        # the manager's role described by who ran it, or by what nobody can do any more
        ("celui qui administrait notre espace Chorus est à la retraite", Topic.MANAGER_LEFT),
        ("depuis l'été personne ne peut valider les rattachements chez nous", Topic.MANAGER_LEFT),
        ("je dois reprendre la gestion des utilisateurs, l'ancienne gestionnaire est partie", Topic.MANAGER_LEFT),
        # the sign-up described as being on the portal, or starting from nothing
        ("comment me mettre sur le portail pour facturer l'Etat", Topic.CREATE_ACCOUNT),
        # a structure back in service; a person on a live chat
        ("il faut remettre en service la structure de la bibliothèque", Topic.STRUCTURE_PROCEDURE),
        ("un tchat en direct avec un conseiller, c'est possible ?", Topic.HUMAN_AGENT),
    ],
)
def test_a_need_described_in_other_words_is_understood(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("le sst doit déposer sa facture où ?", Topic.SUBCONTRACTING),
        ("facture de notre st sur cpp, qui valide ?", Topic.SUBCONTRACTING),
        ("je dois m'inscrire sur CPP, comment ?", Topic.CREATE_ACCOUNT),
    ],
)
def test_the_domains_abbreviations_are_read(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_a_saints_name_is_not_the_sub_contractors_abbreviation() -> None:
    (sub_contractor,) = faq.LEXICON["st"]
    assert sub_contractor in faq.tokens("notre st a déposé sa facture")
    assert sub_contractor not in faq.tokens("la mairie de St-Rémy doit activer sa structure")
    assert understand("la mairie de St-Rémy doit activer sa structure").topic is Topic.STRUCTURE_PROCEDURE


def test_an_invoices_engagement_number_is_not_a_space() -> None:
    assert understand("où est-ce que je vois le numéro d'engagement sur ma facture").topic is None


@pytest.mark.parametrize(
    "text",
    [
        "ne supprimez surtout pas notre compte",
        "n'inactivez rien chez nous sans mon accord",
        "ne me transférez pas vers un conseiller",
    ],
)
def test_an_order_given_in_the_negative_is_no_request(text: str) -> None:
    understanding = understand(text)
    assert understanding.topic is None and understanding.choices == ()


def test_a_request_that_only_looks_negative_is_still_a_request() -> None:
    assert understand("n'oubliez pas de me renvoyer le lien d'activation").topic is Topic.ACTIVATION_LINK


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("cela n'a rien à voir avec un compte : notre gestionnaire principal a démissionné", Topic.MANAGER_LEFT),
        ("je n'ai pas de question sur la sous-traitance, je veux juste joindre un conseiller", Topic.HUMAN_AGENT),
        ("je ne veux pas supprimer mon compte au contraire ajouter l'espace engagements", Topic.ADD_SPACES),
    ],
)
def test_the_topic_a_message_sets_aside_leaves_the_one_it_asks(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_no_question_about_a_topic_is_not_that_topic() -> None:
    assert understand("je n'ai aucune question sur les espaces, ma facture est rejetée").topic is None


@pytest.mark.parametrize(
    "text",
    [
        "nos factures doivent être sur chorus depuis 2020 ?",
        "comment la mettre sur chorus",
        "la facture doit y être avant le 15",
    ],
)
def test_an_invoice_being_on_the_portal_is_no_sign_up(text: str) -> None:
    assert understand(text).topic is None


def test_an_object_pronoun_before_a_verb_reads_as_the_noun_named_before_it() -> None:
    words = faq.read("pas question de fermer la structure : il faut la rouvrir").words
    assert words[-2:] == ("structure", "rouvrir")
    assert faq.read("je veux la structure").words == ("je", "veux", "la", "structure")  # an article, not a pronoun
    assert faq.read("il faut l'activer").words == ("il", "faut", "l", "activer")  # nothing named before it


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("pas question de fermer la structure : il faut la rouvrir", Topic.STRUCTURE_PROCEDURE),
        ("le compte de mon associé, je n'arrive pas à l'activer, le lien a expiré", Topic.ACTIVATION_LINK),
    ],
)
def test_what_the_pronoun_stands_for_is_read_where_it_is_asked(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("je suis gestionnaire de notre commune et je voudrais ajouter l'espace factures de travaux", Topic.ADD_SPACES),
        ("nous sommes administrateurs du compte, comment rajouter le module engagements", Topic.ADD_SPACES),
    ],
)
def test_a_manager_who_says_who_he_is_has_not_left(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_a_sign_up_said_in_another_tense_is_a_sign_up() -> None:
    assert understand("ma voisine dit qu'il fallait un compte pour facturer la commune").topic is Topic.CREATE_ACCOUNT


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("mon lien d'activation ne s'ouvre pas", Topic.ACTIVATION_LINK),
        ("il me manque un droit pour les sollicitations", Topic.ADD_SPACES),
        ("l'agent qui avait le rôle de gestionnaire a déménagé", Topic.MANAGER_LEFT),
        ("our manager is no longer with the company", Topic.MANAGER_LEFT),
        ("la régie du port a son SIRET, comment l'activer", Topic.STRUCTURE_PROCEDURE),
    ],
)
def test_more_everyday_words_for_the_topics(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


@pytest.mark.parametrize(
    "text", ["nous ne voulons pas de module en plus", "je ne souhaite aucun espace supplémentaire"]
)
def test_a_refused_thing_is_not_a_lack_of_it(text: str) -> None:
    """« pas … espace » reads « je n'ai pas l'espace » (a lack: add it); the « pas » of « je ne veux pas » refuses."""
    assert understand(text).topic is None


def test_a_denied_state_is_still_read_as_a_lack() -> None:
    assert understand("nous ne sommes pas inscrits sur le portail, que faire").topic is Topic.CREATE_ACCOUNT


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("comment nous référencer sur le portail, on est une SARL toute neuve", Topic.CREATE_ACCOUNT),
        ("un compte Chorus à ouvrir pour ma fille qui est graphiste", Topic.CREATE_ACCOUNT),
        ("notre secrétaire doit traiter les sollicitations mais ne les a pas dans son menu", Topic.ADD_SPACES),
    ],
)
def test_words_of_round_four_s_last_batch(text: str, topic: Topic) -> None:
    assert understand(text).topic is topic


def test_an_english_word_that_is_also_french_keeps_its_french_sense() -> None:
    """« reprendre la main » is taking over, not a « main » (principal) manager: no such English word is read."""
    assert "main" not in faq.ENGLISH
    assert "main" in faq.tokens("comment reprendre la main sur le compte")
