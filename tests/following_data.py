"""The seeded world of the following tests (tests/test_following.py): a few thousand tickets across twenty
structures and two teams, in every status, built deterministically from a seed.

The world starts from the tests' own world (tests/fixtures.py: its eight structures, two teams and twelve
users, who are the ones the tests call the API as) and adds twelve structures of its own (valid SIRETs,
public ones with services), users with memberships (some in several structures, some managers, more agents
of the technical support), and a few extra memberships of the tests' users (Paul, Victor and Hugo follow
more organisations here). Nothing comes from the local stack's demo data.

Tickets are built as stored ``Ticket`` objects with a plausible history (the use cases can act on them):
titles and descriptions with accents, ligatures and mixed case (« Électricité », « Eau », « Fournitures »,
« œuvre », « Île »), every category / sub-category pair of the catalogue routed by its rule, object numbers
(several tickets about one invoice, spelt in either case), opening dates over ten months with instants at
the edges of Paris days (midnight, 23:59:59.999999, the days clocks change, equal instants), assignees,
recipient services or none (and codes a structure no longer has), anonymous tickets, and drafts with and
without a structure (some without title or category).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chorus_desk import catalogue
from chorus_desk.catalogue import JUSTICE_FEE_OFFICE_ID, SUPPORT_TEAM_ID, RoutingRule, SubCategory
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import (
    Emitter,
    HistoryEntry,
    Membership,
    ObjectType,
    OrgKind,
    OrgRef,
    Person,
    Recipient,
    Role,
    Service,
    Structure,
    Team,
    Ticket,
    TicketContent,
    UserProfile,
)
from chorus_desk.ports import Ports
from chorus_desk.siret import is_valid_siret
from tests import fixtures
from tests.fixtures import CH_VIENNE, DDFIP, DUPONT, GREL, MARTIN, NAMES, SAINT_LEGER, SCFJ, USER_IDS

PARIS = ZoneInfo("Europe/Paris")
SEED = 20261125
MEMORY_TICKETS = 3000
DYNAMO_TICKETS = 500  # moto answers a Query item by item: half a millisecond each, see test_following
FIRST_DAY = date(2025, 9, 1)
DAYS = 303  # to 2026-06-30
CLOCK_CHANGES = (date(2025, 10, 26), date(2026, 3, 29))
RARE_WORD = "zygomatique"  # in a few descriptions only: a very selective search


# ------------------------------------------------------------------------------------------ SIRETs
def _luhn_completed(digits: str) -> str:
    """``digits`` followed by the digit that makes the whole Luhn-valid."""
    for last in "0123456789":
        candidate = digits + last
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError(digits)


def make_siret(base: int, establishment: int) -> str:
    siret = _luhn_completed(_luhn_completed(f"{base:08d}") + f"{establishment:04d}")
    assert is_valid_siret(siret), siret
    return siret


# ------------------------------------------------------------------------------------ organisations
# key: (designation, public, services)
_OWN_STRUCTURES: dict[str, tuple[str, bool, tuple[tuple[str, str], ...]]] = {
    "morel": ("Électricité Morel et Fils", False, (("CHANTIERS", "Chantiers"), ("ADMIN", "Administration"))),
    "ilot": ("Fournitures de l'Île", False, ()),
    "oeuvres": ("Œuvres et Patrimoine", False, (("ATELIER", "Atelier de restauration"),)),
    "eaux_vives": ("Eaux Vives Conseil", False, ()),
    "eclair": ("Transports Éclair", False, (("EXPLOITATION", "Exploitation"), ("FACTURATION", "Facturation"))),
    "zoe": ("Zoé Graphisme", False, ()),
    "hopital": ("Hôpital de l'Île Verte", True, (("ACHATS", "Achats"), ("PHARMACIE", "Pharmacie"))),
    "lycee": ("Lycée Émile Zola", True, (("INTENDANCE", "Intendance"),)),
    "val_oeuvre": (
        "Communauté de communes du Val d'Œuvre",
        True,
        (("FINANCES", "Finances"), ("EAU", "Régie de l'eau")),
    ),
    "etang": ("Régie des eaux de l'Étang", True, ()),
    "evian": ("Mairie d'Évian", True, (("COMPTA", "Comptabilité"),)),
    "universite": ("Université de l'Essonne", True, (("RECHERCHE", "Recherche"),)),
}
OWN_SIRETS: dict[str, str] = {key: make_siret(40_512_000 + 37 * i, 11 + i) for i, key in enumerate(_OWN_STRUCTURES)}
# A service a structure no longer has, still on some tickets (the dashboard shows it by its code).
GONE_EMITTER_SERVICE = ("eclair", Service(code="ARCHIVES", name="Archives"))
GONE_RECIPIENT_SERVICE = ("evian", Service(code="ANCIEN", name="Ancien service"))

# Generated users: alias → (name, memberships as (structure key or team id, role)).
_OWN_USERS: dict[str, tuple[str, tuple[tuple[str, Role], ...]]] = {
    "amelie": ("Amélie Lefèvre", (("morel", Role.PRINCIPAL_MANAGER), ("ilot", Role.USER))),
    "benoit": ("Benoît Hénault", (("morel", Role.USER),)),
    "chloe": ("Chloé Dœuvre", (("ilot", Role.PRINCIPAL_MANAGER),)),
    "denis": ("Denis Œhlenschläger", (("oeuvres", Role.PRINCIPAL_MANAGER), ("eaux_vives", Role.SECONDARY_MANAGER))),
    "elise": ("Élise Marchand", (("eaux_vives", Role.PRINCIPAL_MANAGER),)),
    "fabien": ("Fabien Royer", (("eclair", Role.PRINCIPAL_MANAGER),)),
    "gaelle": ("Gaëlle Perrin", (("eclair", Role.USER), ("zoe", Role.USER))),
    "hector": ("Hector Zoé", (("zoe", Role.PRINCIPAL_MANAGER),)),
    "irene": ("Irène Vasseur", (("hopital", Role.PRINCIPAL_MANAGER),)),
    "jules": ("Jules Caron", (("hopital", Role.USER), ("lycee", Role.USER))),
    "karima": ("Karima Benali", (("lycee", Role.PRINCIPAL_MANAGER),)),
    "leon": ("Léon Dupuis", (("val_oeuvre", Role.PRINCIPAL_MANAGER), ("etang", Role.USER))),
    "margaux": ("Margaux Île", (("val_oeuvre", Role.USER),)),
    "noe": ("Noé Garnier", (("etang", Role.PRINCIPAL_MANAGER),)),
    "oceane": ("Océane Brun", (("evian", Role.PRINCIPAL_MANAGER),)),
    "pierre": ("Pierre Évrard", (("universite", Role.PRINCIPAL_MANAGER), ("evian", Role.USER))),
    "quentin": ("Quentin Faure", ((SUPPORT_TEAM_ID, Role.SECONDARY_MANAGER),)),
    "rose": ("Rose Aubert", ((SUPPORT_TEAM_ID, Role.USER),)),
    "samuel": ("Samuel Noël", ((SUPPORT_TEAM_ID, Role.USER),)),
    "tania": ("Tania Lemaire", ((JUSTICE_FEE_OFFICE_ID, Role.PRINCIPAL_MANAGER),)),
}
OWN_USER_IDS = {alias: f"00000000-0000-4000-9000-{i:012d}" for i, alias in enumerate(_OWN_USERS, start=1)}
# The tests' users follow more organisations in this world (they call the API).
EXTRA_MEMBERSHIPS: dict[str, tuple[tuple[str, Role], ...]] = {
    "paul": (("ilot", Role.USER),),
    "victor": (("hopital", Role.SECONDARY_MANAGER), ("lycee", Role.USER)),
    "hugo": (("val_oeuvre", Role.USER), ("evian", Role.USER)),  # Évian receives tickets for a service gone
    "nora": (("eclair", Role.USER),),  # Transports Éclair emits tickets from a service it no longer has
}

# A word per emitter structure, in some of its descriptions: what only that structure's tickets hold.
TAGS = (
    "Alpha", "Bravo", "Charlie", "Delta", "Écho", "Foxtrot", "Golf", "Hôtel", "India", "Juliett",
    "Kilo", "Lima", "Mike", "Novembre", "Oscar", "Papa", "Québec", "Roméo", "Sierra", "Tango",
)  # fmt: skip

TITLE_HEADS = (
    "Eau", "Électricité", "Fournitures", "eau", "ÉLECTRICITÉ", "electricite", "Eaux usées", "Eau-de-vie",
    "œuvre", "Œuvre d'art", "l'œuvre", "Île", "Île-de-France", "ile", "Ilot", "École", "Ecole", "ÉCOLE",
    "Facture", "facture", "FACTURE", "Relance", "Demande d'accès", "Accès refusé", "À propos du mandat",
    "Ça ne passe pas", "« Eau » potable", "(Électricité)", "- Fournitures", "Mandat", "Zinc", "Zoé", "2026",
    "Ofﬁce de l'eau", "Straße", "Cœur de ville", "Noël", "Maïs", "Éclairage public", "Ébénisterie",
)  # fmt: skip
TITLE_TAILS = (
    "", "", "", " de mars", " : relance", " – urgent", " n° 12", " bloquée", " du chantier", " (suite)",
    " Électricité", " eau", " pour l'Île", " FOURNITURES", " et œuvre",
)  # fmt: skip
DESCRIPTION_WORDS = (
    "facture", "paiement", "relevé", "compteur", "électricité", "Eau", "fournitures", "l'œuvre", "Île",
    "château", "garçon", "déjà", "Noël", "maïs", "cœur", "sœur", "naïve", "ÉTÉ", "hôpital", "cantine",
    "Ofﬁce", "rejet", "mandat", "délai", "intérêts", "pièce", "jointe", "bloqué", "merci", "Straße",
)  # fmt: skip

STATUS_WEIGHTS = {
    Status.DRAFT: 10,
    Status.OPEN: 18,
    Status.IN_PROGRESS: 18,
    Status.AWAITING_INFO: 12,
    Status.RESOLVED: 12,
    Status.CLOSED: 30,
}
# Who emits, by weight (structure keys of this module or fixture SIRETs); anonymous visitors apart.
EMITTER_WEIGHTS: dict[str, int] = {
    DUPONT: 12,
    GREL: 6,
    MARTIN: 5,
    SAINT_LEGER: 3,
    CH_VIENNE: 2,
    DDFIP: 1,
    SCFJ: 1,
    **dict.fromkeys(_OWN_STRUCTURES, 5),
}
ANONYMOUS_SHARE = 0.05
RECEIVERS = (SAINT_LEGER, CH_VIENNE, "hopital", "lycee", "val_oeuvre", "etang", "evian", "universite")


def _siret(key: str) -> str:
    return OWN_SIRETS.get(key, key)


@dataclass
class World:
    """The reference data to add to the tests' world, and the tickets."""

    structures: dict[str, Structure]  # by SIRET: every structure of the world (the fixtures' ones too)
    teams: dict[str, Team]
    users: list[UserProfile]  # generated ones (the fixtures' users are seeded by ``fixtures.seed``)
    memberships: list[tuple[str, Membership]]  # generated ones, and the extra ones of the fixtures' users
    members: dict[str, list[Person]]  # org key → its members, to pick creators and agents
    tickets: list[Ticket] = field(default_factory=list)

    def membership(self, org_id: str, role: Role) -> Membership:
        if org_id in self.teams:
            team = self.teams[org_id]
            return Membership(org=team.ref, org_name=team.name, role=role)
        structure = self.structures[_siret(org_id)]
        return Membership(org=structure.ref, org_name=structure.designation, role=role)


