"""The assistant's understanding of free text: which of its topics a user's message is about, or none.

A *lexical model* over normalised French, pure Python, so it runs inside Lambda with no network, no
model file and no heavy dependency, and every answer can be explained by the cues that fired.

How a message is read
---------------------
1. Clauses: the message is cut at its punctuation (, ; . ! ? : …), then each clause is folded with
   ``listing.fold`` (the project's normalisation, reused): lower case, no accents, ligatures spelled out,
   punctuation as spaces. « Pouvez-vous m'envoyer l'e-mail ? » → ``pouvez vous m envoyer l e mail``.
2. SMS spelling is spelled out word by word (``SMS``): « jai » → « j ai », « cmt » → « comment »,
   « pa » → « pas », « g » → « j ai »…; the desk's jargon and synonyms are read as the words the cues know
   (``LEXICON``, ``LEXICON_STEMS``): « GP » → « gestionnaire principal », « SP » → « structure publique »,
   « crea » → « creation », « habilitations » → « droits », « rubrique » → « onglet », « neutraliser » →
   « inactiver », « parvenu » → « arrive », a company's legal form (« EURL », « SASU »…) → « entreprise », a
   public body's acronym (« CCAS », « EPCI »…) → « etablissement »; an elision typed without its apostrophe is
   cut off when the rest is a word the model knows and the whole is not (« sinscrire » → « s inscrire »).
   Only the first ``MAX_TOKENS`` words are read: a question to an assistant is short, and a 5,000-character
   paste must not cost more than a question.
3. Negation: what a user does not want, is not or does not need (« je ne veux pas… », « je ne suis pas… »,
   « ce n'est pas… », « pas besoin de… », « pas la peine de… », « inutile de… », « sans passer par… »,
   « ne pas… ») covers the words after it, up to the end of its clause or a word that starts another thought
   (« mais », « juste », « je »…: ``SCOPE_ENDS``). A fact stated negatively is no refusal: « je n'ai pas reçu
   le mail », « je ne trouve pas l'espace », « je ne suis pas arrivé à… » cover nothing. A verb a contrast
   leaves out is put back: « je ne veux pas activer mon compte mais la structure » reads « … mais activer la
   structure ».
4. Each topic has weighted *cues* (``MODEL``). A cue is one word or a short phrase of words in order,
   with at most ``window`` other words between two of its words. A word of a cue is written as
   ``word`` (that word and its inflections: plural and feminine, « principal » → « principaux », and for a
   verb in « -er » its usual forms, ``inflections``, precomputed), ``stem*`` (any word starting with it:
   ``factur*`` matches « facture », « factures », « facturation ») or alternatives ``a|b*|c``. Conjugations
   (« renvoie », « renvoyez », « renvoyer »), and so tutoiement and vouvoiement alike, are stems. A cue reads
   only the words outside a negation, unless it names a negation itself (« pas reçu », « sans compte »,
   « pas … robot »). A phrase never spans two clauses: the words of the next clause stand ``CLAUSE_GAP``
   further (« ça ne m'aide pas, un humain svp » declines nothing).
5. Typos: a word matches a cue word it is not equal to when their restricted Damerau-Levenshtein
   distance (optimal string alignment: insertion, deletion, substitution, swap of two neighbours) is at
   most 1 for a cue word of 5 to 8 letters and 2 for 9 letters or more; for a stem, the distance is taken
   between the stem and the word's start of the stem's length (± 1). Cue words and stems of 4 letters or
   fewer tolerate no typo, and a typo keeps the first letter (or swaps the first two), as spell checkers
   assume. Before that, a word the model does not know that *sounds* like an exact cue word of 5 letters or
   more (``phonetic``: « ss », « ce » and « se »; « mpt » and « nt »; « an » and « en »; doubled letters and
   silent endings made one, precomputed for the cue words) is read as that word and as no typo of another:
   « conte » is « compte », not « congé ». A word the model knows as itself is never read as a typo of
   another: a cue word, or one of ``NOT_TYPOS`` (« argent », which is not a misspelt « agent », and the most
   frequent French words, « mais » not being « mails »); a word of ``NOT_TYPOS`` is not read as an inflection
   either (« quelque »).
6. A topic's score is the sum of the weights of its cues present in the message (each cue once);
   *negative* cues (negative weights) tell close topics apart: « activer mon compte » is the activation
   link, « activer ma structure » the structure procedure, because « structure » weighs against the
   former and « compte », « lien », « mail » against the latter.
7. Decision: the best topic is the answer if its score reaches ``MIN_SCORE`` and leads the runner-up by
   ``MIN_MARGIN``. A message asking several things is cut into segments (its clauses, cut again before
   « et », « puis », « aussi », « sinon »…: ``SEGMENT_WORDS``); when two segments or more are each answered
   with a different topic, no topic is answered and those topics are offered as choices, in the order asked
   (``MAX_CHOICES`` at most). When two topics both reach ``MIN_SCORE`` without one leading, both are offered
   too. A long story that ends with its question: when the whole message leans to a topic without reaching
   the bar or the margin, and its last segment alone answers that same topic, that topic is the answer.
8. A second opinion where the cues refuse: when they answer no topic and offer none, a message of three words
   or more without a negation is compared with the development phrasings (``faq_neighbours``: TF-IDF over
   words and character trigrams, cosine, the nearest phrasings voting); their topic is the answer when all of
   them agree on it and the nearest is close enough (settings chosen by leave-one-batch-out cross-validation,
   tests/faq_crossval.py). The neighbours never overrule the cues, never read a negation, and leave two
   questions and two topics that fit as well to the choices.
   Otherwise ``understand`` returns no topic, and the assistant says it did not understand and lists its
   topics (naming first what the user declined, if a negation took a topic away): refusing is better than
   answering the wrong question. It reads French only.

``EXAMPLES`` are phrasings the cues were written from (a unit test checks that each is understood). The
development set (tests/faq_phrasings.py) is what the cues were tuned on, and the neighbours' memory; the held-out
sets (tests/faq_heldout*.json, another hand's) are never read here, and a test keeps them beyond 0.8 similarity of
both.
A Bedrock-backed matcher could later answer the same ``understand`` signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache

from chorus_desk import catalogue, faq_neighbours, messages
from chorus_desk.listing import fold

MAX_TOKENS = 200  # words read from a message
MIN_SCORE = 3.0  # the best topic's score must reach this…
MIN_MARGIN = 1.5  # …and lead the runner-up by this much, else no topic
MAX_CHOICES = 3  # topics offered at most for a message that asks several things
CLAUSE_GAP = 100  # more than any cue's window: a phrase cue never spans two clauses


class Topic(StrEnum):
    """What the assistant knows how to answer."""

    CREATE_ACCOUNT = "CREATE_ACCOUNT"
    ACTIVATION_LINK = "ACTIVATION_LINK"
    ADD_SPACES = "ADD_SPACES"
    MANAGER_LEFT = "MANAGER_LEFT"
    SUBCONTRACTING = "SUBCONTRACTING"
    STRUCTURE_PROCEDURE = "STRUCTURE_PROCEDURE"
    HUMAN_AGENT = "HUMAN_AGENT"


class FollowUp(StrEnum):
    """What the assistant does once it has answered a topic."""

    NONE = "NONE"  # the answer is all
    ASK_EMAIL_AND_RESEND = "ASK_EMAIL_AND_RESEND"  # ask for the sign-up e-mail, resend the invitation
    OFFER_TICKET = "OFFER_TICKET"  # offer a ticket of the given pair, the conversation as its description
    START_STRUCTURE_PROCEDURE = "START_STRUCTURE_PROCEDURE"  # the step-by-step activation / inactivation
    CONTACT_AGENT = "CONTACT_AGENT"  # hand over to the support


@dataclass(frozen=True)
class FollowUpSpec:
    kind: FollowUp
    category: str | None = None  # OFFER_TICKET: the catalogue codes of the ticket to prepare
    subcategory: str | None = None


FOLLOW_UPS: Mapping[Topic, FollowUpSpec] = {
    Topic.CREATE_ACCOUNT: FollowUpSpec(FollowUp.NONE),
    Topic.ACTIVATION_LINK: FollowUpSpec(FollowUp.ASK_EMAIL_AND_RESEND),
    Topic.ADD_SPACES: FollowUpSpec(FollowUp.NONE),
    # When the principal manager left without handing the role over, only the support can name another.
    Topic.MANAGER_LEFT: FollowUpSpec(
        FollowUp.OFFER_TICKET,
        category="GESTION_STRUCTURES_UTILISATEURS",
        subcategory="MODIFICATION_DROITS_UTILISATEURS",
    ),  # only once the user said the manager is gone (``says_manager_left``, or asked): seed 002, n° 4
    Topic.SUBCONTRACTING: FollowUpSpec(FollowUp.NONE),
    Topic.STRUCTURE_PROCEDURE: FollowUpSpec(FollowUp.START_STRUCTURE_PROCEDURE),
    Topic.HUMAN_AGENT: FollowUpSpec(FollowUp.CONTACT_AGENT),
}

# « Contacter un agent »: the pair of the ticket the hand-over files, by the conversation's topic. The support's
# pair of the structures and users for what is about accounts, spaces, managers and structures; for anything
# else (sub-contracting, a plain « parler à un agent », no topic yet) the technical support's catch-all pair,
# « Factures reçues / Autre » (the catalogue's only « Autre »). A draft lets the user pick another pair.
USERS_PAIR = ("GESTION_STRUCTURES_UTILISATEURS", "MODIFICATION_DROITS_UTILISATEURS")
GENERAL_PAIR = ("FACTURES_RECUES", "AUTRE")
HANDOVER: Mapping[Topic, tuple[str, str]] = {
    Topic.CREATE_ACCOUNT: USERS_PAIR,
    Topic.ACTIVATION_LINK: USERS_PAIR,
    Topic.ADD_SPACES: USERS_PAIR,
    Topic.MANAGER_LEFT: USERS_PAIR,
    Topic.SUBCONTRACTING: GENERAL_PAIR,
    Topic.STRUCTURE_PROCEDURE: USERS_PAIR,
    Topic.HUMAN_AGENT: GENERAL_PAIR,
}


def handover_pair(topic: Topic | None) -> tuple[str, str]:
    """The category and sub-category of the ticket « Contacter un agent » files after ``topic``."""
    return HANDOVER.get(topic, GENERAL_PAIR) if topic is not None else GENERAL_PAIR


for _pair in (
    *((s.category, s.subcategory) for s in FOLLOW_UPS.values() if s.kind is FollowUp.OFFER_TICKET),
    *HANDOVER.values(),
    GENERAL_PAIR,
):  # every pair filed must be one the catalogue knows, for the support
    _found = catalogue.find(*_pair)
    if _found is None or _found.team != catalogue.SUPPORT_TEAM_ID:
        raise ValueError(f"not a pair of the technical support: {_pair}")

# The topics in the order the assistant lists them (its menu, and its answer when it did not understand).
MENU: tuple[Topic, ...] = tuple(Topic)


def title(topic: Topic) -> str:
    """The topic's short French title, for the topic list."""
    return messages.FAQ_TOPIC_TITLES[topic.value]


