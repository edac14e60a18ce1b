"""The assistant's matcher, piece by piece: the normalisation it reuses, SMS spelling, typo tolerance, the
cues that tell « activer mon compte » from « activer ma structure », the refusal when unsure, any input
whatsoever, and the topics' data (titles, answers, follow-ups). Its accuracy: test_faq_accuracy.py."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from chorus_desk import catalogue, faq, listing, messages
from chorus_desk.faq import FollowUp, Topic, osa_distance, term_matches, tokens, typo_allowance, understand

FAQ_SOURCE = Path(faq.__file__)


# ------------------------------------------------------------------------------------------ normalisation
def test_the_matcher_reuses_the_projects_normalisation_rather_than_a_copy() -> None:
    assert vars(faq)["fold"] is listing.fold  # imported from listing, not redefined
    defined = {
        node.name
        for node in ast.walk(ast.parse(FAQ_SOURCE.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
    }
    assert "fold" not in defined
    assert tokens("Où est l'E-MAIL d'activation ?") == tuple(listing.fold("Où est l'E-MAIL d'activation ?").split())


@pytest.mark.parametrize(
    "variant",
    ["Je veux inactiver ma structure", "JE VEUX INACTIVER MA STRUCTURE", "je veux inactivér ma strûcture !!"],
)
def test_accents_case_and_punctuation_are_ignored(variant: str) -> None:
    reference = understand("je veux inactiver ma structure")
    assert understand(variant) == reference
    assert reference.topic is Topic.STRUCTURE_PROCEDURE


def test_sms_spelling_is_spelled_out() -> None:
    assert tokens("jai pa recu") == ("j", "ai", "pas", "recu")
    assert tokens("cmt") == ("comment",)
    assert tokens("g pa recu le mail pr valider") == ("j", "ai", "pas", "recu", "le", "mail", "pour", "valider")
    assert tokens("qqn au tel") == ("quelqu", "un", "au", "telephone")


def test_only_the_first_words_of_a_long_message_are_read() -> None:
    assert len(tokens("mot " * 5000)) == faq.MAX_TOKENS


# ------------------------------------------------------------------------------------------ typos
@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("structure", "structure", 0),
        ("activaton", "activation", 1),  # a letter left out
        ("strucutre", "structure", 1),  # two neighbours swapped: one edit, not two
        ("conseiler", "conseiller", 1),
        ("concseilleur", "conseiller", 2),
        ("abc", "xyz", 3),
    ],
)
def test_osa_distance(a: str, b: str, distance: int) -> None:
    assert osa_distance(a, b, limit=5) == distance
    assert osa_distance(a, b, limit=distance) == distance
    if distance:
        assert osa_distance(a, b, limit=distance - 1) == distance  # « more than the limit » is limit + 1


@pytest.mark.parametrize(("length", "allowed"), [(3, 0), (4, 0), (5, 1), (8, 1), (9, 2), (12, 2)])
def test_longer_words_tolerate_more_typos(length: int, allowed: int) -> None:
    assert typo_allowance("x" * length) == allowed


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("conseiller", "conseiller"),
        ("conseiller", "conseiler"),  # 10 letters: up to 2 edits
        ("conseiller", "concseilleur"),
        ("agent", "agnet"),  # 5 letters: 1 edit, a swap counts as one
        ("gestionnaire", "gestionaire"),
        ("structure", "strucutre"),
        ("factur*", "factures"),  # a stem: any ending
        ("factur*", "facturation"),
        ("factur*", "factrues"),  # a stem with a typo in it
        ("enregistr*", "enregitrement"),
        ("traitan*", "traitence"),
    ],
)
def test_a_word_matches_its_cue_word_despite_a_typo(term: str, word: str) -> None:
    assert term_matches(term, word)


@pytest.mark.parametrize(
    ("term", "word", "why"),
    [
        ("agent", "agt", "two edits on a 5-letter word"),
        ("lien", "lein", "words of 4 letters or fewer tolerate no typo"),
        ("agent", "argent", "a real word the model knows is never a typo of another"),
        ("conseiller", "xonseiller", "a typo keeps the first letter"),
        ("factur*", "faction", "too far from the stem"),
        ("traitan*", "traitement", "another word sharing the start"),
    ],
)
def test_a_word_does_not_match_what_it_is_not(term: str, word: str, why: str) -> None:
    assert not term_matches(term, word), why


def test_a_misspelt_question_is_still_understood() -> None:
    assert understand("je veux parlé a un concseiller").topic is Topic.HUMAN_AGENT
    assert understand("il faut desactivé cette strucutre").topic is Topic.STRUCTURE_PROCEDURE


# ------------------------------------------------------------------------------------------ disambiguation
@pytest.mark.parametrize(
    ("account", "structure"),
    [
        ("je veux activer mon compte", "nous voulons activer notre structure"),
        ("activation de mon compte", "activation de notre structure publique"),
        ("je n'arrive pas à activer mon compte", "je n'arrive pas à activer ma structure"),
        ("tu peux activer mon compte stp", "pouvez-vous activer notre structure ?"),
    ],
)
def test_activating_an_account_is_not_activating_a_structure(account: str, structure: str) -> None:
    assert understand(account).topic is Topic.ACTIVATION_LINK
    assert understand(structure).topic is Topic.STRUCTURE_PROCEDURE
    # the structure weighs against the link, and the account against the structure
    assert faq.scores(structure)[Topic.ACTIVATION_LINK][0] < faq.scores(account)[Topic.ACTIVATION_LINK][0]
    assert faq.scores(account)[Topic.STRUCTURE_PROCEDURE][0] < faq.scores(structure)[Topic.STRUCTURE_PROCEDURE][0]


def test_two_topics_that_fit_as_well_are_offered_as_choices() -> None:
    understanding = understand("je veux parler à un conseiller pour ma facture de sous-traitance")
    assert understanding.topic is None
    assert {understanding.best, understanding.runner_up} == {Topic.HUMAN_AGENT, Topic.SUBCONTRACTING}
    assert set(understanding.choices) == {Topic.HUMAN_AGENT, Topic.SUBCONTRACTING}


def test_a_weak_cue_alone_is_refused() -> None:
    for text in ("compte", "facture", "structure", "activer", "je ne trouve pas ma facture"):
        understanding = understand(text)
        assert understanding.topic is None, text
        assert understanding.score < faq.MIN_SCORE


def test_money_not_received_is_not_a_missing_mail() -> None:
    assert understand("je n'ai pas reçu le paiement de ma facture").topic is None
    assert understand("je n'ai pas reçu le mail d'activation").topic is Topic.ACTIVATION_LINK


def test_the_understanding_explains_itself() -> None:
    understanding = understand("je ne trouve pas le mail avec le lien pour activer mon compte")
    assert understanding.topic is Topic.ACTIVATION_LINK
    assert "lien|liens" in understanding.evidence
    assert understanding.score >= faq.MIN_SCORE
    assert 0 < understanding.confidence < 1
    assert understanding.confidence == round(
        understanding.score / (understanding.score + understanding.runner_up_score + 1), 3
    )


# ------------------------------------------------------------------------------------------ any input
def _random_text(length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzéèàçù  '-?!,.0123456789😀🙏中"
    return "".join(alphabet[(i * i * 7919 + i) % len(alphabet)] for i in range(length))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t \r",
        "?!…«»",
        "😀🙏🤖",
        "a" * 5000,
        "é" * 5000,
        "structure " * 500,
        _random_text(5000),
        "¿Dónde está el baño?",
        "Привет, как дела?",
        "请帮我创建账户",
        "Hello, I need help with my invoice",
        "\x00\x1f\u200b",
    ],
)
def test_any_input_is_answered_without_raising(text: str) -> None:
    started = time.perf_counter()
    understanding = understand(text)
    assert time.perf_counter() - started < 1.0
    assert understanding.topic is None or understanding.topic in Topic
    assert 0 <= understanding.confidence < 1


@pytest.mark.parametrize("text", ["", "   ", "😀🙏🤖", "¿Dónde está el baño?", "Привет, как дела?", "请帮我创建账户"])
def test_nothing_to_read_is_no_topic(text: str) -> None:
    assert understand(text) == faq.Understanding(None, 0.0, None, 0.0, None, 0.0, ())


def test_emoji_around_a_question_do_not_hide_it() -> None:
    assert understand("🤖 je veux un humain 🙏").topic is Topic.HUMAN_AGENT


# ------------------------------------------------------------------------------------------ the model's data
def test_every_example_the_model_was_written_from_is_understood() -> None:
    missed = [
        (topic, text, understand(text).topic)
        for topic, texts in faq.EXAMPLES.items()
        for text in texts
        if understand(text).topic is not topic
    ]
    assert missed == []


def test_the_model_is_well_formed() -> None:
    assert set(faq.MODEL) == set(Topic) == set(faq.EXAMPLES)
    for cues in faq.MODEL.values():
        for cue in cues:
            assert cue.weight != 0 and cue.window >= 0, cue
            for alternatives in cue.terms:
                for term in alternatives:
                    stem = term.removesuffix("*")
                    assert stem.isalnum() and stem == listing.fold(stem), f"{cue}: « {term} » must be folded"
    for word, spelled in faq.SMS.items():
        assert word == listing.fold(word) and all(w == listing.fold(w) for w in spelled)
    for texts in faq.EXAMPLES.values():
        assert all(text == listing.fold(text) for text in texts), "examples are written folded"


# ------------------------------------------------------------------------------------------ the topics' data
def test_every_topic_has_a_title_an_answer_and_a_follow_up_in_the_menu() -> None:
    assert tuple(Topic) == faq.MENU
    for topic in Topic:
        assert faq.title(topic) == messages.FAQ_TOPIC_TITLES[topic.value]
        assert faq.answer(topic) == messages.FAQ_ANSWERS[topic.value]
        assert faq.follow_up(topic).kind in FollowUp
    assert set(messages.FAQ_TOPIC_TITLES) == set(messages.FAQ_ANSWERS) == {t.value for t in Topic}


@pytest.mark.parametrize(
    ("topic", "kind"),
    [
        (Topic.CREATE_ACCOUNT, FollowUp.NONE),
        (Topic.ACTIVATION_LINK, FollowUp.ASK_EMAIL_AND_RESEND),
        (Topic.ADD_SPACES, FollowUp.NONE),
        (Topic.MANAGER_LEFT, FollowUp.OFFER_TICKET),
        (Topic.SUBCONTRACTING, FollowUp.NONE),
        (Topic.STRUCTURE_PROCEDURE, FollowUp.START_STRUCTURE_PROCEDURE),
        (Topic.HUMAN_AGENT, FollowUp.CONTACT_AGENT),
    ],
)
def test_each_topic_implies_its_follow_up(topic: Topic, kind: FollowUp) -> None:
    assert faq.follow_up(topic).kind is kind


def test_when_the_manager_left_the_ticket_offered_is_the_seeds_pair() -> None:
    spec = faq.follow_up(Topic.MANAGER_LEFT)
    assert catalogue.labels(spec.category, spec.subcategory) == (
        "Gestion des structures et utilisateurs",
        "Modification des droits des utilisateurs",
    )
    assert catalogue.find(spec.category, spec.subcategory) is not None
    assert "Modification des droits des utilisateurs" in faq.answer(Topic.MANAGER_LEFT)
