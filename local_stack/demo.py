"""Demo data of the local stack: structures public and private with services, users of every role,
the technical support team, and a few tickets in different statuses (created through the domain)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chorus_desk import tickets
from chorus_desk.directory import Identity
from chorus_desk.models import Membership, OrgKind, OrgRef, Role, Service, Structure, Team, UserProfile
from chorus_desk.repository import Repository
from chorus_desk.routing import SUPPORT_TEAM_ID, SUPPORT_TEAM_NAME
from chorus_desk.schemas import (
    CreateTicketRequest,
)

DEMO_PASSWORD = "Chorus-Demo-2026!"

STRUCTURES: tuple[Structure, ...] = (
    Structure(
        siret="53453679200011",
        designation="Menuiserie Dupont",
        public=False,
        email="contact@menuiserie-dupont.example",
        services=(Service(code="ATELIER", name="Atelier"), Service(code="COMPTA", name="Comptabilité fournisseurs")),
    ),
    Structure(
        siret="41234567000019", designation="Les Loges du Grel", public=False, email="accueil@loges-grel.example"
    ),
    Structure(
        siret="80123456800013",
        designation="Boulangerie Martin",
        public=False,
        email="bonjour@boulangerie-martin.example",
    ),
    Structure(
        siret="21769001500011",
        designation="Commune de Saint-Léger",
        public=True,
        email="mairie@saint-leger.example",
        services=(
            Service(code="FINANCES", name="Service des finances"),
            Service(code="TECHNIQUE", name="Services techniques"),
        ),
    ),
    Structure(
        siret="21350002800013",
        designation="Centre hospitalier de Vienne",
        public=True,
        email="achats@ch-vienne.example",
        services=(Service(code="ACHATS", name="Direction des achats"),),
    ),
    Structure(siret="13000004500018", designation="DDFiP du Rhône", public=True, email="ddfip69@dgfip.example"),
    Structure(siret="73214569300014", designation="Ancienne régie des eaux", public=True, active=False),
)

SUPPORT_TEAM = Team(id=SUPPORT_TEAM_ID, name=SUPPORT_TEAM_NAME, email="support@chorus-pro.example")

_BY_SIRET = {s.siret: s for s in STRUCTURES}


@dataclass(frozen=True)
class DemoUser:
    alias: str
    email: str
    name: str
    memberships: tuple[tuple[str, Role], ...]  # (SIRET or team id, role)
    summary: str


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "marie",
        "marie.dupont@menuiserie-dupont.example",
        "Marie Dupont",
        (("53453679200011", Role.PRINCIPAL_MANAGER),),
        "gestionnaire principale, Menuiserie Dupont (privée)",
    ),
    DemoUser(
        "paul",
        "paul.girard@menuiserie-dupont.example",
        "Paul Girard",
        (("53453679200011", Role.SECONDARY_MANAGER), ("41234567000019", Role.USER)),
        "gestionnaire secondaire, Menuiserie Dupont ; utilisateur, Les Loges du Grel",
    ),
    DemoUser(
        "julie",
        "julie.bernard@menuiserie-dupont.example",
        "Julie Bernard",
        (("53453679200011", Role.USER),),
        "utilisatrice simple, Menuiserie Dupont",
    ),
    DemoUser(
        "claire",
        "claire.petit@saint-leger.example",
        "Claire Petit",
        (("21769001500011", Role.PRINCIPAL_MANAGER), ("73214569300014", Role.SECONDARY_MANAGER)),
        "gestionnaire principale, Commune de Saint-Léger (publique) ; gestionnaire, Ancienne régie des eaux",
    ),
    DemoUser(
        "hugo",
        "hugo.leroy@saint-leger.example",
        "Hugo Leroy",
        (("21769001500011", Role.USER),),
        "utilisateur simple, Commune de Saint-Léger",
    ),
    DemoUser(
        "nora",
        "nora.haddad@boulangerie-martin.example",
        "Nora Haddad",
        (("80123456800013", Role.PRINCIPAL_MANAGER),),
        "gestionnaire principale, Boulangerie Martin (autre structure)",
    ),
    DemoUser(
        "sophie",
        "sophie.moreau@support.chorus-pro.example",
        "Sophie Moreau",
        ((SUPPORT_TEAM_ID, Role.PRINCIPAL_MANAGER),),
        "responsable du support technique Chorus Pro",
    ),
    DemoUser(
        "lucas",
        "lucas.fabre@support.chorus-pro.example",
        "Lucas Fabre",
        ((SUPPORT_TEAM_ID, Role.USER),),
        "agent du support technique Chorus Pro",
    ),
)

USERS_BY_ALIAS = {u.alias: u for u in USERS}


def _membership(org_id: str, role: Role) -> Membership:
    if org_id == SUPPORT_TEAM_ID:
        return Membership(org=SUPPORT_TEAM.ref, org_name=SUPPORT_TEAM.name, role=role)
    structure = _BY_SIRET[org_id]
    return Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=org_id), org_name=structure.designation, role=role)


def seed_directory(repo: Repository, user_ids: Mapping[str, str]) -> None:
    """Structures, the support team, users and memberships. ``user_ids`` maps each alias to its user id (sub)."""
    repo.put_reference_data(
        structures=STRUCTURES,
        teams=(SUPPORT_TEAM,),
        users=[UserProfile(id=user_ids[u.alias], email=u.email, name=u.name) for u in USERS],
        memberships=[(user_ids[u.alias], _membership(org, role)) for u in USERS for org, role in u.memberships],
    )


def identity(alias: str, user_ids: Mapping[str, str]) -> Identity:
    user = USERS_BY_ALIAS[alias]
    return Identity(user_id=user_ids[alias], email=user.email, name=user.name)


def seed_tickets(user_ids: Mapping[str, str]) -> list[int]:
    """A few tickets in different statuses, made through the same domain functions as the API."""

    def who(alias: str) -> Identity:
        return identity(alias, user_ids)

    def new(alias: str, submit: bool, **fields: str) -> int:
        return tickets.create_ticket(who(alias), CreateTicketRequest(submit=submit, **fields)).number

    numbers = []
    first = new(
        "marie",
        True,
        category="FACTURES_EMISES",
        subcategory="MANDAT_DE_FACTURATION",
        emitter_siret="53453679200011",
        emitter_service="COMPTA",
        title="Activer le mandat de facturation pour notre sous-traitant",
        description="Notre sous-traitant doit émettre des factures en notre nom. Comment déclarer le mandat ?",
    )
    numbers.append(first)
    draft = new(
        "marie",
        False,
        category="FACTURES_EMISES",
        subcategory="AJOUT_PIECE_JOINTE",
        emitter_siret="53453679200011",
        title="Pièce jointe refusée",
    )
    numbers.append(draft)
    waiting = new(
        "julie",
        True,
        category="FACTURES_EMISES",
        subcategory="ERREUR_ELEMENTS_FACTURATION",
        emitter_siret="53453679200011",
        title="Erreur sur le numéro d'engagement",
        description="La facture FAC-2026-118 a été saisie avec un mauvais numéro d'engagement.",
    )
    tickets.take_in_charge(who("sophie"), waiting, user_ids["lucas"], None)
    tickets.request_information(who("lucas"), waiting, "Pouvez-vous nous indiquer le numéro d'engagement attendu ?")
    numbers.append(waiting)
    resolved = new(
        "claire",
        True,
        category="GESTION_STRUCTURES_UTILISATEURS",
        subcategory="MODIFICATION_DROITS_UTILISATEURS",
        emitter_siret="21769001500011",
        emitter_service="FINANCES",
        title="Nommer un nouveau gestionnaire principal",
        description="Notre gestionnaire principal a quitté la commune. Merci de nommer Hugo Leroy.",
    )
    tickets.take_in_charge(who("lucas"), resolved, None, None)
    tickets.answer(who("lucas"), resolved, "Hugo Leroy est désormais gestionnaire principal de la structure.")
    numbers.append(resolved)
    closed = new(
        "paul",
        True,
        category="FACTURES_RECUES",
        subcategory="AUTRE",
        emitter_siret="41234567000019",
        title="Où trouver les factures reçues ?",
        description="Je ne vois pas l'onglet des factures reçues.",
    )
    tickets.answer(who("sophie"), closed, "L'onglet apparaît une fois l'espace « Factures reçues » ajouté.")
    tickets.accept_solution(who("paul"), closed, "Merci, c'est bon.")
    numbers.append(closed)
    return numbers