def answer(topic: Topic) -> str:
    """The topic's French answer (seed 002 for the five frequent questions)."""
    return messages.FAQ_ANSWERS[topic.value]


def follow_up(topic: Topic) -> FollowUpSpec:
    """What the assistant does after the answer, as data."""
    return FOLLOW_UPS[topic]


# ------------------------------------------------------------------------------------------ the model
@dataclass(frozen=True)
class Cue:
    """One word or a phrase (words in order, at most ``window`` other words between two of them)."""

    pattern: str
    weight: float
    window: int = 3
    # A positive cue naming a negation reads a lack (« pas … espace »: « je n'ai pas l'espace »), not a refusal's own
    # « pas » (« je ne veux pas d'espace »), unless the refusal is its meaning (« je ne veux pas d'un robot »).
    reads_refusals: bool = False

    @cached_property
    def terms(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(term.split("|")) for term in self.pattern.split())

    @cached_property
    def reads_negations(self) -> bool:
        """A cue that names a negation itself (« pas reçu », « sans compte ») reads the words a negation
        covers; any other cue reads only the words outside a negation's scope."""
        return any(
            word in NEGATION_WORDS and not (word == "plus" and index and "en" in self.terms[index - 1])  # « en plus »
            for index, alternatives in enumerate(self.terms)
            for word in alternatives
        )


def _cues(*specs: tuple[str, float] | tuple[str, float, int] | tuple[str, float, int, bool]) -> tuple[Cue, ...]:
    return tuple(Cue(*spec) for spec in specs)


# Words that often sit in a question (« pas », « jamais »…), shared by several cues.
_NOT = "pas|jamais|rien|aucun|aucune|toujours|plus|ni"
_MAIL = "mail|mails|email|emails|mel|courriel*|message|messages"
_ACTIVATE_VERBS = "activ*|inactiv*|desactiv*|reactiv*"
_ACTIVATE = f"{_ACTIVATE_VERBS}|inactif|inactifs"  # and a state: « rendre le SIRET inactif »
_SIGNED_UP = "inscrit|inscrite|inscrits|inscrites|enregistre|enregistree|enregistres|enregistrees"
_DONE = "suis|etais|est|sommes|etes|sont|etait"
_FORM = "inscription|compte|formulaire|dossier"
_MADE = "fait|faite|effectue*|termine*|cree|creee|ouvert|rempli|remplie|complete|completee|envoye|envoyee"
_HUMAN = (
    "conseiller|conseillere|conseillers|agent|agents|operateur|operatrice|humain|humaine|interlocut*|technicien*|"
    "hotline|standard"
)

