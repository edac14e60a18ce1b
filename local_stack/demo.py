"""Demo data of the local stack: structures public and private with services, users of every role,
the technical support team, and a few tickets in different statuses (created through the domain)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chorus_desk import messages
from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.catalogue import JUSTICE_FEE_OFFICE_ID, SUPPORT_TEAM_ID
from chorus_desk.commands import ActOnTicket, ContentChanges, CreateTicket
from chorus_desk.lifecycle import Action
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

DEMO_PASSWORD = "Chorus-Demo-2026!"
# An account invited and never activated: the assistant sends its activation link again (« je ne trouve pas le
# mail avec le lien pour activer mon compte »).
INVITED_EMAIL = "nouvelle.recrue@menuiserie-dupont.example"
INVITED_NAME = "Nouvelle recrue"

STRUCTURES: tuple[Structure, ...] = (
    Structure(
        siret="53453679200011",
        designation="Menuiserie Dupont",
        public=False,
        email="contact@menuiserie-dupont.example",
        services=(Service(code="ATELIER", name="Atelier"), Service(code="COMPTA", name="Comptabilité fournisseurs")),
        postcode="69007",
        town="Lyon",
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
        postcode="76160",
        town="Saint-Léger-du-Bourg-Denis",
    ),
    Structure(
        siret="21350002800013",
        designation="Centre hospitalier de Vienne",
        public=True,
        email="achats@ch-vienne.example",
        services=(Service(code="ACHATS", name="Direction des achats"),),
        postcode="38200",
        town="Vienne",
    ),
    Structure(
        siret="13000004500018",
        designation="DDFiP du Rhône",
        public=True,
        email="ddfip69@dgfip.example",
        services=(Service(code="TIC", name="Pôle remboursements TIC"),),
        postcode="69003",
        town="Lyon",
    ),
    # Closed in Sirene since 2024-12-31 (adapters/local_registry.py) but still active in Chorus Pro: the
    # inactivation's first case (Sirene says closed: inactivated, nothing moved).
    Structure(
        siret="73214569300014", designation="Ancienne régie des eaux", public=True, postcode="73000", town="Chambéry"
    ),
    # The commune's second establishment (open in Sirene), public and active, managed by Claire too: the
    # takeover structure of the inactivation's second case (the commune's main SIRET, still open in Sirene).
    Structure(
        siret="21769001500029",
        designation="Ateliers municipaux de Saint-Léger",
        public=True,
        email="ateliers@saint-leger.example",
        postcode="76160",
        town="Saint-Léger-du-Bourg-Denis",
    ),
    Structure(
        siret="11000200300017",
        designation="Ministère de la Justice – Service centralisateur des frais de justice",
        public=True,
        email="scfj@justice.example",
        postcode="75001",
        town="Paris",
    ),
)

SUPPORT_TEAM = Team(id=SUPPORT_TEAM_ID, name=messages.TEAM_NAMES[SUPPORT_TEAM_ID], email="support@chorus-pro.example")
JUSTICE_FEE_OFFICE = Team(
    id=JUSTICE_FEE_OFFICE_ID,
    name=messages.TEAM_NAMES[JUSTICE_FEE_OFFICE_ID],
    email="reglementation-fj@justice.example",
)
TEAMS = {t.id: t for t in (SUPPORT_TEAM, JUSTICE_FEE_OFFICE)}


def _payment(
    kind: ObjectType, number: str, state: PaymentState, emitter: str, to: str | None = None, service: str | None = None
) -> PaymentRequest:
    return PaymentRequest(
        object_type=kind,
        number=number,
        state=state,
        emitter_siret=emitter,
        recipient_siret=to,
        recipient_service=service,
    )


_DUPONT, _GREL, _MARTIN = "53453679200011", "41234567000019", "80123456800013"
_SAINT_LEGER, _CH_VIENNE, _DDFIP, _SCFJ = "21769001500011", "21350002800013", "13000004500018", "11000200300017"
_I, _T, _J = ObjectType.INVOICE, ObjectType.TIC_REFUND, ObjectType.JUSTICE_MEMO

# Payment requests tickets can be about: invoices sent, rejected, suspended, drafts with and without a
# recipient; a rejected TIC refund request; a justice-fee memo.
PAYMENT_REQUESTS: tuple[PaymentRequest, ...] = (
    _payment(_I, "FAC-2026-0101", PaymentState.SENT, _DUPONT, _SAINT_LEGER, "FINANCES"),
    _payment(_I, "FAC-2026-0102", PaymentState.REJECTED, _DUPONT, _SAINT_LEGER),
    _payment(_I, "FAC-2026-0103", PaymentState.SUSPENDED, _DUPONT, _CH_VIENNE, "ACHATS"),
    _payment(_I, "FAC-2026-0104", PaymentState.DRAFT, _DUPONT, _CH_VIENNE),
    _payment(_I, "FAC-2026-0105", PaymentState.DRAFT, _DUPONT),
    _payment(_I, "LG-2026-007", PaymentState.SENT, _GREL, _SAINT_LEGER, "TECHNIQUE"),
    _payment(_J, "MFJ-2026-0042", PaymentState.SENT, _GREL, _SCFJ),
    _payment(_T, "TIC-2026-0007", PaymentState.REJECTED, _MARTIN, _DDFIP, "TIC"),
    _payment(_I, "BM-2026-031", PaymentState.PAID, _MARTIN, _CH_VIENNE),
)

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
        (
            ("21769001500011", Role.PRINCIPAL_MANAGER),
            ("21769001500029", Role.PRINCIPAL_MANAGER),
            ("73214569300014", Role.SECONDARY_MANAGER),
        ),
        "gestionnaire principale, Commune de Saint-Léger (publique) et ses Ateliers municipaux ; "
        "gestionnaire, Ancienne régie des eaux",
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
    DemoUser(
        "ines",
        "ines.roux@dgfip.example",
        "Inès Roux",
        ((_DDFIP, Role.USER),),
        "agente de la DDFiP du Rhône (remboursements TIC)",
    ),
    DemoUser(
        "theo",
        "theo.blanc@justice.example",
        "Théo Blanc",
        ((_SCFJ, Role.USER),),
        "agent du service centralisateur des frais de justice",
    ),
    DemoUser(
        "emma",
        "emma.garnier@justice.example",
        "Emma Garnier",
        ((JUSTICE_FEE_OFFICE_ID, Role.USER),),
        "agente du bureau réglementaire des frais de justice",
    ),
    DemoUser(
        "victor",
        "victor.lambert@ch-vienne.example",
        "Victor Lambert",
        ((_CH_VIENNE, Role.PRINCIPAL_MANAGER),),
        "gestionnaire principal, Centre hospitalier de Vienne (destinataire de factures)",
    ),
)

USERS_BY_ALIAS = {u.alias: u for u in USERS}


def _membership(org_id: str, role: Role) -> Membership:
    if org_id in TEAMS:
        return Membership(org=TEAMS[org_id].ref, org_name=TEAMS[org_id].name, role=role)
    structure = _BY_SIRET[org_id]
    return Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=org_id), org_name=structure.designation, role=role)


def seed_directory(ports: Ports, user_ids: Mapping[str, str]) -> None:
    """Structures, teams, payment requests, users and memberships. ``user_ids`` maps each alias to its user id."""
    ports.reference.put_reference_data(
        structures=STRUCTURES,
        teams=tuple(TEAMS.values()),
        payment_requests=PAYMENT_REQUESTS,
        users=[UserProfile(id=user_ids[u.alias], email=u.email, name=u.name) for u in USERS],
        memberships=[(user_ids[u.alias], _membership(org, role)) for u in USERS for org, role in u.memberships],
    )


def identity(alias: str, user_ids: Mapping[str, str]) -> Identity:
    user = USERS_BY_ALIAS[alias]
    return Identity(user_id=user_ids[alias], email=user.email, name=user.name)


def seed_tickets(ports: Ports, user_ids: Mapping[str, str]) -> list[int]:
    """A few tickets in different statuses, made through the same use cases as the API."""

    def who(alias: str) -> SignedInUser:
        return signed_in_user(ports, identity(alias, user_ids))

    def new(alias: str, submit: bool, **fields: str | bool) -> int:
        changes = ContentChanges.of(TicketContent.model_validate(fields))
        return tickets.create_ticket(ports, who(alias), CreateTicket(changes, submit)).ticket.number

    def act(alias: str, number: int, action: Action, text: str | None = None, assignee: str | None = None) -> None:
        command = ActOnTicket(number, action, text, user_ids[assignee] if assignee else None)
        tickets.act(ports, who(alias), command)

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
    act("sophie", waiting, Action.TAKE_IN_CHARGE, None, "lucas")
    act("lucas", waiting, Action.REQUEST_INFORMATION, "Pouvez-vous nous indiquer le numéro d'engagement attendu ?")
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
    act("lucas", resolved, Action.TAKE_IN_CHARGE)
    act("lucas", resolved, Action.ANSWER, "Hugo Leroy est désormais gestionnaire principal de la structure.")
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
    act("sophie", closed, Action.ANSWER, "L'onglet apparaît une fois l'espace « Factures reçues » ajouté.")
    act("paul", closed, Action.ACCEPT_SOLUTION, "Merci, c'est bon.")
    numbers.append(closed)
    # Business services: tickets routed from their object, from a SIRET, or to a fixed office.
    about_invoice = new(
        "marie",
        True,
        category="FACTURES_EMISES",
        subcategory="QUESTION_DESTINATAIRE_FACTURE",
        emitter_siret="53453679200011",
        object_type="FACTURE",
        object_number="FAC-2026-0102",
        title="Motif du rejet de la facture FAC-2026-0102",
        description="Notre facture a été rejetée sans motif lisible. Pouvez-vous nous préciser ce qui manque ?",
    )
    act("claire", about_invoice, Action.TAKE_IN_CHARGE, "Hugo, peux-tu regarder ?", "hugo")
    numbers.append(about_invoice)
    about_refund = new(
        "nora",
        True,
        category="REMBOURSEMENT_TIC",
        subcategory="QUESTION_DEMANDE_REJETEE",
        emitter_siret="80123456800013",
        object_type="DEMANDE_REMBOURSEMENT_TIC",
        object_number="TIC-2026-0007",
        title="Demande de remboursement TIC rejetée",
        description="Notre demande TIC-2026-0007 a été rejetée. Quelles pièces faut-il joindre ?",
    )
    act("ines", about_refund, Action.REQUEST_INFORMATION, "Merci de joindre les factures de carburant du trimestre.")
    numbers.append(about_refund)
    about_memo = new(
        "paul",
        True,
        category="MEMOIRES_FRAIS_JUSTICE",
        subcategory="REVISION_MONTANT_MEMOIRE",
        emitter_siret="41234567000019",
        object_type="MEMOIRE_FRAIS_JUSTICE",
        object_number="MFJ-2026-0042",
        title="Révision du montant du mémoire MFJ-2026-0042",
        description="Le montant retenu ne tient pas compte des frais de déplacement.",
    )
    numbers.append(about_memo)
    to_public_entity = new(
        "claire",
        True,
        category="FACTURES_EMISES",
        subcategory="QUESTION_ENTITE_PUBLIQUE",
        emitter_siret="21769001500011",
        recipient_is_state_service=False,
        recipient_siret="21350002800013",
        recipient_service="ACHATS",
        title="Adresse de facturation du centre hospitalier",
        description="Quel service faut-il indiquer sur nos factures de prestations de restauration ?",
    )
    act("victor", to_public_entity, Action.ANSWER, "Indiquez le service ACHATS (Direction des achats).")
    numbers.append(to_public_entity)
    regulation = new(
        "julie",
        True,
        category="MEMOIRES_FRAIS_JUSTICE",
        subcategory="QUESTION_REGLEMENTATION",
        emitter_siret="53453679200011",
        title="Barème des frais de déplacement",
        description="Quel barème s'applique aux déplacements d'un expert judiciaire ?",
    )
    numbers.append(regulation)
    return numbers
