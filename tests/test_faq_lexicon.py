"""What the matcher generalises from, beyond its cues (issue 19, point 6): the desk's jargon and synonyms
(``LEXICON``), the inflections of its cue words, the frequent French words it never reads as typos, phrase cues
kept inside a clause, a verb a contrast leaves out, and the question at the end of a long story. The figures:
test_faq_accuracy.py (development set) and test_faq_heldout.py (held-out set)."""

from __future__ import annotations

import pytest

from chorus_desk import faq, listing
from chorus_desk.faq import Topic, inflections, matched_terms, read, term_matches, tokens, understand


# ------------------------------------------------------------------------------------------ jargon and synonyms
@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("le GP", ("le", "gestionnaire", "principal")),
        ("notre sp", ("notre", "structure", "publique")),
        ("crea", ("creation",)),
        ("neutralisation", ("inactiver",)),  # a word family, by its start
        ("parvenue", ("arrive",)),
        ("mes habilitations", ("mes", "droits")),
        ("une SASU", ("une", "entreprise")),
    ],
)
def test_jargon_and_synonyms_are_read_as_the_words_the_cues_know(text: str, read_as: tuple[str, ...]) -> None:
    assert tokens(text) == read_as


@pytest.mark.parametrize(
    ("text", "word", "topic"),
    [
        ("il faudrait neutraliser ce siret", "neutraliser", Topic.STRUCTURE_PROCEDURE),
        ("le courriel d'activation ne nous est pas parvenu", "parvenu", Topic.ACTIVATION_LINK),
        ("notre GP nous a quittés", "gp", Topic.MANAGER_LEFT),
        ("la rubrique engagements a disparu de mon écran", "rubrique", Topic.ADD_SPACES),
    ],
)
def test_a_synonym_no_cue_names_is_understood_through_the_lexicon(text: str, word: str, topic: Topic) -> None:
    assert matched_terms(word) == frozenset()  # no cue knows the word itself…
    assert understand(text).topic is topic  # …the lexicon does


def test_the_lexicon_is_folded_and_shadows_no_cue_word() -> None:
    cue_words = {alternative for cues in faq.MODEL.values() for cue in cues for t in cue.terms for alternative in t}
    for word, spelled in faq.LEXICON.items():
        assert word == listing.fold(word) and all(w == listing.fold(w) for w in spelled), word
        assert word not in cue_words and word not in faq.SMS, f"« {word} » would hide a cue word or an SMS"
    for stem, spelled in faq.LEXICON_STEMS:
        assert all(w == listing.fold(w) for w in spelled), stem
        assert stem == listing.fold(stem) and not any(t.startswith(stem) for t in cue_words), stem


# ------------------------------------------------------------------------------------------ inflections
@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("parti", {"partie", "partis", "parties"}),
        ("principal", {"principale", "principaux"}),
        ("transferer", {"transfere", "transferez", "transferons", "transferait", "transferee"}),
    ],
)
def test_a_cue_word_is_read_in_its_inflections(word: str, forms: set[str]) -> None:
    assert forms <= inflections(word)
    assert word not in inflections(word)
    assert inflections("ia") == frozenset()  # too short to inflect safely


def test_an_inflected_form_matches_its_cue_word_but_a_word_known_as_itself_does_not() -> None:
    assert term_matches("parti", "parties")
    assert term_matches("quitter", "quittez")
    assert "quelque" in inflections("quelqu")  # the rule would make it one…
    assert not term_matches("quelqu", "quelque")  # …but « quelque chose » is nobody
    assert not term_matches("passer", "passe")  # « mot de passe »


# ------------------------------------------------------------------------------------------ frequent words
@pytest.mark.parametrize(
    ("term", "word"), [("mails", "mais"), ("droit", "doit"), ("payes", "pages"), ("marre", "marie")]
)
def test_a_frequent_french_word_is_never_read_as_a_typo(term: str, word: str) -> None:
    assert faq.osa_distance(term, word, 1) <= faq.typo_allowance(term)  # one edit apart: it would look like one
    assert not term_matches(term, word)


def test_but_is_not_a_mail() -> None:
    assert matched_terms("mais") == frozenset()
    assert understand("j'ai une question mais rien de grave").topic is None


# ------------------------------------------------------------------------------------------ clauses
def test_a_phrase_cue_never_spans_two_clauses() -> None:
    reading = read("ça ne sert à rien, un conseiller svp")
    first, second = reading.places[:5], reading.places[5:]
    assert second[0] - first[-1] > faq.CLAUSE_GAP  # the comma puts the clauses apart
    assert understand("ça ne sert à rien, un conseiller svp").topic is Topic.HUMAN_AGENT
    # in one clause, « pas … un conseiller » reads as declining one
    assert understand("ça ne m'aide pas, un conseiller").topic is Topic.HUMAN_AGENT
    assert understand("ça ne m'aide pas un conseiller").topic is None


@pytest.mark.parametrize(
    ("text", "restored", "topic"),
    [
        (
            "je ne souhaite pas activer mon compte mais la structure de la mairie",
            ("mais", "activer", "la", "structure"),
            Topic.STRUCTURE_PROCEDURE,
        ),
        (
            "je ne veux pas supprimer ce compte mais la structure",
            ("mais", "supprimer", "la"),
            Topic.STRUCTURE_PROCEDURE,
        ),
    ],
)
def test_a_verb_a_contrast_leaves_out_is_put_back(text: str, restored: tuple[str, ...], topic: Topic) -> None:
    words = read(text).words
    assert any(words[i : i + len(restored)] == restored for i in range(len(words)))
    assert understand(text).topic is topic


@pytest.mark.parametrize(
    "text",
    [
        "je ne veux pas parler mais comprendre",  # no determiner after the contrast
        "nous ne voulons pas inactiver la structure mais plutot la reactiver",  # a verb of its own
    ],
)
def test_no_verb_is_put_back_where_the_contrast_has_its_own(text: str) -> None:
    words, folded = read(text).words, listing.fold(text).split()
    assert len(words) == len(folded)  # nothing put back; a pronoun may read as the noun it stands for
    assert all(word == said or said in faq._PRONOUN_OBJECTS for word, said in zip(words, folded, strict=True))


# ------------------------------------------------------------------------------------------ the question last
def _whole(text: str) -> faq.Understanding:
    """What the whole message says, before its last segment is read on its own."""
    return faq._decide(faq._score(faq._Where.of(read(text))))


def test_after_a_long_story_the_last_segment_asks_the_question() -> None:
    story = (
        "Bonjour, je suis menuisier et le gestionnaire du collège veut mes factures sur Chorus, comment je dois "
        "m'inscrire"
    )
    assert _whole(story).topic is None and _whole(story).best is Topic.CREATE_ACCOUNT  # short of the bar
    assert understand(story).topic is Topic.CREATE_ACCOUNT


def test_the_last_segment_does_not_overrule_what_the_whole_message_leans_to() -> None:
    story = (
        "Bonjour, le gestionnaire de la mairie m'a confié un chantier et m'a parlé de Chorus, comment dois-je "
        "m'enregistrer"
    )
    assert _whole(story).best is Topic.MANAGER_LEFT  # the story leans elsewhere: refusing is safer
    assert understand(story).topic is None


def test_a_story_without_a_question_stays_unanswered() -> None:
    assert (
        understand("Bonjour, je suis menuisier depuis vingt ans, et je travaille pour des particuliers").topic is None
    )