MODEL: Mapping[Topic, tuple[Cue, ...]] = {
    Topic.CREATE_ACCOUNT: _cues(
        (
            "creer|cree|creee|crees|creez|creation|ouvr*|ouverture|obtenir compte|comptes|profil|profils|login|"
            "identifiant*|acces",
            3.0,
        ),
        ("inscri*", 3.0),  # inscrire, inscription, inscrit
        ("inscri* le|la|les|un|une|ce|cette|cet|numero|montant|reference|mention", -3.0, 0),  # writing down
        ("enregistr*", 2.0),
        ("m|me|s|se|nous|vous inscri*|enregistr*", 1.0, 0),  # oneself: signing up, not saving something
        ("suis|sommes|es|etes|est pas|jamais inscrit*|enregistr*", 3.0, 2),  # « je ne suis pas (encore) inscrit »
        ("compte|comptes", 1.5),
        ("pas|aucun|jamais|sans compte", 2.5, 2),  # « je n'ai pas de compte »: one must be created
        ("nouveau|nouvelle|nouvel", 1.0),
        (
            "nouveau|nouvelle|nouvel|debute|debutant|debutante sur|utilisateur|utilisatrice|client|fournisseur|"
            "entreprise|societe|boite",
            2.0,
            0,
        ),  # « nouveau sur Chorus Pro ? »
        ("identifiant*|login|logins", 1.0),
        ("pas|aucun|aucune|jamais|sans identifiant*|login|logins|acces", 2.5, 2),  # « je n'ai pas d'identifiants »
        ("propre|propres|personnel|personnelle compte|comptes|identifiant*|acces", 2.0, 1),  # « son propre compte »
        ("chaque|chacun|chacune|plusieurs compte|comptes|acces|identifiant*", 1.5, 4),  # « chaque salarié son compte »
        ("espace|compte fournisseur|fournisseurs", 4.5, 0),  # the supplier's own space is its account
        ("debute|debutant|debutante|debutons", 2.0),  # a newcomer
        ("rejoin*|adherer|adhesion", 2.0),
        ("rejoin*|adherer|adhesion|utiliser chorus|portail|plateforme", 1.0, 1),
        # being « on » the portal is having an account: « être sur CPP », « me mettre sur Chorus »
        ("etre|sois|soit|soyons|soient|mettre|figurer|apparaitre sur|dans chorus|portail|plateforme", 2.5, 1),
        ("me|m|nous|se|s|te|t mettre sur|dans", 1.0, 1),  # oneself onto the portal
        ("creer|cree quoi", 2.0, 0),  # « je dois créer quoi ? »
        ("part|pars|partir|partons|repartir|repars de zero", 2.5, 1),  # « je pars de zéro »: a newcomer
        ("commenc*|demarr*|debut* ou|quoi|comment", 1.5, 0),  # « on commence où »
        ("premiere|premier facture|factures|depot", 1.0, 1),  # a first invoice: maybe a first sign-up
        ("exig*|impos*|oblig* chorus|portail|plateforme|passer|utiliser", 1.5, 2),  # a buyer requires the portal
        ("exist*|figur*|referenc* pas|encore|jamais", 2.5, 1),  # « mon entreprise n'existe pas encore sur… »
        ("me|m|nous|se|s referenc*", 3.0, 0),  # « nous référencer sur Chorus »: to sign up
        ("compte|comptes|identifiant*|acces a|creer|ouvrir creer|ouvrir", 2.0, 2),  # « compte chorus à créer »
        ("entreprise|societe|boite|association neuf|neuve|nouvelle|recente", 2.0, 2),  # « une EURL toute neuve »
        ("mon|notre|son|leur espace sur|chorus|portail", 2.5, 1),  # one's own space on the portal: an account
        ("un espace chorus|portail", 2.5, 0),  # « avoir un espace Chorus »: an account, not a space of one
        ("premiere|premier fois|connexion|utilisation|pas|acces", 2.0, 1),
        ("creer|ouvrir|inscri*|enregistr* sur|chez|dans chorus|portail|plateforme|site", 1.5, 3),  # « créer quoi sur… »
        ("inscri*|inscrit|inscris a|au|aux espace|espaces|module|modules", -3.0, 2),  # subscribing to a space
        ("jamais utilise*|servi|connecte*|factur*|depose*", 2.5, 1),  # never used, never invoiced: a newcomer
        ("ou|quoi commenc*|demarr*", 1.5, 1),  # « par où commencer »
        ("devenir|devient|deviens|devenons utilisateur|utilisatrice|utilisateurs|membre|fournisseur", 3.0, 1),
        ("premiere|premier utilisation|connexion|fois sur|de|a|avec chorus|portail|plateforme", 1.5, 2),
        ("commenc*|demarr* par", 1.5, 1),
        ("code|codes acces|connexion|identification", 2.5, 1),  # access codes are identifiers
        ("obten*|obtien*|avoir|recevoir|demander|ouvr* identifiant*|acces|login|logins|compte", 2.0, 2),
        ("compte|comptes|identifiant*|acces inexistant*", 2.5, 3),  # « compte inexistant »
        ("acces|acceder a|au|aux factur*|espace*|sollicitation*|engagement*|memoire*|onglet*|module*", -2.0, 2),
        (
            "veux|voudrais|souhait*|faut|fallait|faudrait|faudra|besoin un|une|d acces|compte|identifiant*|login",
            2.0,
            1,
        ),  # « il faut un compte ? »
        ("acces|compte|comptes pour deposer|envoyer|transmettre|facturer|utiliser", 1.0, 3),
        (
            "compte|comptes|inscri*|enregistr* pour|de association|entreprise|societe|collectivite|mairie|cabinet",
            1.5,
            2,
        ),
        ("acces|acceder", 0.5),
        ("rattach*", 1.5),
        ("fournisseur|entreprise|prestataire", 0.5),
        # what the other topics are about
        ("lien|activation|activ*|spam*|recu|renvo*|finalis*", -2.0),
        ("mail|mails|email|emails|courriel*|valid*|confirm*", -1.5),  # the sign-up's mail is the link's topic
        ("adresse|adresses mail|mails|email|emails|courriel*|mel", 1.5, 0),  # an address to give, not a mail received
        (
            "terminer|termine|finir|fini|finie|finaliser|achever|recommenc*|refaire|reprendre|valider|confirmer "
            "inscription|inscrip*|compte",
            -2.0,
            2,
        ),  # « pour terminer l'inscription », « recommencer votre inscription »: what the link is for
        # « se créer un espace », « lui ouvrir un espace »: an account, for oneself or someone helped
        ("me|m|se|s|te|t|lui|nous|vous creer|ouvrir un|une|mon|son|notre|votre espace", 5.0, 0),
        (f"{_DONE} {_SIGNED_UP}", -2.0, 0),  # already signed up: the link, not the account
        (f"{_SIGNED_UP} depuis|hier|deja|bien", -2.5, 1),
        ("rempli*|complete*|envoye|valide formulaire|dossier|inscription", -2.5, 2),
        ("qui a|avait|ont|avaient cree|creee|ouvert|inscrit*", -3.0, 0),  # who made the account: a person
        ("ai|avons|deja cree|creee|crees|ouvert", -3.0, 1),  # « j'ai créé mon compte, mais… »: done already
        (f"{_FORM} {_MADE}", -2.0, 1),  # « inscription faite », « formulaire rempli »
        ("valid* rattach*", -1.5, 3),  # validating others' attachments: the manager's job
        ("espace|espaces|fonctionnalit*|abonn*", -2.0),
        ("gestionnaire|admin|administrateur*", -1.5),
        ("responsable|gestionnaire|administrateur* du|de compte|comptes", -2.0, 1),  # who runs the account
        ("structure", -1.0),
    ),
    Topic.ACTIVATION_LINK: _cues(
        ("lien|liens", 2.0),
        ("activation", 2.0),
        ("activ*", 1.0),
        ("activ*|valid*|finalis*|confirm* compte|inscription|acces|inscrip*", 2.5),
        ("finalis*", 1.0),  # seed 002: the link « nécessaire à la finalisation de mon inscription »
        ("compte|inscription active|activee|valide|validee|confirme|finalise|finalisee", 2.0),
        ("compte|inscription|inscrip* pas|plus|jamais active*|valide*|finalise*|confirme*", 2.5, 2),
        (_MAIL, 1.5),
        ("renvo*|reenvo*|relanc*|reexpedi*", 2.0),
        (f"{_NOT} recu|recus|recue|recoi*|recev*|arrive*|eu|trouve", 2.0),
        ("recu|recoi*|arriv*", 0.5),
        ("introuvable|perdu|egare", 1.5),
        ("trouv*", 0.5),
        ("spam*|indesirable*", 2.0),
        ("expir*|perime", 1.5),
        ("trop tard", 1.5, 0),  # « j'ai cliqué trop tard »
        ("plus|pas valable|valide", 1.0, 0),
        (
            "lien|liens|mail|mails|email|courriel* marche*|fonctionn*|valable|valide|invalide|expir*|perime|mort|casse|"
            "hs|erreur|ouvre|ouvrent|ouvrir",
            1.5,
            4,
        ),
        ("recu|recus|recue|arrive* depuis|apres inscri*|enregistr*", 1.5, 3),  # « rien reçu depuis mon inscription »
        ("pas|jamais|rien dans boite|boites|reception|courrier*", 1.5, 2),  # « pas dans ma boîte de réception »
        (
            f"{_MAIL}|lien|liens arrive|arrivent|vient|viennent|part|partent pas|jamais|toujours",
            2.0,
            3,
        ),  # « le mail n'arrive pas »: said the other way round
        (f"{_FORM} {_MADE}", 2.0, 1),  # done: the link is left
        (
            "ai|avons|deja fait|effectue*|termine*|cree|creee|ouvert inscri*|compte",
            2.0,
            2,
        ),  # « j'ai fait l'inscription »
        (
            "recu|recus|recue|eu|trouve aucun|aucune|pas|rien lien|liens|mail|mails|email|courriel*|message|messages",
            2.0,
            1,
        ),  # « je n'ai reçu aucun lien »
        ("pas|jamais|aucun|rien mail|mails|email|emails|courriel*|message|messages", 1.5, 2),  # « pas de mail »
        ("compte|inscription inactif|inactive", 2.0, 3),
        (f"{_DONE} {_SIGNED_UP}", 2.0, 0),  # signed up already: what is left is the link
        (f"{_SIGNED_UP} depuis|hier|deja|bien", 2.0, 1),
        ("rempli*|complete*|envoye|valide formulaire|dossier|inscription", 2.0, 2),
        ("pas|aucun|aucune|jamais|rien nouvelle|nouvelles|retour|reponse", 1.0, 1),
        ("attente|attend* mail|mails|lien|activation|courriel*|validation|confirmation", 2.0, 3),
        ("confirm*", 1.0),
        # activating a structure, not an account; money not received is not a mail
        ("structure|structures|etablissement|siret|entite|entites|collectivit*", -2.5),
        ("paiement*|paye|payee|payes|argent|virement*|reglement*|factur*|avoirs", -2.5),
        ("un|l|mon|cet avoir", -2.5, 0),  # a credit note, not the verb (« comment avoir le lien »)
        ("espace|espaces|fonctionnalit*", -2.0),
    ),
    Topic.ADD_SPACES: _cues(
        ("espace|espaces", 3.0),
        ("abonn*", 2.5),
        ("m|me|s|se|nous|vous|t|te abonn*", 1.0, 0),  # subscribing oneself: to a space
        ("fonctionnalit*", 2.5),
        ("ajout*|rajout*", 1.0),
        ("ajout*|rajout*|ouvr*|activ*|acces|avoir espace|espaces|fonctionnalit*|module|modules|onglet|onglets", 1.0),
        ("menu|onglet|onglets|module|modules", 1.5),
        ("espace|espaces fournisseur|fournisseurs|client|clients|personnel|perso|utilisateur", -3.0, 0),
        ("espace|espaces stockage|disque|libre|blanc|blancs", -3.0, 1),  # space in its everyday sense
        ("mon|notre|son|leur espace sur|chorus|portail", -3.0, 1),
        ("un espace chorus|portail", -3.0, 0),
        ("me|m|se|s|te|t|lui|nous|vous creer|ouvrir un|une|mon|son|notre|votre espace", -3.0, 0),
        (
            "autre|autres module|modules|espace|espaces|fonctionnalit*|onglet|onglets|menu|menus|fonctions|ecrans|"
            "sections|parties",
            2.0,
            1,
        ),
        ("acces|acceder module|modules|onglet|onglets|espace|espaces|fonctionnalit*", 1.5, 2),
        (
            "espace|espaces|module|modules|onglet|onglets|fonctionnalit*|acces|droit|droits en plus|supplementaire*|"
            "additionnel*",
            2.0,
            1,
        ),
        ("manqu* droit|droits|acces|habilitation*", 2.0, 2),  # « il me manque un droit »
        ("manqu*", 0.5),
        ("manqu*|vois|voit|trouve|cherch*|apparai* onglet|onglets|menu|module|modules|espace|espaces", 1.5),
        ("onglet|onglets|menu|module|modules manqu*|apparai*|affich*|exist*|dispar*|visible*", 2.0, 6),  # « absent »
        (
            "que|juste|seulement|uniquement mon|ma|le|l|la|deux|trois|un|une|quelques compte|profil|onglet*|espace*|"
            "menu*|module*|bloc*",
            1.5,
            2,
        ),  # « je n'ai que deux tuiles », « juste mon profil »: the rest is to be added
        ("pas|aucun|aucune|plus fonction|fonctions|fonctionnalit*", 2.0, 2),
        ("pas|plus|jamais dans|sur menu|ecran|bandeau|accueil", 2.0, 1),  # « … n'est pas dans mon menu »
        ("contient|comporte|propose|affiche|montre|presente pas|plus", 1.0, 0),  # « mon menu ne contient pas … »
        ("pas|plus|jamais menu|onglet|onglets|module|modules|espace|espaces|ecran|ecrans|section", 2.0, 2),
        ("abonn* valid*|attente|attend*", 1.0, 4),
        ("valid*|accept* abonn*", 1.5, 4),  # « valider ma demande d'abonnement »
        ("espace|espaces|module|modules|onglet|onglets|fonctionnalit* activ*|ouvert|ouverte|disponible*", 1.5, 4),
        ("inscri*|inscrit|inscris a|au|aux espace|espaces|module|modules", 3.0, 2),  # « s'inscrire à un espace »
        ("droit|droits|acces|acceder factur*|sollicitation*|engagement*|memoire*", 2.0, 4),  # the spaces' names
        # seeing or following what a space holds (plural): « consulter les factures reçues », « voir les engagements »
        (
            "voir|vois|voit|voient|consult*|suivre|suit|regard*|visualis*|traiter|traite|traitent factures|"
            "sollicitations|engagements|memoires",
            2.0,
            3,
        ),
        ("factur* recoi*|recev*|recevons|arriv*", 1.0, 2),  # « les factures qu'on reçoit »
        # what to open to a colleague who has an account: a space or a right (« que lui ouvrir », « leur donner quoi »)
        ("que|quoi lui|leur ouvrir|donner|attribuer", 1.0, 0),
        ("lui|leur ouvrir|donner|attribuer quoi|quel|quels|quelle|quelles", 1.0, 0),
        ("numero|numeros|code|codes engagement*|service|services", -3.0, 1),  # a field of an invoice, not a space
        ("elarg*|etend*|etendr*|complet* acces|droits|profil|compte", 3.0, 2),  # « élargir mes accès »
        ("pas|plus|aucun droit|droits|acces", 1.0, 2),
        ("factur*|sollicitation*|engagement*|memoire* emise*|recue*|travaux|juridique*|justice", 1.0, 2),
    ),
    Topic.MANAGER_LEFT: _cues(
        ("gestionnaire|gestionnaires", 2.5),
        ("principal|principale", 1.0),
        ("gestionnaire principal|principale", 1.0, 0),
        ("admin|administrateur*", 2.0),
        (
            "parti|partie|partis|partit|quitt*|depart|demission*|retraite|decede*|deces|licencie*|mute|mutation|"
            "absent*|absence|injoignable|indisponible|conge|conges|maladie|demenage*",
            2.0,
        ),
        ("ancien|ancienne|precedent|precedente", 1.0),
        ("ancien|ancienne|precedent|precedente gestionnaire|administrateur*|admin|responsable", 1.0, 1),
        ("responsable|responsables", 1.0),
        ("valid* rattach*", 2.0, 3),  # nobody left to validate the attachment requests
        ("plus|aucun personne|gestionnaire|admin*|responsable", 1.5, 1),  # « plus personne ne peut… »
        # nobody left who can run the users: « personne ne peut valider les nouveaux utilisateurs »
        ("personne|quiconque peut|peux|pouvons|sait|arrive valid*|ger*|administr*|rattach*|accept*|ajout*", 2.0, 2),
        # who says « je suis GP » is the manager, still there: the role stated, not a departure
        ("suis|sommes gestionnaire|gestionnaires|administrateur*|admin", -2.5, 0),
        # whoever ran it, said in the past: « la personne qui gérait notre compte »
        ("gerait|geraient|administrait|administraient|occupait|occupaient|chapeautait", 2.0),
        ("perdu gestionnaire|gestionnaires|admin|administrateur*|responsable", 1.5, 2),
        ("responsable|gestionnaire|administrateur* du|de compte|comptes", 1.5, 1),
        ("plus dans|la|partie|chez|present*|ici|en|poste|fonction|fonctions|avec", 1.5, 1),  # « n'est plus là »
        ("avait|avaient|detenait|possedait droits|role|acces", 1.5, 2),  # « celle qui avait tous les droits »
        ("transf*", 1.5),
        (
            "reprend*|recuper*|passer|passe|donner main|relais|gestion",
            2.0,
            1,
        ),  # « reprendre la main », « passer le relais »
        ("role|roles|droit|droits", 1.5),
        ("remplac*|nomm*|design*|devenir|change*", 1.0),
        ("change* poste|service|fonction|direction|emploi|employeur", 1.5, 1),  # « a changé de poste »
        ("nouveau|nouvel|nouvelle|autre gestionnaire|administrateur*|admin", 1.5),
        ("personne", 0.5),
        ("qui a|avait cree|creee|ouvert", 1.0, 0),  # who made the account is its first manager
        # an account or a structure that changes state is another topic
        (_ACTIVATE_VERBS, -2.0),
        ("espace|espaces|abonn*", -1.5),
        ("factur*", -1.0),
    ),
    Topic.SUBCONTRACTING: _cues(
        ("traitan*|soustraitan*|cotraitan*", 3.5),  # sous-traitant(s), co-traitance…
        ("sous|co traitan*", 1.0, 0),
        ("sous|co traiter", 3.5, 0),  # « sous-traiter », « sous-traité »
        ("acte|actes special|speciale|speciaux", 3.5, 1),  # the sub-contracting's « acte spécial »
        ("titulaire", 2.0),
        ("titulaire compte|role|poste|droits", -2.0, 1),  # who holds an account or a role, not a contract
        ("titulaire|mandataire marche|groupement", 1.0, 1),  # « le titulaire du marché »
        ("mandataire", 2.0),
        ("valid* titulaire|mandataire|cotraitan*", 1.5, 3),  # « validation par le titulaire »
        ("groupement", 2.5),
        ("paiement direct", 2.0, 0),
        ("demande|demandes paiement", 1.0, 1),  # a sub-contractor's invoice is a « demande de paiement »
        ("mandataire|titulaire valid*|accept*|refus*|bloqu*", 1.5, 4),
        ("marche|marches", 0.5),
        ("factur*", 0.5),
    ),
    Topic.STRUCTURE_PROCEDURE: _cues(
        ("structure|structures", 2.0),
        ("inactiv*|desactiv*|reactiv*|inactif|inactifs", 3.0),
        ("sommeil", 2.0),  # « mettre en sommeil »
        ("devient|deviendra|advient structure|structures|siret|etablissement", 1.0, 2),  # « que devient sa structure »
        ("hors service", 1.5, 0),
        ("remet*|remettre|relanc*|mettre|mise en service|activite|route", 2.5, 1),  # a structure back in service
        ("siret|structure|structures|etablissement recoi*|recev* plus", 2.0, 6),  # « … ne reçoive plus de factures »
        ("siret|structure|structures|etablissement|entite actif|active|actifs|actives", 1.5, 3),
        ("redevenir|redevient|nouveau|remettre|remet|rendre|repasser actif|active|actifs|actives", 1.0, 1),
        (
            "gestionnaire*|utilisateur*|compte|comptes|administrateur*|admin|personne|collegue* inactif|inactifs|"
            "inactive|inactives|actif|actifs|active|actives",
            -3.0,
            2,
        ),  # a person or an account said inactive is not a structure
        (
            f"{_ACTIVATE}|ferm*|clotur*|supprim*|rouvr*|reouvr* "
            "structure|structures|siret|etablissement|collectivit*|entite",
            2.5,
        ),
        (f"structure|structures|siret|etablissement {_ACTIVATE}", 1.5),
        # « la structure … qu'il faut activer »
        (f"structure|structures|siret|etablissement|commune|mairie|collectivit*|entite {_ACTIVATE}", 1.0, 8),
        ("siret", 1.0),
        ("etablissement", 1.0),
        ("publique|public", 0.5),
        ("fusion*", 1.5),
        ("ferm*|clotur*", 0.5),
        ("ancien|ancienne structure|structures|siret|commune|etablissement|collectivit*", 1.0, 0),
        ("siret|siren change*|modifi*|nouveau|ancien|double|doublon|dedie|propre|obtenu|attribue", 1.5, 2),
        ("budget|budgets annexe|annexes", 2.0, 0),  # a public body's annexed budget has a SIRET of its own
        ("liste|annuaire destinataire|destinataires|structures", 1.5, 1),
        ("fournisseur*|entreprise*|prestataire* select*|choisi*|trouv*|cherch*", 1.5, 4),  # suppliers cannot pick it
        ("nouveau|nouvel|propre|autre siret|siren", 1.5, 1),  # « un nouveau numéro SIRET », « son propre SIRET »
        ("structure|structures|siret|etablissement|collectivit*|entite visible*|invisible*|joignable", 1.5, 3),
        ("ferm*|clotur* ancien|ancienne|structure|siret|etablissement", 1.0, 1),
        ("siret|structure|structures|etablissement ferm*|clotur*|supprim*|rouvr*|reouvr*", 1.5, 6),
        ("reprend*|reprise|reprenant", 1.0),
        ("reprend*|repris* main", -1.0, 1),
        # an account, a mail or a space is not a structure
        ("compte|comptes", -1.5),
        (f"lien|liens|{_MAIL}", -1.5),
        ("espace|espaces|abonn*", -2.0),
    ),
    Topic.HUMAN_AGENT: _cues(
        (_HUMAN, 3.0),
        ("vrai|vraie|reelle|reel personne|quelqu", 3.0, 1),  # « une vraie personne »
        ("quelqu vivant|vivante|humain|humaine|reel|reelle|physique", 3.0, 3),  # « quelqu'un de vivant »
        ("veux|voudrais|souhait*|faut|besoin|demande une personne", 3.0, 0),  # « je veux une personne »
        ("chat|tchat|discussion|conversation|echange en direct|ligne", 2.5, 1),  # « un chat en direct »
        ("direct chat|tchat|discussion|conversation", 2.5, 0),  # « live chat » reads « direct chat »
        ("passez|passe moi|nous", 1.5, 0),  # « passez-moi un responsable »
        ("personne|quelqu pour|qui repond*|repondre|aider|aide", 2.0, 2),  # « y a personne pour me répondre ? »
        ("parl*|discut*|echang*|entretenir a|avec un|une personne|humain|humaine|quelqu", 1.5, 1),
        ("transfer*|redirig*|bascul* moi|nous", 2.0, 0),  # « transférez-moi au service client »
        ("quelqu", 1.0),
        ("quelqu ligne|direct|telephon*|tel", 2.0, 2),  # « quelqu'un en ligne »
        ("bout fil", 2.0, 1),  # « au bout du fil »
        ("avoir|joindre quelqu", 1.0, 1),
        ("me|nous|etre rappel*|recontact*|contacte|contactee", 2.0, 0),
        ("parl*|joindr*|contact*|adress* a|au|avec responsable|superieur|chef", 1.0, 2),  # « pouvez-vous me rappeler »…
        ("rappel* le|la|les|l|comment|quel|quelle|ce|mon|ma|mes|votre", -2.0, 0),  # …not « me rappeler la marche »
        ("numero|numeros|coordonnees support|assistance|hotline|service", 2.0, 2),
        (
            "passez|passer|mettez quelqu|humain|agent|conseiller|personne|support|assistance|hotline|standard",
            2.0,
            2,
        ),  # « passez-moi quelqu'un », « passez-moi le support »
        ("personne|personnes physique|reelle|humaine|vivante", 3.0, 0),
        ("parl*|discut*|joindr*|contact*|appel*|rappel*|recontact*|echang*", 1.5),
        ("relation", 1.5),
        ("mis|mise|mettre|mettez|mets|met en relation|contact", 1.0, 1),
        ("telephon*|tel", 2.0),
        ("robot|bot|chatbot|machine|ia|programme|logiciel|automate*", 1.5),
        ("pas|plus|jamais robot|bot|machine|ia|programme|logiciel|automate*", 3.0, 3, True),
        ("d|avec une personne", 2.0, 0),  # « l'aide d'une personne »
        ("chat|tchat|echange|discussion|conversation|entretien|entretenir avec", 1.5, 0),  # « m'entretenir avec »
        ("marre|assez|bol robot|bot|chatbot|machine|ia|automate*", 1.5, 4),
        ("service client|clients|clientele|usager|usagers", 2.0, 0),
        ("adress* a|au un|une|quelqu|personne|humain|conseiller|agent|support|service", 2.0, 1),
        ("support|assistance", 1.0),
        ("contact*|joindr*|appel*|rappel*|parl* support|assistance|hotline", 1.0, 4),
        ("numero|numeros telephon*", 1.0, 1),
        ("numero|numeros appeler|appel*|joindre|contacter|direct", 2.0, 2),  # « un numéro à appeler »
        ("parl*|discut*|echang*|contact*|adress* a|avec un|une|quelqu|personne|humain", 1.0),
        ("agent|agents comptable|comptables", -3.0, 0),  # the public accountant, not a support agent
        ("mes|nos|ses|leurs agents|agent", -3.0, 0),  # a public body's staff
        (f"pas|plus|aucun|aucune|jamais|sans|non {_HUMAN}", -6.0, 2),  # « pas d'agent », « non, pas d'humain »
    ),
}