def _fixture_members() -> dict[str, list[Person]]:
    """The memberships of the tests' users, as their directory holds them."""
    from chorus_desk.adapters.memory import memory_ports

    ports = memory_ports()
    fixtures.seed(ports)
    members: dict[str, list[Person]] = {}
    for alias, user_id in USER_IDS.items():
        _, memberships = ports.directory.load_user(user_id)
        for m in memberships:
            members.setdefault(m.org.key, []).append(Person(id=user_id, name=NAMES[alias]))
    return members


def reference_world() -> World:
    structures = dict(fixtures.STRUCTURES)
    for key, (name, public, services) in _OWN_STRUCTURES.items():
        siret = OWN_SIRETS[key]
        structures[siret] = Structure(
            siret=siret,
            designation=name,
            public=public,
            email=f"contact@{key.replace('_', '-')}.example",
            services=tuple(Service(code=c, name=n) for c, n in services),
        )
    world = World(structures=structures, teams=dict(fixtures.TEAMS), users=[], memberships=[], members={})
    world.members = _fixture_members()
    for alias, (name, orgs) in _OWN_USERS.items():
        user_id = OWN_USER_IDS[alias]
        world.users.append(UserProfile(id=user_id, email=f"{alias}@world.example", name=name))
        for org_id, role in orgs:
            membership = world.membership(org_id, role)
            world.memberships.append((user_id, membership))
            world.members.setdefault(membership.org.key, []).append(Person(id=user_id, name=name))
    for alias, orgs in EXTRA_MEMBERSHIPS.items():
        for org_id, role in orgs:
            membership = world.membership(org_id, role)
            world.memberships.append((USER_IDS[alias], membership))
            world.members.setdefault(membership.org.key, []).append(Person(id=USER_IDS[alias], name=NAMES[alias]))
    return world


