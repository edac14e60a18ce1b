"""What the matcher generalises from since session 4 (issue 19, point 6): words read by their sound, an elision
typed without its apostrophe, a state said as an adjective (« SIRET inactif »), a sign-up already done, a public
body's acronyms; each with a case where it must not apply. The figures: test_faq_accuracy.py (development set,
batches s4-1 … s4-5) and test_faq_heldout.py."""

from __future__ import annotations

import pytest

from chorus_desk import faq
from chorus_desk.faq import Topic, matched_terms, phonetic, tokens, understand


# ------------------------------------------------------------------------------------------ by their sound
@pytest.mark.parametrize(
    ("misspelt", "cue_word"),
    [
        ("conte", "compte"),  # two edits from « compte », one from « congé »: the sound decides
        ("conpte", "compte"),
        ("espasses", "espaces"),
        ("gestionaire", "gestionnaire"),
        ("activasion", "activation"),
    ],
)
def test_a_word_that_sounds_like_a_cue_word_is_read_as_it(misspelt: str, cue_word: str) -> None:
    assert phonetic(misspelt) == phonetic(cue_word)
    assert cue_word in matched_terms(misspelt)


def test_the_sound_wins_over_a_typo_of_another_word() -> None:
    assert faq.osa_distance("conte", "conge", 1) == 1  # a typo of « congé », by distance alone…
    assert matched_terms("conte") == {"compte", "comptes"}  # …but it sounds like « compte »


def test_a_known_word_is_not_read_by_its_sound() -> None:
    assert phonetic("comptable") != phonetic("compte")
    assert "compte" not in matched_terms("comptable")
    assert matched_terms("mais") == frozenset()  # a frequent word stays itself


# ------------------------------------------------------------------------------------------ elisions
@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("comment sinscrire", ("comment", "s", "inscrire")),
        ("lespace manque", ("l", "espace", "manque")),
        ("mail dactivation", ("mail", "d", "activation")),
    ],
)
def test_an_elision_without_its_apostrophe_is_cut_off(text: str, read_as: tuple[str, ...]) -> None:
    assert tokens(text) == read_as


@pytest.mark.parametrize("word", ["sinon", "demande", "lien", "daccord"])
def test_a_word_that_merely_starts_like_an_elision_stays_whole(word: str) -> None:
    assert tokens(word) == (word,)


# ------------------------------------------------------------------------------------------ states and deeds
def test_a_structure_said_inactive_is_the_structure_procedure_but_a_person_is_not() -> None:
    assert understand("comment rendre notre siret inactif").topic is Topic.STRUCTURE_PROCEDURE
    assert understand("mettre la structure en sommeil").topic is Topic.STRUCTURE_PROCEDURE
    assert understand("le siret doit redevenir actif").topic is Topic.STRUCTURE_PROCEDURE
    assert understand("notre gestionnaire principal est inactif depuis des mois").topic is Topic.MANAGER_LEFT
    assert understand("aucun gestionnaire actif sur notre structure").topic is not Topic.STRUCTURE_PROCEDURE


def test_a_sign_up_already_done_leaves_the_link_not_the_account() -> None:
    assert understand("je me suis inscrit hier et aucun mail depuis").topic is Topic.ACTIVATION_LINK
    assert understand("formulaire d'inscription rempli, pas de courriel pour valider").topic is Topic.ACTIVATION_LINK
    assert understand("je ne suis pas encore inscrit, comment faire").topic is Topic.CREATE_ACCOUNT


def test_who_made_the_account_is_a_person_not_a_request_to_make_one() -> None:
    assert understand("celle qui avait créé notre compte a pris sa retraite").topic is Topic.MANAGER_LEFT
    assert understand("comment créer notre compte").topic is Topic.CREATE_ACCOUNT


def test_a_public_bodys_acronym_is_an_establishment() -> None:
    assert tokens("le CCAS") == ("le", "etablissement")
    assert understand("il faut activer notre sivom").topic is Topic.STRUCTURE_PROCEDURE
    assert understand("activer le compte du ccas").topic is not Topic.ACTIVATION_LINK  # an account of a body: unsure