# The phrasings the cues were written from (unaccented: the model reads folded text). Not the measurement set.
EXAMPLES: Mapping[Topic, tuple[str, ...]] = {
    Topic.CREATE_ACCOUNT: (
        "comment creer mon compte chorus pro",
        "je souhaite m inscrire sur chorus pro",
        "creation d un compte",
        "comment ouvrir un compte pour mon entreprise",
        "je n ai pas de compte comment faire",
        "je suis nouveau sur chorus pro",
        "comment obtenir un identifiant chorus",
    ),
    Topic.ACTIVATION_LINK: (
        "je ne trouve pas le mail avec le lien pour activer mon compte",
        "pouvez vous renvoyer mon lien d activation",
        "je n ai pas recu le mail d activation",
        "mon lien d activation a expire",
        "le mail de confirmation n est jamais arrive",
        "je ne trouve pas le mail meme dans mes spams",
        "je n arrive pas a activer mon compte",
    ),
    Topic.ADD_SPACES: (
        "comment ajouter un espace",
        "ouvrir un nouvel espace sur ma structure",
        "je n ai pas l espace factures recues",
        "comment m abonner a un espace",
        "il me manque une fonctionnalite",
        "il manque un onglet dans mon menu",
    ),
    Topic.MANAGER_LEFT: (
        "notre gestionnaire principal a pris sa retraite",
        "transferer mon role de gestionnaire principal a un collegue",
        "notre gestionnaire a quitte l entreprise",
        "nommer un nouveau gestionnaire principal",
        "l administrateur de notre compte n est plus la",
        "qui peut devenir le nouveau gestionnaire principal",
    ),
    Topic.SUBCONTRACTING: (
        "deposer la facture d un sous traitant",
        "quel est le processus pour les factures de sous traitance et co traitance",
        "je suis sous traitant comment deposer ma facture",
        "validation de la facture par le titulaire du marche",
        "le mandataire du groupement doit valider",
        "le sous traitant a droit au paiement direct",
    ),
    Topic.STRUCTURE_PROCEDURE: (
        "il faut activer la structure de notre commune",
        "je souhaite inactiver ma structure",
        "desactivation d un etablissement public",
        "reactiver notre etablissement",
        "fermer un siret dans chorus pro",
        "la structure reprenant l activite",
    ),
    Topic.HUMAN_AGENT: (
        "je voudrais parler a un conseiller du support",
        "je veux parler a un agent",
        "puis je echanger avec une personne du support",
        "comment joindre l assistance chorus",
        "avez vous un numero de telephone",
        "je ne veux pas parler a un robot",
        "mettez moi en relation avec quelqu un",
    ),
}