# ------------------------------------------------------------------------------------------ tickets
def _pairs() -> list[tuple[str, SubCategory]]:
    return [(c.code, s) for c in catalogue.CATALOGUE for s in c.subcategories]


PAIRS = {s.code: (c, s) for c, s in _pairs()}


@dataclass(frozen=True)
class Plan:
    """A ticket the tests need whatever the draw: its status, emitter structure, creator (an alias of the
    tests' users), sub-category and, for a pair that names one, its recipient structure."""

    status: Status
    emitter: str
    creator: str
    subcategory: str = "MANDAT_DE_FACTURATION"  # to the technical support
    recipient: str | None = None
    without_structure: bool = False  # a draft not attached to its structure yet


_QUESTION = "QUESTION_ENTITE_PUBLIQUE"
# Menuiserie Dupont's tickets to the support in each status, complete drafts, Marie's drafts without a
# structure, questions to Saint-Léger and to Victor's three structures in the statuses a walk moves.
PLANS: tuple[tuple[Plan, int], ...] = (
    (Plan(Status.OPEN, DUPONT, "marie"), 6),
    (Plan(Status.IN_PROGRESS, DUPONT, "marie"), 3),
    (Plan(Status.AWAITING_INFO, DUPONT, "marie"), 3),
    (Plan(Status.RESOLVED, DUPONT, "paul"), 3),
    (Plan(Status.DRAFT, DUPONT, "marie"), 3),
    (Plan(Status.DRAFT, DUPONT, "marie", without_structure=True), 2),
    (Plan(Status.OPEN, DUPONT, "julie", _QUESTION, SAINT_LEGER), 2),
    *((Plan(Status.OPEN, DUPONT, "marie", _QUESTION, to), 3) for to in (CH_VIENNE, "hopital", "lycee")),
    *((Plan(Status.IN_PROGRESS, GREL, "paul", _QUESTION, to), 2) for to in (CH_VIENNE, "hopital", "lycee")),
    *((Plan(Status.AWAITING_INFO, MARTIN, "nora", _QUESTION, to), 2) for to in (CH_VIENNE, "hopital", "lycee")),
)


