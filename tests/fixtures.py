"""The tests' own world: structures, teams, payment requests, users and memberships.

Tests take their expected values from here, never from the local stack's demo data
(local_stack/demo.py), so the demo can change without changing what the tests mean.
"""

from __future__ import annotations

from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.catalogue import JUSTICE_FEE_OFFICE_ID, SUPPORT_TEAM_ID
from chorus_desk.commands import ContentChanges, CreateTicket
from chorus_desk.models import (
    Membership,
    ObjectType,
    OrgKind,
    OrgRef,
    PaymentRequest,
    PaymentState,
    Role,
    Service,
    Structure,
    Team,
    TicketContent,
    UserProfile,
)
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from chorus_desk.usecases.account import signed_in_user

DUPONT, GREL, MARTIN = "53453679200011", "41234567000019", "80123456800013"
SAINT_LEGER, CH_VIENNE, DDFIP = "21769001500011", "21350002800013", "13000004500018"
INACTIVE, SCFJ = "73214569300014", "11000200300017"

# siret: (designation, public, active, e-mail, services)
_STRUCTURES: dict[str, tuple[str, bool, bool, str | None, tuple[tuple[str, str], ...]]] = {
    DUPONT: (
        "Menuiserie Dupont",
        False,
        True,
        "contact@menuiserie-dupont.example",
        (("ATELIER", "Atelier"), ("COMPTA", "Comptabilité fournisseurs")),
    ),
    GREL: ("Les Loges du Grel", False, True, "accueil@loges-grel.example", ()),
    MARTIN: ("Boulangerie Martin", False, True, "bonjour@boulangerie-martin.example", ()),
    SAINT_LEGER: (
        "Commune de Saint-Léger",
        True,
        True,
        "mairie@saint-leger.example",
        (("FINANCES", "Service des finances"), ("TECHNIQUE", "Services techniques")),
    ),
    CH_VIENNE: (
        "Centre hospitalier de Vienne",
        True,
        True,
        "achats@ch-vienne.example",
        (("ACHATS", "Direction des achats"),),
    ),
    DDFIP: ("DDFiP du Rhône", True, True, "ddfip69@dgfip.example", (("TIC", "Pôle remboursements TIC"),)),
    INACTIVE: ("Ancienne régie des eaux", True, False, None, ()),
    SCFJ: (
        "Ministère de la Justice – Service centralisateur des frais de justice",
        True,
        True,
        "scfj@justice.example",
        (),
    ),
}
# siret: (postcode, town) — the address the directory finds a structure by (GET /structures)
ADDRESSES: dict[str, tuple[str, str]] = {
    DUPONT: ("69007", "Lyon"),
    GREL: ("73000", "Chambéry"),
    SAINT_LEGER: ("76160", "Saint-Léger-du-Bourg-Denis"),
    CH_VIENNE: ("38200", "Vienne"),
    DDFIP: ("69003", "Lyon"),
    INACTIVE: ("73000", "Chambéry"),
    SCFJ: ("75001", "Paris"),
}
STRUCTURES = {
    siret: Structure(
        siret=siret,
        designation=name,
        public=public,
        active=active,
        email=email,
        services=tuple(Service(code=c, name=n) for c, n in services),
        postcode=ADDRESSES.get(siret, (None, None))[0],
        town=ADDRESSES.get(siret, (None, None))[1],
    )
    for siret, (name, public, active, email, services) in _STRUCTURES.items()
}
TEAMS = {
    SUPPORT_TEAM_ID: Team(id=SUPPORT_TEAM_ID, name="Support technique Chorus Pro", email="support@chorus-pro.example"),
    JUSTICE_FEE_OFFICE_ID: Team(id=JUSTICE_FEE_OFFICE_ID, name="Bureau réglementaire des frais de justice"),
}

_I, _T, _J = ObjectType.INVOICE, ObjectType.TIC_REFUND, ObjectType.JUSTICE_MEMO
# (type, number, state, emitter, recipient, recipient service)
_PAYMENTS = (
    (_I, "FAC-2026-0101", PaymentState.SENT, DUPONT, SAINT_LEGER, "FINANCES"),
    (_I, "FAC-2026-0102", PaymentState.REJECTED, DUPONT, SAINT_LEGER, None),
    (_I, "FAC-2026-0103", PaymentState.SUSPENDED, DUPONT, CH_VIENNE, "ACHATS"),
    (_I, "FAC-2026-0104", PaymentState.DRAFT, DUPONT, CH_VIENNE, None),
    (_I, "FAC-2026-0105", PaymentState.DRAFT, DUPONT, None, None),
    (_I, "LG-2026-007", PaymentState.SENT, GREL, SAINT_LEGER, "TECHNIQUE"),
    (_J, "MFJ-2026-0042", PaymentState.SENT, GREL, SCFJ, None),
    (_T, "TIC-2026-0007", PaymentState.REJECTED, MARTIN, DDFIP, "TIC"),
    (_I, "BM-2026-031", PaymentState.PAID, MARTIN, CH_VIENNE, None),
)
PAYMENT_REQUESTS = tuple(
    PaymentRequest(object_type=kind, number=n, state=state, emitter_siret=e, recipient_siret=r, recipient_service=svc)
    for kind, n, state, e, r, svc in _PAYMENTS
)