# SMS and chat spellings, spelled out before matching (one folded word → the words it stands for).
SMS: Mapping[str, tuple[str, ...]] = {
    "jai": ("j", "ai"),
    "g": ("j", "ai"),
    "jpeux": ("je", "peux"),
    "jveux": ("je", "veux"),
    "jveu": ("je", "veux"),
    "jsuis": ("je", "suis"),
    "jsui": ("je", "suis"),
    "chui": ("je", "suis"),
    "chuis": ("je", "suis"),
    "jtrouve": ("je", "trouve"),
    "jarrive": ("j", "arrive"),
    "cmt": ("comment",),
    "cmnt": ("comment",),
    "comt": ("comment",),
    "koment": ("comment",),
    "pa": ("pas",),
    "pr": ("pour",),
    "pk": ("pourquoi",),
    "pq": ("pourquoi",),
    "qd": ("quand",),
    "ds": ("dans",),
    "tt": ("tout",),
    "vs": ("vous",),
    "ns": ("nous",),
    "mm": ("meme",),
    "ke": ("que",),
    "koi": ("quoi",),
    "kel": ("quel",),
    "kelle": ("quelle",),
    "ya": ("il", "y", "a"),
    "tjr": ("toujours",),
    "tjrs": ("toujours",),
    "tjs": ("toujours",),
    "rcu": ("recu",),
    "cpt": ("compte",),
    "msg": ("message",),
    "mdp": ("mot", "de", "passe"),
    "qqn": ("quelqu", "un"),
    "qqun": ("quelqu", "un"),
    "kelkun": ("quelqu", "un"),
    "1": ("un",),  # « parler a 1 personne »
    "quelquun": ("quelqu", "un"),
    "tel": ("telephone",),
    "ss": ("sous",),
    "pb": ("probleme",),
    "pbm": ("probleme",),
    "num": ("numero",),
    "rdv": ("rendez", "vous"),
    "abo": ("abonnement",),
    "abos": ("abonnements",),
    "etab": ("etablissement",),
    "struct": ("structure",),
    "asso": ("association",),
    "ste": ("societe",),
    "qqch": ("quelque", "chose"),
    "jsp": ("je", "sais", "pas"),
    "jcomprends": ("je", "comprends"),
    "jy": ("j", "y"),
    "ki": ("qui",),
    "fe": ("fais",),
}

# The desk's jargon and synonyms, read as the words the cues know (one folded word → the words it stands for):
# abbreviations of the portal's roles and objects, and words users pick for what the guides call otherwise.
LEXICON: Mapping[str, tuple[str, ...]] = {
    "gp": ("gestionnaire", "principal"),
    "gs": ("gestionnaire", "secondaire"),
    "cpp": ("chorus", "pro"),  # Chorus Pro, and the agency that runs it
    "aife": ("chorus",),
    "st": ("soustraitant",),  # the sub-contractor in a buyer's or a site's shorthand
    "sst": ("soustraitant",),
    "stt": ("soustraitant",),
    "moa": ("maitre", "ouvrage"),  # the contracting authority, the project manager: a works contract's parties
    "moe": ("maitre", "oeuvre"),
    "sp": ("structure", "publique"),
    "crea": ("creation",),
    "inscrip": ("inscription",),
    "id": ("identifiant",),
    "ids": ("identifiants",),
    "habilitation": ("droits",),
    "habilitations": ("droits",),
    "habilite": ("droits",),
    "habilitee": ("droits",),
    "rubrique": ("onglet",),
    "rubriques": ("onglets",),
    "tuile": ("onglet",),
    "tuiles": ("onglets",),
    "volet": ("onglet",),
    "volets": ("onglets",),
    "messagerie": ("boite", "mail"),
    "administration": ("administrateur",),
    "administratrice": ("administrateur",),
    "administratrices": ("administrateurs",),
    "radier": ("inactiver",),
    "regie": ("etablissement",),  # a public body's régie has a SIRET of its own
    "regies": ("etablissements",),
    # a public body's usual acronyms are an establishment
    "ccas": ("etablissement",),
    "cias": ("etablissement",),
    "epci": ("etablissement",),
    "sivu": ("etablissement",),
    "sivom": ("etablissement",),
    "ehpad": ("etablissement",),
    "epic": ("etablissement",),
    "sdis": ("etablissement",),
    "dc4": ("soustraitance",),  # the sub-contracting declaration's form
    "gme": ("groupement",),  # groupement momentané d'entreprises
    "referent": ("gestionnaire",),
    "referente": ("gestionnaire",),
    "passation": ("transfert",),
    "successeur": ("remplacant",),
    "remplacante": ("remplacant",),
    "collaborateur": ("conseiller",),
    "collaborateurs": ("conseillers",),
    "collaboratrice": ("conseillere",),
    "radiation": ("inactivation",),
    "radie": ("inactive",),
    "radiee": ("inactivee",),
    # a company's legal form is a company
    "eurl": ("entreprise",),
    "sasu": ("entreprise",),
    "sarl": ("entreprise",),
    "scop": ("entreprise",),
    "sas": ("entreprise",),
    "snc": ("entreprise",),
    "eirl": ("entreprise",),
    "pme": ("entreprise",),
    "tpe": ("entreprise",),
    "microentreprise": ("entreprise",),
    "autoentrepreneur": ("entreprise",),
    "autoentreprise": ("entreprise",),
}
# English, as foreign suppliers write it: the words of the topics read as the French the cues know (one folded word
# → its French words). « Don't », « didn't »… (folded « don t ») read « pas t », and a refusal in English (« I don't
# want… », « we don't need… ») is a negation like « je ne veux pas… » (``_trigger``).
ENGLISH: Mapping[str, tuple[str, ...]] = {
    "register": ("inscrire",),
    "registering": ("inscrire",),
    "registered": ("inscrit",),
    "registration": ("inscription",),
    "signup": ("inscription",),
    "sign": ("inscrire",),
    "account": ("compte",),
    "accounts": ("comptes",),
    "create": ("creer",),
    "open": ("ouvrir",),
    "get": ("obtenir",),
    "new": ("nouveau",),
    "supplier": ("fournisseur",),
    "suppliers": ("fournisseurs",),
    "company": ("entreprise",),
    "start": ("commencer",),
    "link": ("lien",),
    "links": ("liens",),
    "activate": ("activer",),
    "activated": ("active",),
    "expired": ("expire",),
    "invalid": ("invalide",),
    "received": ("recu",),
    "receive": ("recevoir",),
    "got": ("recu",),
    "resend": ("renvoyer",),
    "validate": ("valider",),
    "space": ("espace",),
    "spaces": ("espaces",),
    "add": ("ajouter",),
    "tab": ("onglet",),
    "tabs": ("onglets",),
    "feature": ("fonctionnalite",),
    "features": ("fonctionnalites",),
    "manager": ("gestionnaire",),
    "managers": ("gestionnaires",),
    "administrator": ("administrateur",),
    "left": ("parti",),
    "retired": ("retraite",),
    "resigned": ("demission",),
    "deceased": ("decede",),
    "died": ("decede",),
    "subcontractor": ("soustraitant",),
    "subcontractors": ("soustraitants",),
    "subcontracting": ("soustraitance",),
    "contractor": ("titulaire",),
    "consortium": ("groupement",),
    "deactivate": ("desactiver",),
    "human": ("humain",),
    "person": ("personne",),
    "someone": ("quelqu", "un"),
    "somebody": ("quelqu", "un"),
    "anyone": ("quelqu", "un"),
    "real": ("vraie",),
    "talk": ("parler",),
    "speak": ("parler",),
    "call": ("appeler",),
    "phone": ("telephone",),
    "operator": ("operateur",),
    "advisor": ("conseiller",),
    "adviser": ("conseiller",),
    "want": ("veux",),
    "need": ("besoin",),
    "never": ("jamais",),
    "not": ("pas",),
    "no": ("aucun",),
    "don": ("pas",),
    "doesn": ("pas",),
    "didn": ("pas",),
    "haven": ("pas",),
    "hasn": ("pas",),
    "dont": ("pas", "t"),
    "doesnt": ("pas", "t"),
    "didnt": ("pas", "t"),
    "i": ("je",),
    "just": ("juste",),
    "only": ("seulement",),
    "and": ("et",),
    "also": ("aussi",),
    "then": ("puis",),
    "to": ("a",),
    "with": ("avec",),
    "how": ("comment",),
    "longer": ("plus",),  # « no longer with us »
    "anymore": ("plus",),
    "user": ("utilisateur",),
    "colleague": ("collegue",),
    "colleagues": ("collegues",),
    "where": ("ou",),
    "onto": ("sur",),
    "join": ("rejoindre",),
    "begin": ("commencer",),
    "used": ("utilise",),
    "use": ("utiliser",),
    "credentials": ("identifiants",),
    "see": ("voir",),
    "invoices": ("factures",),
    "invoice": ("facture",),
    "live": ("direct",),
    "approve": ("valider",),
    "users": ("utilisateurs",),
    "nobody": ("plus", "personne"),
    "gone": ("parti",),
    "replace": ("remplacer",),
    "reactivate": ("reactiver",),
}
# Word families read as one of their words: any word starting with the key (« neutraliser », « neutralisation »,
# « neutralisé »; « parvenu », « parvient », « parviendra »).
LEXICON_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("neutralis", ("inactiver",)),
    ("parven", ("arrive",)),
    ("parvien", ("arrive",)),
    ("parvint", ("arrive",)),
    ("immatricul", ("inscription",)),  # « immatriculer ma société sur Chorus Pro »
    ("enrol", ("inscription",)),  # « enrôlement »
    ("souscri", ("abonnement",)),  # « souscrire à un espace »
    ("dissou", ("fermer",)),  # a body dissolved, absorbed, its SIRET closed
    ("dissol", ("fermer",)),
    ("absorb", ("fusion",)),
    ("absorption", ("fusion",)),
    ("regroup", ("fusion",)),
)


_ELIDED = frozenset("sjmltdn")  # « s' », « j' », « m' », « l' », « t' », « d' », « n' » typed without the apostrophe