_RULE_WEIGHTS = {
    RoutingRule.TECHNICAL_SUPPORT: 50,
    RoutingRule.FIXED_OFFICE: 7,
    RoutingRule.OBJECT_RECIPIENT: 30,
    RoutingRule.RECIPIENT_STRUCTURE: 13,
}
_OBJECT_PREFIX = {ObjectType.INVOICE: "FAC", ObjectType.TIC_REFUND: "TIC", ObjectType.JUSTICE_MEMO: "MFJ"}


class _Builder:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.pairs = _pairs()
        self.openings: list[datetime] = []

    def choice_weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def pair(self, anonymous: bool) -> tuple[str, SubCategory]:
        candidates = [(c, s) for c, s in self.pairs if not (anonymous and s.needs_recipient)]
        weights = [
            _RULE_WEIGHTS[s.routing] / sum(1 for _, t in candidates if t.routing is s.routing) for _, s in candidates
        ]
        return self.rng.choices(candidates, weights=weights)[0]

    def moment(self) -> datetime:
        """An opening instant: any time of a Paris day, often at its edges, sometimes one already used."""
        rng = self.rng
        if self.openings and rng.random() < 0.06:
            return rng.choice(self.openings)
        day = CLOCK_CHANGES[rng.randrange(2)] if rng.random() < 0.04 else FIRST_DAY + timedelta(rng.randrange(DAYS))
        if rng.random() < 0.15:
            clock = rng.choice(
                (time(0), time(23, 59, 59, 999999), time(0, 0, 0, 1), time(23, 30), time(0, 30), time(1), time(22, 59))
            )
        else:
            clock = time(rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(1_000_000))
        moment = datetime.combine(day, clock, PARIS).astimezone(UTC)
        self.openings.append(moment)
        return moment

    def shown(self, moment: datetime) -> datetime:
        """The instant as stored: in UTC or with Paris's offset (both happen)."""
        return moment if self.rng.random() < 0.5 else moment.astimezone(PARIS)

    def title(self, number: int) -> str | None:
        rng = self.rng
        if number % 41 == 0:
            return rng.choice(("Eau", "Électricité", "Fournitures"))  # the three of the issue, exactly
        return rng.choice(TITLE_HEADS) + rng.choice(TITLE_TAILS)

    def description(self, number: int, tag: str | None) -> str:
        rng = self.rng
        words = [rng.choice(DESCRIPTION_WORDS) for _ in range(rng.randrange(3, 9))]
        text = "Bonjour, " + " ".join(words) + "."
        if tag and rng.random() < 0.5:
            text += f" Dossier {tag}."
        if number % 53 == 0:
            text += f" Mot rare : {RARE_WORD}."
        return text

    def recipient(
        self, sub: SubCategory, emitter: str | None, chosen: str | None = None
    ) -> tuple[Recipient, dict[str, object]]:
        """Where the pair's rule sends the ticket (``chosen``: the structure a planned ticket names), and the
        routing fields of its content."""
        rng = self.rng
        if sub.routing is RoutingRule.TECHNICAL_SUPPORT or sub.routing is RoutingRule.FIXED_OFFICE:
            team = self.world.teams[sub.team or SUPPORT_TEAM_ID]
            return Recipient(org=team.ref, name=team.name), {}
        if chosen:
            siret = _siret(chosen)
        elif sub.routing is RoutingRule.RECIPIENT_STRUCTURE:
            key = emitter if emitter and rng.random() < 0.05 and self.world.structures[emitter].public else None
            siret = key or _siret(rng.choice(RECEIVERS))
        elif sub.object_type is ObjectType.TIC_REFUND:
            siret = DDFIP
        elif sub.object_type is ObjectType.JUSTICE_MEMO:
            siret = SCFJ
        else:
            siret = _siret(rng.choice(RECEIVERS))
        structure = self.world.structures[siret]
        service = rng.choice((None, *structure.services)) if structure.services else None
        if siret == OWN_SIRETS[GONE_RECIPIENT_SERVICE[0]] and rng.random() < 0.2:
            service = GONE_RECIPIENT_SERVICE[1]
        routing: dict[str, object]
        if sub.routing is RoutingRule.RECIPIENT_STRUCTURE:
            routing = {"recipient_is_state_service": False, "recipient_siret": siret}
            if service:
                routing["recipient_service"] = service.code
        else:
            assert sub.object_type is not None
            number = f"{_OBJECT_PREFIX[sub.object_type]}-2026-{rng.randrange(1, 300):04d}"
            routing = {
                "object_type": sub.object_type,
                "object_number": number.lower() if rng.random() < 0.2 else number,
            }
        recipient = Recipient(
            org=structure.ref,
            name=structure.designation,
            service=service,
            is_state_service=False if sub.routing is RoutingRule.RECIPIENT_STRUCTURE else None,
        )
        return recipient, routing

    def ticket(self, number: int, plan: Plan | None = None) -> Ticket:
        """A ticket drawn at random, or as ``plan`` says (its other fields drawn)."""
        rng, world = self.rng, self.world
        status = plan.status if plan else Status(self.choice_weighted({s.value: w for s, w in STATUS_WEIGHTS.items()}))
        anonymous = plan is None and status is not Status.DRAFT and rng.random() < ANONYMOUS_SHARE
        emitter_siret: str | None = None
        emitter: Emitter | None = None
        content: dict[str, object] = {}
        if anonymous:
            email = f"visiteur.{number}@exemple.fr"
            creator = Person(id=f"anonymous:{email}", name=email)
            content["contact_email"] = email
            tag = None
        else:
            emitter_key = plan.emitter if plan else self.choice_weighted(EMITTER_WEIGHTS)
            structure = world.structures[_siret(emitter_key)]
            creator = rng.choice(world.members[structure.ref.key])
            if plan:
                creator = Person(id=USER_IDS[plan.creator], name=NAMES[plan.creator])
            tag = TAGS[list(EMITTER_WEIGHTS).index(emitter_key)]
            if plan.without_structure if plan else status is Status.DRAFT and rng.random() < 0.3:
                tag = None  # a draft not attached to a structure yet: its creator's only
            else:
                emitter_siret = structure.siret
                service = rng.choice((None, *structure.services)) if structure.services else None
                if emitter_key == GONE_EMITTER_SERVICE[0] and rng.random() < 0.25:
                    service = GONE_EMITTER_SERVICE[1]
                emitter = Emitter(siret=structure.siret, designation=structure.designation, service=service)
                content.update(
                    emitter_siret=structure.siret,
                    emitter_service=service.code if service else None,
                    contact_email=structure.email,
                )
        category, sub = self.pair(anonymous) if plan is None else PAIRS[plan.subcategory]
        content.update(category=category, subcategory=sub.code)
        content.update(title=self.title(number), description=self.description(number, tag))
        recipient, routing = self.recipient(sub, emitter_siret, plan.recipient if plan else None)
        content.update(routing)
        if status is Status.DRAFT and plan is None:
            roll = rng.random()
            if roll < 0.12:
                content.update(category=None, subcategory=None)
                content.update(dict.fromkeys(catalogue.ROUTING_FIELDS))
            elif roll < 0.2:
                content["subcategory"] = None
                content.update(dict.fromkeys(catalogue.ROUTING_FIELDS))
            if rng.random() < 0.15:
                content["title"] = None
        opened = self.moment()
        ticket = Ticket(
            number=number,
            status=Status.DRAFT,
            version=1,
            created_at=opened,
            updated_at=opened,
            created_by=creator,
            anonymous=anonymous,
            content=TicketContent.model_validate(content),
            emitter=emitter,
        )
        return self.lived(ticket, status, recipient, opened)

    def lived(self, ticket: Ticket, status: Status, recipient: Recipient, opened: datetime) -> Ticket:
        """The ticket brought to ``status`` by a history that could have happened: created (and submitted at
        ``opened``), then the recipient's and the emitter's actions, one after the other."""
        rng = self.rng
        creator = ticket.created_by
        agents = self.world.members.get(recipient.org.key) or []
        history: list[HistoryEntry] = []
        state: dict[str, object] = {"assignee": None}
        clock = opened

        def step(
            action: Action,
            side: Side,
            to: Status,
            actor: Person,
            comment: str | None = None,
            assignee: Person | None = None,
        ) -> None:
            nonlocal clock
            clock = clock + timedelta(minutes=rng.randrange(1, 4000), microseconds=rng.randrange(1_000_000))
            before = history[-1].to_status if history else None
            history.append(
                HistoryEntry(
                    seq=len(history) + 1,
                    at=clock,
                    actor=actor,
                    side=side,
                    action=action,
                    from_status=before,
                    to_status=to,
                    comment=comment,
                    assignee=assignee,
                )
            )

        if status is Status.DRAFT:
            history.append(
                HistoryEntry(
                    seq=1, at=opened, actor=creator, side=Side.EMITTER, action=Action.CREATE_DRAFT, to_status=status
                )
            )
            return ticket.model_copy(update={"history": tuple(history), "version": 1})
        created = opened
        if not ticket.anonymous and rng.random() < 0.3:
            created = opened - timedelta(hours=rng.randrange(1, 72))
            history.append(
                HistoryEntry(
                    seq=1,
                    at=created,
                    actor=creator,
                    side=Side.EMITTER,
                    action=Action.CREATE_DRAFT,
                    to_status=Status.DRAFT,
                )
            )
            history.append(
                HistoryEntry(
                    seq=2,
                    at=opened,
                    actor=creator,
                    side=Side.EMITTER,
                    action=Action.SUBMIT,
                    from_status=Status.DRAFT,
                    to_status=Status.OPEN,
                )
            )
        else:
            history.append(
                HistoryEntry(
                    seq=1,
                    at=opened,
                    actor=creator,
                    side=Side.EMITTER,
                    action=Action.CREATE_AND_SUBMIT,
                    to_status=Status.OPEN,
                )
            )

        def take(action: Action = Action.TAKE_IN_CHARGE) -> None:
            agent = rng.choice(agents)
            state["assignee"] = agent
            if action is Action.TAKE_IN_CHARGE:
                step(action, Side.RECIPIENT, Status.IN_PROGRESS, agent, assignee=agent)
            else:
                step(action, Side.RECIPIENT, history[-1].to_status, rng.choice(agents), assignee=agent)

        def actor() -> Person:
            assignee = state["assignee"]
            return assignee if isinstance(assignee, Person) else rng.choice(agents)

        taken = rng.random() < 0.6
        if status is Status.OPEN:
            roll = rng.random()
            if roll < 0.2:
                take(Action.ASSIGN)
            elif roll < 0.35:
                take()
                step(Action.REQUEST_INFORMATION, Side.RECIPIENT, Status.AWAITING_INFO, actor(), comment="Précisez ?")
                step(Action.PROVIDE_INFORMATION, Side.EMITTER, Status.OPEN, creator, comment="Voici l'œuvre.")
        elif status is Status.IN_PROGRESS:
            take()
        elif status is Status.AWAITING_INFO:
            if taken:
                take()
            step(Action.REQUEST_INFORMATION, Side.RECIPIENT, Status.AWAITING_INFO, actor(), comment="Quel numéro ?")
        elif status in (Status.RESOLVED, Status.CLOSED):
            if rng.random() < 0.12 and status is Status.CLOSED:
                step(Action.CLOSE, Side.EMITTER, Status.CLOSED, creator, comment="Réglé entre-temps.")
            else:
                if taken:
                    take()
                step(Action.ANSWER, Side.RECIPIENT, Status.RESOLVED, actor(), comment="Voici la solution.")
                if status is Status.CLOSED:
                    step(Action.ACCEPT_SOLUTION, Side.EMITTER, Status.CLOSED, creator)
        assignee = state["assignee"]
        last = history[-1].at
        return ticket.model_copy(
            update={
                "status": status,
                "version": len(history),
                "created_at": self.shown(created),
                "submitted_at": self.shown(opened),
                "updated_at": last,
                "closed_at": last if status is Status.CLOSED else None,
                "recipient": recipient,
                "assignee": assignee if isinstance(assignee, Person) else None,
                "history": tuple(history),
            }
        )