# alias: (name, e-mail, memberships)
_USERS: dict[str, tuple[str, str, tuple[tuple[str, Role], ...]]] = {
    "marie": ("Marie Dupont", "marie.dupont@menuiserie-dupont.example", ((DUPONT, Role.PRINCIPAL_MANAGER),)),
    "paul": (
        "Paul Girard",
        "paul.girard@menuiserie-dupont.example",
        ((DUPONT, Role.SECONDARY_MANAGER), (GREL, Role.USER)),
    ),
    "julie": ("Julie Bernard", "julie.bernard@menuiserie-dupont.example", ((DUPONT, Role.USER),)),
    "claire": (
        "Claire Petit",
        "claire.petit@saint-leger.example",
        ((SAINT_LEGER, Role.PRINCIPAL_MANAGER), (INACTIVE, Role.SECONDARY_MANAGER)),
    ),
    "hugo": ("Hugo Leroy", "hugo.leroy@saint-leger.example", ((SAINT_LEGER, Role.USER),)),
    "nora": ("Nora Haddad", "nora.haddad@boulangerie-martin.example", ((MARTIN, Role.PRINCIPAL_MANAGER),)),
    "sophie": (
        "Sophie Moreau",
        "sophie.moreau@support.chorus-pro.example",
        ((SUPPORT_TEAM_ID, Role.PRINCIPAL_MANAGER),),
    ),
    "lucas": ("Lucas Fabre", "lucas.fabre@support.chorus-pro.example", ((SUPPORT_TEAM_ID, Role.USER),)),
    "ines": ("Inès Roux", "ines.roux@dgfip.example", ((DDFIP, Role.USER),)),
    "theo": ("Théo Blanc", "theo.blanc@justice.example", ((SCFJ, Role.USER),)),
    "emma": ("Emma Garnier", "emma.garnier@justice.example", ((JUSTICE_FEE_OFFICE_ID, Role.USER),)),
    "victor": ("Victor Lambert", "victor.lambert@ch-vienne.example", ((CH_VIENNE, Role.PRINCIPAL_MANAGER),)),
}
USER_IDS = {alias: f"00000000-0000-4000-8000-{i:012d}" for i, alias in enumerate(_USERS, start=1)}
NAMES = {alias: name for alias, (name, _, _) in _USERS.items()}
EMAILS = {alias: email for alias, (_, email, _) in _USERS.items()}


def _membership(org_id: str, role: Role) -> Membership:
    if org_id in TEAMS:
        return Membership(org=TEAMS[org_id].ref, org_name=TEAMS[org_id].name, role=role)
    org = OrgRef(kind=OrgKind.STRUCTURE, id=org_id)
    return Membership(org=org, org_name=STRUCTURES[org_id].designation, role=role)


def seed(ports: Ports) -> None:
    """Put the whole world into the ports' reference data."""
    ports.reference.put_reference_data(
        structures=STRUCTURES.values(),
        teams=TEAMS.values(),
        payment_requests=PAYMENT_REQUESTS,
        users=[UserProfile(id=USER_IDS[a], email=email, name=name) for a, (name, email, _) in _USERS.items()],
        memberships=[(USER_IDS[a], _membership(org, role)) for a, (_, _, orgs) in _USERS.items() for org, role in orgs],
    )


def identity(alias: str) -> Identity:
    return Identity(user_id=USER_IDS[alias], email=EMAILS[alias], name=NAMES[alias])


def user(ports: Ports, alias: str) -> SignedInUser:
    """The signed-in user ``alias``, with their memberships read through the ports (as the API does)."""
    return signed_in_user(ports, identity(alias))


def new_ticket(ports: Ports, alias: str = "marie", submit: bool = True, **content: str) -> int:
    """A ticket of Menuiserie Dupont to the technical support, created through the use case; its number."""
    values = {
        "category": "FACTURES_EMISES",
        "subcategory": "MANDAT_DE_FACTURATION",
        "emitter_siret": DUPONT,
        "title": "Mandat de facturation",
        "description": "Comment déclarer le mandat ?",
        **content,
    }
    command = CreateTicket(ContentChanges.of(TicketContent.model_validate(values)), submit=submit)
    return tickets.create_ticket(ports, user(ports, alias), command).ticket.number