@lru_cache(maxsize=8192)
def _spelled(word: str) -> tuple[str, ...]:
    """A folded word as the cues read it: SMS spelt out, jargon and synonyms replaced (``SMS``, ``LEXICON``),
    an elision typed without its apostrophe cut off when what follows is a word the model knows and the whole
    is not (« sinscrire » → « s inscrire », « lespace » → « l espace »)."""
    found = SMS.get(word) or LEXICON.get(word) or ENGLISH.get(word)
    if found:
        return found
    found = next((words for stem, words in LEXICON_STEMS if word.startswith(stem)), None)
    if found:
        return found
    if (
        len(word) >= 5
        and word[0] in _ELIDED
        and word[1] in "aeiouyh"
        and not _is_known(word)
        and _is_known(rest := word[1:])
    ):
        return (word[0], *_spelled(rest))
    return (word,)


# Real words near a cue word: never read as its typo (« argent » is not « agent »).
NOT_TYPOS = frozenset(
    {
        "argent",
        "parent",
        "urgent",
        "partir",
        "partage",
        "comptable",
        "compta",
        "esperer",
        "espece",
        "actif",
        "actifs",
        "revoir",
        "paris",
    }
    | {  # the most frequent French words, which a typo tolerance would otherwise read as cue words
        "mais", "mai", "dans", "pour", "avec", "sans", "sous", "sur", "tout", "tous", "toute", "toutes", "elle",
        "elles", "nous", "vous", "leur", "leurs", "donc", "comme", "quand", "alors", "aussi", "encore", "merci",
        "bonjour", "bonsoir", "depuis", "apres", "avant", "faire", "fait", "faite", "faits", "avoir", "etre",
        "sont", "peux", "peut", "veux", "dois", "doit", "quel", "quelle", "quels", "quelles", "quelque",
        "quelques", "quelquefois", "chose", "choses", "matin", "soir", "jour", "jours", "mois", "semaine",
        "heure", "heures", "cette", "votre", "notre", "autre", "autres", "meme", "bien", "tres", "trop", "peu",
        "moins", "entre", "chez", "vers", "comment", "pourquoi", "combien", "quoi", "voila", "ainsi", "lors",
        "besoin", "faut", "falloir", "pouvez", "voulez", "savoir", "sais", "sait", "voir", "vois", "voit",
        "mettre", "prendre", "donner", "aller", "venir", "venu", "venue", "dire", "dit", "dites", "parle",
        "messagerie", "maintenant", "toujours", "jamais", "rien", "personne", "ancien", "avez", "avons", "ont",
        "etait", "etais", "sera", "serait", "reste", "rester", "marche", "mairie", "marie", "meilleur", "suite",
        "passe", "passer", "mot", "mots", "page", "pages", "site", "sites", "ligne", "lignes", "main",
    }
)  # fmt: skip

# « Le gestionnaire principal a quitté la structure »: said, the support's ticket is offered at once (n° 4);
# otherwise the assistant asks (a manager still there transfers the role himself, in four steps).
GONE: tuple[Cue, ...] = _cues(
    (
        "parti|partie|partis|partit|quitt*|depart|demission*|retraite|decede*|deces|licencie*|mute|mutee|"
        "mutation|absent*|absence|injoignable|indisponible|conge|conges|maladie|introuvable|ancien|ancienne|demenage*|"
        "precedent|precedente",
        1.0,
    ),
    ("plus dans|la|partie|chez|present*|ici|joignable|en|employe*|salarie*|avec", 1.0, 1),  # « n'est plus là »
    ("change* poste|service|fonction|direction|emploi|employeur", 1.0, 1),
)
STILL_THERE: tuple[Cue, ...] = _cues(
    ("pas|jamais parti|partie|quitt*|demission*", 1.0, 1),  # « il n'a pas quitté… »
    ("encore|toujours la|present*|ici|en|dans", 1.0, 1),  # « il est encore là »
    ("avant|va|vais|doit|bientot|prochainement partir|quitter|quitte", 1.0, 1),  # not gone yet
)


