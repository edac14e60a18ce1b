"""The assistant's understanding of free text: which of its topics a user's message is about, or none.

A *lexical model* over normalised French, pure Python, so it runs inside Lambda with no network, no
model file and no heavy dependency, and every answer can be explained by the cues that fired.

How a message is read
---------------------
1. ``listing.fold`` (the project's normalisation, reused): lower case, no accents, ligatures spelled
   out, punctuation as spaces. « Pouvez-vous m'envoyer l'e-mail ? » → ``pouvez vous m envoyer l e mail``.
2. SMS spelling is spelled out word by word (``SMS``): « jai » → « j ai », « cmt » → « comment »,
   « pa » → « pas », « g » → « j ai »… Only the first ``MAX_TOKENS`` words are read: a question to an
   assistant is short, and a 5,000-character paste must not cost more than a question.
3. Each topic has weighted *cues* (``MODEL``). A cue is one word or a short phrase of words in order,
   with at most ``window`` other words between two of its words. A word of a cue is written as
   ``word`` (that word), ``stem*`` (any word starting with it: ``factur*`` matches « facture »,
   « factures », « facturation ») or alternatives ``a|b*|c``. Conjugations (« renvoie », « renvoyez »,
   « renvoyer »), and so tutoiement and vouvoiement alike, are stems.
4. Typos: a word matches a cue word it is not equal to when their restricted Damerau-Levenshtein
   distance (optimal string alignment: insertion, deletion, substitution, swap of two neighbours) is at
   most 1 for a cue word of 5 to 8 letters and 2 for 9 letters or more; for a stem, the distance is taken
   between the stem and the word's start of the stem's length (± 1). Cue words and stems of 4 letters or
   fewer tolerate no typo, and a typo keeps the first letter (or swaps the first two), as spell checkers
   assume. A word the model knows as itself (a cue word, or one of ``NOT_TYPOS`` like « argent », which
   is not a misspelt « agent ») is never read as a typo of another.
5. A topic's score is the sum of the weights of its cues present in the message (each cue once);
   *negative* cues (negative weights) tell close topics apart: « activer mon compte » is the activation
   link, « activer ma structure » the structure procedure, because « structure » weighs against the
   former and « compte », « lien », « mail » against the latter.
6. Decision: the best topic is the answer if its score reaches ``MIN_SCORE`` and leads the runner-up by
   ``MIN_MARGIN``; otherwise ``understand`` returns no topic, and the assistant says it did not
   understand and lists its topics: refusing is better than answering the wrong question.

``EXAMPLES`` are the phrasings the cues were written from (the model's development set; a unit test checks
that each is understood). The measurement set is elsewhere (tests/faq_phrasings.py) and never read here.
A Bedrock-backed matcher could later answer the same ``understand`` signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from chorus_desk import catalogue, messages
from chorus_desk.listing import fold

MAX_TOKENS = 200  # words read from a message
MIN_SCORE = 3.0  # the best topic's score must reach this…
MIN_MARGIN = 1.5  # …and lead the runner-up by this much, else no topic


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
    ),
    Topic.SUBCONTRACTING: FollowUpSpec(FollowUp.NONE),
    Topic.STRUCTURE_PROCEDURE: FollowUpSpec(FollowUp.START_STRUCTURE_PROCEDURE),
    Topic.HUMAN_AGENT: FollowUpSpec(FollowUp.CONTACT_AGENT),
}
for _spec in FOLLOW_UPS.values():  # a ticket offered must be of a pair the catalogue knows
    if _spec.kind is FollowUp.OFFER_TICKET and catalogue.find(_spec.category, _spec.subcategory) is None:
        raise ValueError(f"unknown catalogue pair {_spec.category} / {_spec.subcategory}")

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

    @property
    def terms(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(term.split("|")) for term in self.pattern.split())


def _cues(*specs: tuple[str, float] | tuple[str, float, int]) -> tuple[Cue, ...]:
    return tuple(Cue(*spec) for spec in specs)


# Words that often sit in a question (« pas », « jamais »…), shared by several cues.
_NOT = "pas|jamais|rien|aucun|aucune|toujours|plus|ni"
_MAIL = "mail|mails|email|emails|mel|courriel*|message|messages"
_ACTIVATE = "activ*|inactiv*|desactiv*|reactiv*"

MODEL: Mapping[Topic, tuple[Cue, ...]] = {
    Topic.CREATE_ACCOUNT: _cues(
        ("creer|cree|creee|crees|creez|creation|ouvrir|ouverture|obtenir compte|comptes", 3.0),
        ("inscri*", 3.0),  # inscrire, inscription, inscrit
        ("enregistr*", 2.0),
        ("m|me|s|se|nous|vous inscri*|enregistr*", 1.0, 0),  # oneself: signing up, not saving something
        ("compte|comptes", 1.0),
        ("pas|aucun|jamais|sans compte", 2.5, 2),  # « je n'ai pas de compte »: one must be created
        ("nouveau|nouvelle|nouvel", 1.0),
        (
            "nouveau|nouvelle|nouvel sur|utilisateur|utilisatrice|client|fournisseur",
            2.0,
            0,
        ),  # « nouveau sur Chorus Pro ? »
        ("identifiant*", 1.0),
        ("obten*|obtien*|avoir|recevoir|demander identifiant*|acces", 2.0, 2),
        ("acces|acceder", 0.5),
        ("rattach*", 1.5),
        ("fournisseur|entreprise", 0.5),
        # what the other topics are about
        ("lien|activation|spam*|recu|renvo*", -2.0),
        ("suis|etais inscrit*", -1.5, 0),  # already signed up: the link, not the account
        ("espace|espaces|fonctionnalit*|abonn*", -2.0),
        ("gestionnaire", -1.5),
        ("structure", -1.0),
    ),
    Topic.ACTIVATION_LINK: _cues(
        ("lien|liens", 2.0),
        ("activation", 2.0),
        ("activ*", 1.0),
        ("activ*|valid*|finalis*|confirm* compte|inscription|acces|inscrip*", 2.5),
        ("compte|inscription active|activee|valide|validee|confirme", 2.0),
        (_MAIL, 1.5),
        ("renvo*|reenvo*|relanc*|reexpedi*", 2.0),
        (f"{_NOT} recu|recus|recue|recoi*|recev*|arrive*|eu|trouve", 2.0),
        ("recu|recoi*|arriv*", 0.5),
        ("introuvable|perdu|egare", 1.5),
        ("trouv*", 0.5),
        ("spam*|indesirable*", 2.0),
        ("expir*|perime", 1.5),
        ("confirm*", 1.0),
        # activating a structure, not an account; money not received is not a mail
        ("structure|structures|etablissement|siret", -2.5),
        ("paiement*|paye|payee|payes|argent|virement*|reglement*|factur*|avoir|avoirs", -2.5),
        ("espace|espaces|fonctionnalit*", -2.0),
    ),
    Topic.ADD_SPACES: _cues(
        ("espace|espaces", 3.0),
        ("abonn*", 2.5),
        ("fonctionnalit*", 2.5),
        ("ajout*|rajout*", 1.0),
        ("ajout*|rajout*|ouvr*|activ*|acces|avoir espace|espaces|fonctionnalit*", 1.0),
        ("menu|onglet|onglets|module|modules", 1.0),
        ("manqu*", 0.5),
        ("manqu*|vois|voit|trouve|apparai* onglet|onglets|menu|module|modules|espace|espaces", 1.5),
    ),
    Topic.MANAGER_LEFT: _cues(
        ("gestionnaire|gestionnaires", 2.5),
        ("principal|principale", 1.0),
        ("gestionnaire principal|principale", 1.0, 0),
        ("admin|administrateur*", 2.0),
        (
            "parti|partie|partis|partit|quitt*|depart|demission*|retraite|decede*|deces|licencie*|mute|mutation|"
            "absent*|ancien|ancienne|precedent|precedente",
            2.0,
        ),
        ("plus dans|la|partie|chez|present*|ici", 1.5, 1),  # « n'est plus dans l'entreprise »
        ("transf*", 1.5),
        ("role|roles|droit|droits", 1.5),
        ("remplac*|nomm*|design*|devenir|changement|changer", 1.0),
        ("nouveau|nouvel|autre gestionnaire", 1.5),
        ("personne", 0.5),
        # an account or a structure that changes state is another topic
        ("inactiv*|desactiv*|reactiv*", -2.0),
        ("espace|espaces|abonn*", -1.5),
        ("factur*", -1.0),
    ),
    Topic.SUBCONTRACTING: _cues(
        ("traitan*|soustraitan*|cotraitan*", 3.5),  # sous-traitant(s), co-traitance…
        ("sous|co traitan*", 1.0, 0),
        ("titulaire", 2.0),
        ("titulaire|mandataire marche|groupement", 1.0, 1),  # « le titulaire du marché »
        ("mandataire", 2.0),
        ("groupement", 2.5),
        ("paiement direct", 2.0, 0),
        ("marche|marches", 0.5),
        ("factur*", 0.5),
    ),
    Topic.STRUCTURE_PROCEDURE: _cues(
        ("structure|structures", 2.0),
        ("inactiv*|desactiv*|reactiv*", 2.5),
        (f"{_ACTIVATE}|ferm* structure|structures|siret|etablissement|collectivit*|entite", 2.5),
        (f"structure|structures|siret|etablissement {_ACTIVATE}", 1.5),
        ("siret", 1.0),
        ("etablissement", 1.0),
        ("publique|public", 0.5),
        ("fusion*", 1.5),
        ("ferm*", 0.5),
        ("reprend*|reprise|reprenant", 1.0),
        # an account, a mail or a space is not a structure
        ("compte|comptes", -1.5),
        (f"lien|liens|{_MAIL}", -1.5),
        ("espace|espaces|abonn*", -2.0),
        ("gestionnaire", -1.0),
    ),
    Topic.HUMAN_AGENT: _cues(
        (
            "conseiller|conseillere|conseillers|agent|agents|operateur|operatrice|humain|humaine|interlocut*|"
            "technicien*|hotline|standard",
            3.0,
        ),
        ("vrai|vraie|reelle|reel personne|quelqu", 2.0, 1),
        ("quelqu", 1.0),
        ("parl*|discut*|joindr*|contact*|appel*|echang*", 1.5),
        ("relation", 1.5),
        ("mis|mise|mettre|mettez|mets|met en relation", 1.0, 1),
        ("telephon*|tel", 2.0),
        ("robot|bot|machine|ia", 1.5),
        ("support|assistance", 1.0),
        ("contact*|joindr*|appel*|parl* support|assistance|hotline", 1.0, 2),
        ("numero|numeros telephon*", 1.0, 1),
        ("parl*|discut*|echang* a|avec un|une|quelqu|personne|humain", 1.0),
        ("agent|agents comptable|comptables", -3.0, 0),  # the public accountant, not a support agent
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
        "renvoyer le lien d activation",
        "je n ai pas recu le mail d activation",
        "mon lien d activation a expire",
        "le mail de confirmation n est jamais arrive",
        "je ne trouve pas le mail meme dans mes spams",
        "je n arrive pas a activer mon compte",
    ),
    Topic.ADD_SPACES: (
        "comment ajouter un espace",
        "comment ajouter des espaces a mon compte",
        "je n ai pas l espace factures recues",
        "comment m abonner a un espace",
        "ajouter des fonctionnalites a mon compte",
        "il manque un onglet dans mon menu",
    ),
    Topic.MANAGER_LEFT: (
        "le gestionnaire principal est parti",
        "transferer mon role de gestionnaire principal a un collegue",
        "notre gestionnaire a quitte l entreprise",
        "nommer un nouveau gestionnaire principal",
        "l administrateur de notre compte n est plus la",
        "changer de gestionnaire principal",
    ),
    Topic.SUBCONTRACTING: (
        "envoyer une facture de sous traitance",
        "quel est le processus pour les factures de sous traitance et co traitance",
        "je suis sous traitant comment deposer ma facture",
        "validation de la facture par le titulaire du marche",
        "le mandataire du groupement doit valider",
        "paiement direct du sous traitant",
    ),
    Topic.STRUCTURE_PROCEDURE: (
        "je veux activer ma structure",
        "je souhaite inactiver ma structure",
        "desactiver une structure publique",
        "reactiver notre etablissement",
        "fermer un siret dans chorus pro",
        "la structure reprenant l activite",
    ),
    Topic.HUMAN_AGENT: (
        "je voudrais parler a un conseiller du support",
        "je veux parler a un agent",
        "je veux parler a un humain",
        "contacter le support",
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
    "quelquun": ("quelqu", "un"),
    "tel": ("telephone",),
}

# Real words near a cue word: never read as its typo (« argent » is not « agent »).
NOT_TYPOS = frozenset({"argent", "parent", "urgent", "partir", "partage", "comptable", "compta", "esperer", "espece"})


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


_ALL_TERMS: frozenset[str] = frozenset(
    alternative for cues in MODEL.values() for cue in cues for term in cue.terms for alternative in term
)
_EXACT_WORDS = frozenset(t for t in _ALL_TERMS if not t.endswith("*"))
_STEMS = tuple(t[:-1] for t in _ALL_TERMS if t.endswith("*"))


@lru_cache(maxsize=8192)  # bounded: a warm container reads any text its users type
def _is_known(word: str) -> bool:
    return word in _EXACT_WORDS or word in NOT_TYPOS or word.startswith(_STEMS)


def _same_start(a: str, b: str) -> bool:
    """A typo keeps the first letter, or swaps the first two (the usual spell-checker assumption, which
    also spares most distance computations)."""
    return a[:1] == b[:1] or a[:2] == b[1::-1]


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
    if word == term:
        return True
    allowed = typo_allowance(term)
    return (
        bool(allowed)
        and _same_start(word, term)
        and not _is_known(word)
        and osa_distance(word, term, allowed) <= allowed
    )


def tokens(text: str | None) -> tuple[str, ...]:
    """The words the model reads: folded (``listing.fold``), SMS spelt out, at most ``MAX_TOKENS``."""
    words: list[str] = []
    for word in fold((text or "")[: MAX_TOKENS * 30]).split():
        words.extend(SMS.get(word, (word,)))
        if len(words) >= MAX_TOKENS:
            break
    return tuple(words[:MAX_TOKENS])


_BY_LETTER: Mapping[str, tuple[str, ...]] = {
    letter: tuple(sorted(t for t in _ALL_TERMS if t[:1] == letter)) for letter in {t[:1] for t in _ALL_TERMS}
}


@lru_cache(maxsize=8192)
def matched_terms(word: str) -> frozenset[str]:
    """Every cue word (``word`` or ``stem*``) a folded word matches: only those sharing its first or second
    letter can (``_same_start``)."""
    candidates = {*_BY_LETTER.get(word[:1], ()), *_BY_LETTER.get(word[1:2], ())}
    return frozenset(term for term in candidates if term_matches(term, word))


Index = Mapping[str, tuple[int, ...]]  # cue word → the positions of the message's words it matches


def index(words: tuple[str, ...]) -> Index:
    found: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        for term in matched_terms(word):
            found.setdefault(term, []).append(position)
    return {term: tuple(positions) for term, positions in found.items()}


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


def scores(text: str | None) -> dict[Topic, tuple[float, tuple[str, ...]]]:
    """Every topic's score and the cues that matched (negative ones included)."""
    where = index(tokens(text))
    result: dict[Topic, tuple[float, tuple[str, ...]]] = {}
    for topic, cues in MODEL.items():
        matched = [cue for cue in cues if cue_matches(cue, where)]
        result[topic] = (sum(cue.weight for cue in matched), tuple(cue.pattern for cue in matched))
    return result


def understand(text: str | None) -> Understanding:
    """The topic of a user's message, or no topic when the model is unsure (see the module's docstring)."""
    ranked = sorted(scores(text).items(), key=lambda item: item[1][0], reverse=True)
    (best, (score, evidence)), (runner_up, (runner_score, _)) = ranked[0], ranked[1]
    if score <= 0:
        return Understanding(None, 0.0, None, 0.0, None, 0.0, ())
    runner_score = max(runner_score, 0.0)
    confidence = round(score / (score + runner_score + 1.0), 3)
    answered = score >= MIN_SCORE and score - runner_score >= MIN_MARGIN
    return Understanding(
        topic=best if answered else None,
        confidence=confidence,
        best=best,
        score=score,
        runner_up=runner_up if runner_score > 0 else None,
        runner_up_score=runner_score,
        evidence=tuple(pattern for pattern in evidence if pattern),
    )