def build(count: int, seed: int = SEED) -> World:
    """The world with ``count`` tickets numbered from 1, the planned ones first (same seed: same world)."""
    world = reference_world()
    builder = _Builder(world, random.Random(seed))  # noqa: S311 (reproducible test data)
    plans = [plan for plan, times in PLANS for _ in range(times)]
    world.tickets = [builder.ticket(n, plan) for n, plan in enumerate(plans, start=1)]
    world.tickets += [builder.ticket(n) for n in range(len(plans) + 1, count + 1)]
    return world


def more_tickets(world: World, count: int, first_number: int, seed: int) -> list[Ticket]:
    """More tickets of the same world (another seed), numbered from ``first_number``."""
    builder = _Builder(world, random.Random(seed))  # noqa: S311 (reproducible test data)
    return [builder.ticket(n) for n in range(first_number, first_number + count)]


def load(ports: Ports, world: World) -> None:
    """The tests' world, this world's reference data, then its tickets (by batches)."""
    fixtures.seed(ports)
    ports.reference.put_reference_data(
        structures=[s for siret, s in world.structures.items() if siret not in fixtures.STRUCTURES],
        users=world.users,
        memberships=world.memberships,
    )
    ports.reference.import_tickets(world.tickets)


def org_key(kind: OrgKind, ident: str) -> str:
    return OrgRef(kind=kind, id=ident).key


def chunks(items: list[Ticket], size: int) -> Iterator[list[Ticket]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