# ------------------------------------------------------------------------------------------ reading
# A clause ends at punctuation (read before folding, which turns it into spaces); a negation stops there.
_CLAUSE_BREAKS = re.compile(r"[,;.!?:…\n\r()\[\]+&]+")
# A message asking two things is cut into segments at its clauses and before these words.
SEGMENT_WORDS = frozenset({"et", "puis", "ensuite", "aussi", "egalement", "mais", "sinon", "ailleurs", "autre"})
# Words of a cue that already speak of a negation (« pas reçu », « sans compte »): such a cue reads negated
# words too, every other cue reads only the words outside a negation's scope.
NEGATION_WORDS = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "plus", "ni", "sans", "non"})
# What a user says they do not want, are not or do not need: « je ne veux pas », « je ne suis pas », « ce
# n'est pas », « pas besoin », « pas la peine », « inutile », « sans passer par », « ne pas »…
VOLITION = frozenset(
    {
        "veux", "veut", "voulons", "voulez", "voudrais", "voudrait", "voudrions", "voulais", "souhaite",
        "souhaitons", "souhaitez", "souhaiterais", "souhaitais", "desire", "desirons", "demande", "demandons",
        "demandais", "cherche", "cherchons", "suis", "sommes", "parle", "parlons", "passez", "mettez",
        "transferez", "envoyez", "redirigez", "faut", "aimerais", "prefere", "preferons", "besoin", "porte",
        "concerne", "agit",
    }
)  # fmt: skip
_NEGATORS = frozenset({"pas", "jamais", "point", "nullement", "aucunement", "ni", "aucun", "aucune"})
_NOT_AFTER_SUIS = ("arriv", "parven", "reussi", "capable", "sur", "sure")  # « je ne suis pas arrivé à… »
_SANS = frozenset({"passer", "parler", "agent", "agents", "conseiller", "humain", "intervention", "contacter"})
# A negation's scope ends at the clause's end or at one of these words (« je ne veux pas d'agent, mais… »).
SCOPE_ENDS = frozenset(
    {
        "mais", "plutot", "juste", "seulement", "sinon", "car", "parce", "donc", "alors", "et", "je", "j",
        "cependant", "contraire", "uniquement", "simplement",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """A message as the model reads it: its words, its segments (``[start, end)``: clauses, cut again before
    ``SEGMENT_WORDS``) and the positions of the words a negation covers."""

    words: tuple[str, ...]
    segments: tuple[tuple[int, int], ...]
    negated: frozenset[int]
    # Where each word stands as a cue measures distances: its position, plus ``CLAUSE_GAP`` for each clause
    # before it, so that no phrase cue spans punctuation (« … ne m'aide pas, un humain svp »).
    places: tuple[int, ...] = ()
    # The negation words of a refusal's own trigger (the « pas » of « je ne veux pas d'espace »): a positive cue that
    # names a lack (« pas … espace »: « je n'ai pas l'espace ») does not read them; a negative cue does.
    refusals: frozenset[int] = frozenset()


# « St-Amand », « Ste-Foy »: a place's saint, not the sub-contractor's « st » (``LEXICON``).
_SAINT = re.compile(r"\b(?:st|ste)-(?=\w)", re.IGNORECASE)


def _clauses(text: str | None) -> list[list[str]]:
    """The message's clauses, each as its folded words with SMS spelt out, at most ``MAX_TOKENS`` words."""
    clauses: list[list[str]] = []
    count = 0
    for piece in _CLAUSE_BREAKS.split(_SAINT.sub("saint-", (text or "")[: MAX_TOKENS * 30])):
        words: list[str] = []
        for word in fold(piece).split():
            words.extend(_spelled(word))
        words = words[: MAX_TOKENS - count]
        if words:
            clauses.append(words)
            count += len(words)
        if count >= MAX_TOKENS:
            break
    return clauses


def _trigger(words: list[str], i: int) -> int:
    """How many words the negation that word ``i`` of a clause ends takes (its scope starts after them), or 0."""
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    before = words[max(0, i - 3) : i]
    if word in VOLITION and (after in _NEGATORS or (after == "plus" and ("ne" in before or "n" in before))):
        following = words[i + 2] if i + 2 < len(words) else ""
        return 0 if word in ("suis", "sommes") and following.startswith(_NOT_AFTER_SUIS) else 2
    if word == "besoin" and any(w in ("pas", "plus", "aucun", "nul") for w in words[max(0, i - 2) : i]):
        return 1  # « pas besoin de… »
    if (word == "peine" and i >= 2 and words[i - 2] == "pas") or word == "inutile":  # « pas la peine de… »
        return 1
    if (word == "surtout" and after == "pas") or (word == "sans" and after in _SANS):
        return 1
    if word == "pas" and after == "t" and i + 2 < len(words) and words[i + 2] in VOLITION:  # « I don't want… »
        return 3
    if word == "est" and after == "pas" and any(w in ("c", "ce") for w in before):  # « ce n'est pas… »
        return 2
    if word in ("ne", "n") and _forbids(words, i + 1):  # « surtout n'inactivez pas… », « ne me transférez pas »
        return 1
    if word == "voir" and before[-2:] == ["rien", "a"]:  # « rien à voir avec la sous-traitance »
        return 1
    if word in ("question", "questions") and any(w in ("pas", "aucune", "ni") for w in before[-2:]):
        return 1  # « je n'ai pas de question sur les espaces »
    return 2 if word == "ne" and after == "pas" else 0  # « ne pas » before an infinitive


_PRONOUNS = frozenset({"me", "m", "nous", "le", "la", "les", "l", "lui", "leur", "y", "en"})
_NOT_FORBIDDING = ("oubli", "hesit", "manqu", "inquiet")  # « n'oubliez pas de… », « n'hésitez pas »: a request


def _forbids(words: list[str], i: int) -> bool:
    """Whether the words from ``i`` forbid a deed (« [ne] supprimez pas », « [n'] activez rien », « [ne] me
    transférez pas »): a verb said to « vous », after its pronouns, followed by a negator."""
    while i < len(words) and words[i] in _PRONOUNS:
        i += 1
    if i + 1 >= len(words) or not words[i].endswith("ez") or words[i].startswith(_NOT_FORBIDDING):
        return False
    return words[i + 1] in _NEGATORS or words[i + 1] in ("rien", "plus", "surtout", "aucun", "aucune")


# Triggers that deny a state (« je ne suis pas inscrit », « ce n'est pas… »), not refuse a thing: their « pas » is
# read by the cues of a lack like any other.
_STATED = frozenset({"suis", "sommes", "est", "porte", "concerne", "agit"})


def _negation_starts(words: list[str]) -> list[int]:
    """Where, in a clause, a negation's scope starts (the word after its trigger)."""
    return [i + taken for i in range(len(words)) if (taken := _trigger(words, i))]


_CONTRASTS = frozenset({"mais", "plutot"})
_DETERMINERS = frozenset({"le", "la", "les", "l", "un", "une", "mon", "ma", "mes", "notre", "nos", "son", "sa", "ses"})


def _elided(clause: list[str]) -> list[str]:
    """A verb a contrast leaves out, put back: « je ne veux pas activer mon compte mais la structure » reads
    « … mais activer la structure » (the negated infinitive, where « mais » or « plutôt » is followed by
    a determiner)."""
    for start in reversed(_negation_starts(clause)):
        verb = clause[start] if start < len(clause) else ""
        if len(verb) < 4 or not verb.endswith(("er", "ir", "re")):
            continue
        for position in range(start + 1, len(clause) - 1):
            if clause[position] in SCOPE_ENDS:
                if clause[position] in _CONTRASTS and clause[position + 1] in _DETERMINERS:
                    clause = [*clause[: position + 1], verb, *clause[position + 1 :]]
                break
    return clause


# What an object pronoun before one of these verbs can stand for (« je veux la remettre en service », « il faut
# l'activer »), and the verbs: the last of these nouns named before it in the message is read in its place.
_REFERRED = frozenset({"structure", "siret", "etablissement", "compte", "espace", "lien", "role", "acces"})
_PRONOUN_OBJECTS = frozenset({"l", "la", "le"})
_REFERRING_VERBS = (
    "activ", "inactiv", "desactiv", "reactiv", "remet", "rend", "ferm", "rouvr", "ouvr", "supprim", "clotur",
    "transf", "renvo", "valid", "recuper", "reprend",
)  # fmt: skip


def _referred(clauses: list[list[str]]) -> list[list[str]]:
    """The clauses with an object pronoun before a verb of ``_REFERRING_VERBS`` read as the noun it stands for:
    « je ne veux pas désactiver la structure, au contraire je veux la remettre en service » reads « … je veux
    structure remettre en service », so that what the negation took away comes back where it is asked."""
    last = ""
    result: list[list[str]] = []
    for clause in clauses:
        read_as = list(clause)
        for position, word in enumerate(clause):
            after = clause[position + 1] if position + 1 < len(clause) else ""
            if word in _PRONOUN_OBJECTS and last and after.startswith(_REFERRING_VERBS):
                read_as[position] = last
            elif word in _REFERRED:
                last = word
        result.append(read_as)
    return result


def read(text: str | None) -> Reading:
    """The words of a message, its segments, and what its negations cover."""
    words: list[str] = []
    segments: list[tuple[int, int]] = []
    negated: set[int] = set()
    places: list[int] = []
    refusals: set[int] = set()
    for number, clause in enumerate(map(_elided, _referred(_clauses(text)))):
        offset = len(words)
        places.extend(range(offset + number * CLAUSE_GAP, offset + number * CLAUSE_GAP + len(clause)))
        for trigger in range(len(clause)):
            taken = 0 if clause[trigger] in _STATED else _trigger(clause, trigger)
            refusals.update(offset + p for p in range(trigger, trigger + taken) if clause[p] in NEGATION_WORDS)
        for start in _negation_starts(clause):
            for position in range(start, len(clause)):
                if clause[position] in SCOPE_ENDS:
                    break
                negated.add(offset + position)
        cut = offset
        for position, word in enumerate(clause):
            if position and word in SEGMENT_WORDS:
                segments.append((cut, offset + position))
                cut = offset + position
        segments.append((cut, offset + len(clause)))
        words.extend(clause)
    return Reading(tuple(words), tuple(segments), frozenset(negated), tuple(places), frozenset(refusals))


def tokens(text: str | None) -> tuple[str, ...]:
    """The words the model reads: folded (``listing.fold``), SMS spelt out, at most ``MAX_TOKENS``."""
    return read(text).words


# ------------------------------------------------------------------------------------------ matching
@dataclass(frozen=True)
class Understanding:
    """What ``understand`` made of a message."""

    topic: Topic | None  # the answer, or None: « je n'ai pas compris » and the topic list
    confidence: float  # 0 to 1: the best topic's share of the scores (best / (best + runner-up + 1))
    best: Topic | None  # the best-scoring topic, even when it was not good enough to answer
    score: float
    runner_up: Topic | None
    runner_up_score: float
    evidence: tuple[str, ...]  # the cues of the best topic that matched, for logs and explanations
    # No topic, but these are offered as choices: a message asking two (or three) things, in the order asked,
    # or one that two topics fit as well as each other.
    choices: tuple[Topic, ...] = ()
    # No topic, and these are what the user said they did not want (« je ne veux pas d'agent »).
    declined: tuple[Topic, ...] = ()


def osa_distance(a: str, b: str, limit: int) -> int:
    """Restricted Damerau-Levenshtein distance (optimal string alignment) between ``a`` and ``b``, or
    ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_allowance(word: str) -> int:
    """How many edits a cue word (or stem) of this length tolerates."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


_EVERY_CUE: tuple[Cue, ...] = (*(cue for cues in MODEL.values() for cue in cues), *GONE, *STILL_THERE)
_ALL_TERMS: frozenset[str] = frozenset(alternative for cue in _EVERY_CUE for term in cue.terms for alternative in term)
_EXACT_WORDS = frozenset(t for t in _ALL_TERMS if not t.endswith("*"))
_STEMS = tuple(t[:-1] for t in _ALL_TERMS if t.endswith("*"))


def inflections(word: str) -> frozenset[str]:
    """The French inflections of a cue word written in one form (4 letters or more): plural and feminine
    (« parti » → « partie », « partis », « parties »; « principal » → « principaux »), and for a verb in
    « -er » its present, imperfect and participles (« transferer » → « transfere », « transferez »,
    « transferons », « transferait »…). Folded, so « é » and « e » are one letter."""
    if len(word) < 4 or not word.isalpha():
        return frozenset()
    forms = {word + "s", word + "e", word + "es"}
    if word.endswith(("au", "eu")):
        forms.add(word + "x")
    if word.endswith("al"):
        forms.add(word[:-2] + "aux")
    if word.endswith("er") and len(word) > 4:
        stem = word[:-2]
        endings = ("e", "es", "ent", "ez", "ons", "ais", "ait", "aient", "ee", "ees", "ant", "era", "erai", "erait")
        forms.update(stem + ending for ending in endings)
    return frozenset(forms - {word})


# Every inflected form of an exact cue word → the cue words it inflects (precomputed: a look-up per word).
# (Built in one pass over the cue words: each word's forms computed once, at import.)
def _inflected() -> Mapping[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for word in _EXACT_WORDS:
        for form in inflections(word) - NOT_TYPOS:  # a word known as itself is no inflection of another
            found.setdefault(form, set()).add(word)
    return {form: frozenset(words) for form, words in found.items()}


_INFLECTED: Mapping[str, frozenset[str]] = _inflected()  # « quelque » is not « quelqu' »


@lru_cache(maxsize=8192)  # bounded: a warm container reads any text its users type
def _is_known(word: str) -> bool:
    return word in _EXACT_WORDS or word in _INFLECTED or word in NOT_TYPOS or word.startswith(_STEMS)


def _same_start(a: str, b: str) -> bool:
    """A typo keeps the first letter, or swaps the first two (the usual spell-checker assumption, which
    also spares most distance computations)."""
    return a[:1] == b[:1] or a[:2] == b[1::-1]


_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "f"),
        (r"qu|ck|q", "k"),
        (r"c(?=[eiy])", "s"),  # « espace » and « espasse »
        (r"t(?=ion)", "s"),  # « activation » and « activasion »
        (r"m(?=[bp])", "n"),  # « compte » and « conpte »
        (r"np(?=t)", "n"),  # « conpte » and « conte »
        (r"a(?=[nm](?![aeiouy]|$))", "e"),  # « identifiant » and « identifient »
        (r"(.)\1+", r"\1"),  # doubled letters: « gestionaire », « abonement »
        (r"(?<=.{3})[esxz]+$", ""),  # silent endings: « comptes », « conte »
    )
)


def phonetic(word: str) -> str:
    """A folded word as it sounds, roughly: the spellings French users confuse made one (« conte », « conpte »,
    « compt », « compte » → « cont »; « espasses », « espaces » → « espas »). Only for words the model does not know."""
    for pattern, replacement in _PHONETIC_RULES:
        word = pattern.sub(replacement, word)
    return word


def term_matches(term: str, word: str) -> bool:
    """Whether a folded word matches one cue word (``word``, or ``stem*``), typos tolerated."""
    if term.endswith("*"):
        stem = term[:-1]
        if word.startswith(stem):
            return True
        allowed = typo_allowance(stem)
        if not allowed or not _same_start(word, stem) or _is_known(word):
            return False
        return any(
            osa_distance(word[:length], stem, allowed) <= allowed
            for length in (len(stem) - 1, len(stem), len(stem) + 1)
            if len(word) >= length
        )
    if word == term or term in _INFLECTED.get(word, ()):
        return True
    allowed = typo_allowance(term)
    return (
        bool(allowed)
        and _same_start(word, term)
        and not _is_known(word)
        and osa_distance(word, term, allowed) <= allowed
    )


_BY_LETTER: Mapping[str, tuple[str, ...]] = {
    letter: tuple(sorted(t for t in _ALL_TERMS if t[:1] == letter)) for letter in {t[:1] for t in _ALL_TERMS}
}


# The sound of every exact cue word of 5 letters or more → the cue words that sound so (precomputed).
def _by_sound() -> Mapping[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for word in _EXACT_WORDS:
        if len(word) >= 5 and len(key := phonetic(word)) >= 4:  # each word's sound computed once
            found.setdefault(key, set()).add(word)
    return {key: frozenset(words) for key, words in found.items()}


_BY_SOUND: Mapping[str, frozenset[str]] = _by_sound()


@lru_cache(maxsize=8192)
def matched_terms(word: str) -> frozenset[str]:
    """Every cue word (``word`` or ``stem*``) a folded word matches: only those sharing its first or second
    letter can (``_same_start``). A word the model does not know that sounds like a cue word
    (``phonetic``) is read as that word, and then as no other typo (« conte » is « compte », not « congé »)."""
    if (
        len(word) >= 4
        and word not in _EXACT_WORDS
        and word not in _INFLECTED
        and word not in NOT_TYPOS
        and (sounds := _BY_SOUND.get(phonetic(word)))
    ):
        return sounds | {stem + "*" for stem in _STEMS if word.startswith(stem)}
    candidates = {*_BY_LETTER.get(word[:1], ()), *_BY_LETTER.get(word[1:2], ())}
    return frozenset(term for term in candidates if term_matches(term, word))


Index = Mapping[str, tuple[int, ...]]  # cue word → the positions of the message's words it matches


def index(words: tuple[str, ...], positions: Iterable[int] | None = None, places: tuple[int, ...] = ()) -> Index:
    """Where each cue word matches among ``words`` (only at ``positions``, if given; at ``places``, the words'
    places as distances are measured, if given)."""
    found: dict[str, list[int]] = {}
    for position in range(len(words)) if positions is None else positions:
        for term in matched_terms(words[position]):
            found.setdefault(term, []).append(places[position] if places else position)
    return {term: tuple(places) for term, places in found.items()}


def cue_matches(cue: Cue, where: Index) -> bool:
    """Whether the cue's words appear in order, with at most ``cue.window`` words between two of them."""
    reachable: set[int] | None = None
    for alternatives in cue.terms:
        positions = {p for term in alternatives for p in where.get(term, ())}
        if reachable is not None:
            positions = {p for p in positions if any(q < p <= q + cue.window + 1 for q in reachable)}
        if not positions:
            return False
        reachable = positions
    return True


@dataclass(frozen=True)
class _Where:
    """A stretch of a message as the cues read it: every word, and the words outside a negation."""

    every: Index
    affirmed: Index
    unrefused: Index  # every word but a refusal's own negation words (``Reading.refusals``)

    @classmethod
    def of(cls, reading: Reading, start: int = 0, end: int | None = None) -> _Where:
        span = range(start, len(reading.words) if end is None else end)
        every = index(reading.words, span, reading.places)
        if not reading.negated.intersection(span):
            return cls(every, every, every)
        affirmed = index(reading.words, (p for p in span if p not in reading.negated), reading.places)
        unrefused = index(reading.words, (p for p in span if p not in reading.refusals), reading.places)
        return cls(every, affirmed, unrefused)

    def matches(self, cue: Cue) -> bool:
        if not cue.reads_negations:
            return cue_matches(cue, self.affirmed)
        return cue_matches(cue, self.every if cue.weight < 0 or cue.reads_refusals else self.unrefused)


@dataclass(frozen=True)
class _Scored:
    score: float
    evidence: tuple[str, ...]
    positive: float  # the positive cues alone: what no part of the message can exceed


# Every cue of the model with its topic, and, for each cue word, the cues whose first word it is: only the cues
# whose first word is in the message are tried.
_CUES: tuple[tuple[Topic, Cue], ...] = tuple((topic, cue) for topic, cues in MODEL.items() for cue in cues)
_BY_FIRST_WORD: Mapping[str, tuple[int, ...]] = {
    term: tuple(i for i, (_, cue) in enumerate(_CUES) if term in cue.terms[0])
    for term in {alternative for _, cue in _CUES for alternative in cue.terms[0]}
}


def _candidates(where: Index) -> list[int]:
    return sorted({i for term in where for i in _BY_FIRST_WORD.get(term, ())})


def _score(where: _Where) -> dict[Topic, _Scored]:
    matched: dict[Topic, list[Cue]] = {topic: [] for topic in MODEL}
    for i in _candidates(where.every):
        topic, cue = _CUES[i]
        if where.matches(cue):
            matched[topic].append(cue)
    return {
        topic: _Scored(
            sum(c.weight for c in cues), tuple(c.pattern for c in cues), sum(c.weight for c in cues if c.weight > 0)
        )
        for topic, cues in matched.items()
    }


def _unnegated(where: _Where) -> dict[Topic, float]:
    """What each topic's positive cues would weigh if no negation were read."""
    result = dict.fromkeys(MODEL, 0.0)
    for i in _candidates(where.every):
        topic, cue = _CUES[i]
        if cue.weight > 0 and not cue.reads_negations and cue_matches(cue, where.every):
            result[topic] += cue.weight
    return result


def scores(text: str | None) -> dict[Topic, tuple[float, tuple[str, ...]]]:
    """Every topic's score over the whole message and the cues that matched (negative ones included)."""
    return {topic: (s.score, s.evidence) for topic, s in _score(_Where.of(read(text))).items()}


_NOTHING = Understanding(None, 0.0, None, 0.0, None, 0.0, ())


def _decide(scored: Mapping[Topic, _Scored]) -> Understanding:
    ranked = sorted(scored.items(), key=lambda item: item[1].score, reverse=True)
    (best, top), (runner_up, second) = ranked[0], ranked[1]
    if top.score <= 0:
        return _NOTHING
    runner_score = max(second.score, 0.0)
    answered = top.score >= MIN_SCORE and top.score - runner_score >= MIN_MARGIN
    return Understanding(
        topic=best if answered else None,
        confidence=round(top.score / (top.score + runner_score + 1.0), 3),
        best=best,
        score=top.score,
        runner_up=runner_up if runner_score > 0 else None,
        runner_up_score=runner_score,
        evidence=top.evidence,
    )


def _by_cues(reading: Reading) -> tuple[Understanding, bool]:
    """What the cues make of a message, and whether the neighbours may be asked: only where no topic is answered
    and none offered (neither a message asking several things nor two topics fitting as well: choices are no
    wrong answer, and the user picks)."""
    where = _Where.of(reading)
    scored = _score(where)
    whole = _decide(scored)
    # Two segments can each be answered with a different topic only if two topics reach the bar somewhere.
    if len(reading.segments) > 1 and sum(s.positive >= MIN_SCORE for s in scored.values()) > 1:
        asked: list[Topic] = []
        asking: dict[Topic, bool] = {}  # whether a segment of the topic has a word that asks (``ASKING``)
        for start, end in reading.segments:
            topic = _decide(_score(_Where.of(reading, start, end))).topic
            if topic is not None and topic not in asked:
                asked.append(topic)
            if topic is not None:
                asking[topic] = asking.get(topic, False) or not ASKING.isdisjoint(reading.words[start:end])
        if len(asked) > 1 and whole.topic in asked:
            asked = _kept(asked, asking, whole.topic, _declined(reading))
        if len(asked) > 1:
            return replace(whole, topic=None, choices=tuple(asked[:MAX_CHOICES])), False
    if whole.topic is not None:
        return whole, False
    if whole.best is not None and whole.runner_up is not None and whole.runner_up_score >= MIN_SCORE:
        return replace(whole, choices=(whole.best, whole.runner_up)), False  # two readings, equally strong
    if len(reading.segments) > 1 and whole.best is not None:
        # A long story, then the question: when the last segment alone answers the topic the whole message
        # leans to (its best, short of the bar or the margin), that is the question asked.
        last = _decide(_score(_Where.of(reading, *reading.segments[-1])))
        if last.topic is whole.best:
            return replace(whole, topic=last.topic), False
    if not reading.negated:
        return whole, True
    unnegated = _unnegated(where)
    declined = tuple(t for t in MENU if unnegated[t] >= MIN_SCORE and scored[t].score < MIN_SCORE)
    return (replace(whole, declined=declined) if declined else whole), True


# Words that make a segment a request of its own (« … et comment créer un compte pour mon collègue ? »).
ASKING = frozenset(
    {
        "comment", "ou", "quoi", "quel", "quelle", "quels", "quelles", "faut", "peut", "peux", "pouvez",
        "possible", "procedure", "demarche", "etapes", "aussi", "egalement", "autre", "ailleurs", "sinon",
        "voudrais", "veux", "souhaite", "souhaiterais", "aimerais", "besoin", "aide", "aidez", "expliquer",
    }
)  # fmt: skip


def _declined(reading: Reading) -> frozenset[Topic]:
    """The topics a negation took away: the words it covers weigh ``MIN_SCORE`` or more for them (« je ne suis
    pas sous-traitant », « je ne cherche ni à ouvrir de compte… »)."""
    if not reading.negated:
        return frozenset()
    where = index(reading.words, sorted(reading.negated), reading.places)
    weights = dict.fromkeys(MODEL, 0.0)
    for i in _candidates(where):
        topic, cue = _CUES[i]
        if cue.weight > 0 and not cue.reads_negations and cue_matches(cue, where):
            weights[topic] += cue.weight
    return frozenset(topic for topic, weight in weights.items() if weight >= MIN_SCORE)


def _kept(asked: list[Topic], asking: Mapping[Topic, bool], whole: Topic, declined: frozenset[Topic]) -> list[Topic]:
    """The topics of a message's segments that are questions of their own, when the whole message answers one of
    them: not a topic the user declined elsewhere in it (« je ne suis pas sous-traitant, je suis titulaire, je
    voudrais un agent »), and not the sign-up named by a message about its link (« le lien n'est plus valide,
    recommencez votre inscription »: who has a link has an account to activate) unless that segment asks."""
    kept = [topic for topic in asked if topic is whole or topic not in declined]
    if whole is Topic.ACTIVATION_LINK and Topic.CREATE_ACCOUNT in kept and not asking[Topic.CREATE_ACCOUNT]:
        kept.remove(Topic.CREATE_ACCOUNT)
    return kept


_NOT_NEGATING = NEGATION_WORDS | {"ne", "n", "inutile"}


def negates(reading: Reading) -> bool:
    """Whether a message has a negation word (« pas », « ne », « sans », « inutile »…): the neighbours never
    read such a message, whose meaning a word's absence can turn over."""
    return not _NOT_NEGATING.isdisjoint(reading.words)


def understand(
    text: str | None,
    neighbours: faq_neighbours.Memory | None = None,
    threshold: float = faq_neighbours.THRESHOLD,
    agreement: float = faq_neighbours.AGREEMENT,
    k: int = faq_neighbours.K,
) -> Understanding:
    """The topic of a user's message, the topics to offer when it asks several things or two fit as well,
    or no topic when the model is unsure (see the module's docstring). Where the cues answer no topic (and
    the message does not ask several things), the nearest development phrasings are asked for a second
    opinion (``faq_neighbours``; ``neighbours`` replaces their memory, for cross-validation): their topic is
    the answer when they agree on it and the message has no negation."""
    reading = read(text)
    result, askable = _by_cues(reading)
    if not askable or len(reading.words) < faq_neighbours.MIN_WORDS or negates(reading):
        return result  # a message with a negation is the cues' alone: they read its scope, the neighbours do not
    guess = (neighbours or faq_neighbours.memory()).guess(reading.words, threshold, agreement, k)
    if not guess.sure:
        return result
    return replace(result, topic=Topic(guess.label), evidence=(f"neighbours {guess.similarity:.2f}",))


def says_manager_left(text: str | None) -> bool:
    """Whether the message says the principal manager is gone (left, retired…), not merely that the role
    should move: only then is the support's ticket offered (seed 002, n° 4)."""
    where = _Where.of(read(text))
    return any(where.matches(cue) for cue in GONE) and not any(where.matches(cue) for cue in STILL_THERE)
