"""The category / sub-category catalogue, as data: every pair of DOMAIN.md, its routing rule, its fields.

A pair goes to one of four kinds of recipient (``RoutingRule``): the Chorus Pro technical support; the
recipient of the payment request the ticket is about (an invoice's public structure or service, the
departmental public-finance service of a TIC refund request, the central justice-fee service of a memo);
a public structure the emitter names ("Question pour une entité publique"); or a fixed office (the
justice-fee regulation office). ``routing`` holds one resolver per rule; this module only says which rule
each pair follows and which fields it makes mandatory, for the API's checks and for the forms built from
``GET /catalogue``.

Labels are the seeds': the 2024 guide prefixes business-service sub-categories with « M- »; where the
older guide names the same pair without it, the older label is kept as ``former_label``. The pairs the
older guide alone lists (« Rejet d'une facture »…) keep their label: routing comes from the data, not
from the prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chorus_desk import messages
from chorus_desk.errors import FieldError
from chorus_desk.models import Need, ObjectType, content_forms


class RoutingRule(StrEnum):
    TECHNICAL_SUPPORT = "TECHNICAL_SUPPORT"
    OBJECT_RECIPIENT = "OBJECT_RECIPIENT"
    RECIPIENT_STRUCTURE = "RECIPIENT_STRUCTURE"
    FIXED_OFFICE = "FIXED_OFFICE"

    @property
    def label(self) -> str:
        return messages.ROUTING_LABELS[self.value]


class Mode(StrEnum):
    """Connected users file tickets for one of their structures; anonymous visitors only give an e-mail."""

    CONNECTED = "CONNECTED"
    ANONYMOUS = "ANONYMOUS"


# The teams a pair can be routed to without the emitter designating anyone (names: messages.TEAM_NAMES).
SUPPORT_TEAM_ID = "SUPPORT"
JUSTICE_FEE_OFFICE_ID = "FRAIS_JUSTICE_REGLEMENTATION"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # as in the API's request body
    required: bool

    @property
    def label(self) -> str:
        return messages.field_label(self.name)


def _common_fields(mode: Mode) -> tuple[FieldSpec, ...]:
    """The fields of every ticket in ``mode``, from ``TicketContent`` (the routing fields come per rule).

    In connected mode the contact e-mail is optional: it is taken from the emitter structure."""
    specs = []
    for name, form in content_forms().items():
        need = form.connected if mode is Mode.CONNECTED else form.anonymous
        if need is not None and not form.routing:
            specs.append(FieldSpec(name, need is Need.REQUIRED))
    return tuple(specs)


_COMMON_FIELDS: dict[Mode, tuple[FieldSpec, ...]] = {mode: _common_fields(mode) for mode in Mode}

# Fields a routing rule adds: given for a pair of another rule, they are refused.
_RULE_FIELDS: dict[RoutingRule, tuple[FieldSpec, ...]] = {
    RoutingRule.TECHNICAL_SUPPORT: (),
    RoutingRule.OBJECT_RECIPIENT: (FieldSpec("object_type", True), FieldSpec("object_number", True)),
    RoutingRule.RECIPIENT_STRUCTURE: (
        FieldSpec("recipient_is_state_service", True),
        FieldSpec("recipient_siret", True),
        FieldSpec("recipient_service", False),
    ),
    RoutingRule.FIXED_OFFICE: (),
}
ROUTING_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f.name for specs in _RULE_FIELDS.values() for f in specs))


@dataclass(frozen=True)
class SubCategory:
    code: str
    label: str
    routing: RoutingRule
    object_type: ObjectType | None = None  # OBJECT_RECIPIENT: the type of payment request it is about
    office: str | None = None  # FIXED_OFFICE: the team that receives it
    former_label: str | None = None  # the older guide's label of the same pair

    @property
    def needs_recipient(self) -> bool:
        """Whether the emitter must designate the recipient (through an object or a SIRET)."""
        return self.routing in (RoutingRule.OBJECT_RECIPIENT, RoutingRule.RECIPIENT_STRUCTURE)

    def offered_in(self, mode: Mode) -> bool:
        # A visitor who cannot log in cannot be checked against an object or a recipient structure.
        return mode is Mode.CONNECTED or not self.needs_recipient

    def fields(self, mode: Mode) -> tuple[FieldSpec, ...]:
        return _COMMON_FIELDS[mode] + _RULE_FIELDS[self.routing]

    def accepts(self, field: str) -> bool:
        return any(f.name == field for f in _RULE_FIELDS[self.routing])

    @property
    def filled_fields(self) -> tuple[str, ...]:
        """The form's fields the server fills for this pair when the emitter leaves them out (seed 001:
        « Type d'objet concerné : « Facture » est renseigné automatiquement »): the object type, where the
        pair admits one type only. A value the emitter gives is checked, never replaced."""
        return ("object_type",) if self.object_type is not None else ()

    @property
    def filled_by_server(self) -> tuple[str, ...]:
        """What the server fills on this pair's tickets: its filled fields, and the « Organisation
        destinataire » block (``recipient``), shown on the draft once routing has what it needs."""
        return (*self.filled_fields, "recipient")

    @property
    def team(self) -> str | None:
        """The team that receives the pair's tickets whoever files them, if the rule names one."""
        if self.routing is RoutingRule.TECHNICAL_SUPPORT:
            return SUPPORT_TEAM_ID
        return self.office


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    subcategories: tuple[SubCategory, ...]

    def subcategory(self, code: str) -> SubCategory | None:
        return next((s for s in self.subcategories if s.code == code), None)


def _support(code: str, label: str) -> SubCategory:
    return SubCategory(code, label, RoutingRule.TECHNICAL_SUPPORT)


def _about(code: str, label: str, object_type: ObjectType, former_label: str | None = None) -> SubCategory:
    return SubCategory(code, label, RoutingRule.OBJECT_RECIPIENT, object_type=object_type, former_label=former_label)


CATALOGUE: tuple[Category, ...] = (
    Category(
        "FACTURES_EMISES",
        "Factures émises",
        (
            _about("REJET_FACTURE", "Rejet d'une facture", ObjectType.INVOICE),
            _about("MONTANT_PAYE_DIFFERENT", "Montant payé différent", ObjectType.INVOICE),
            _about("SUSPENSION", "Suspension", ObjectType.INVOICE),
            _about("INTERETS_MORATOIRES", "Intérêts moratoires", ObjectType.INVOICE),
            _about("DELAIS_PAIEMENT", "Délais de paiement", ObjectType.INVOICE),
            _about("ERREUR_DESTINATAIRE", "Erreur destinataire", ObjectType.INVOICE),
            _about(
                "QUESTION_DESTINATAIRE_FACTURE", "M-Question pour le destinataire de ma facture", ObjectType.INVOICE
            ),
            SubCategory(
                "QUESTION_ENTITE_PUBLIQUE",
                "M-Question pour une entité publique",
                RoutingRule.RECIPIENT_STRUCTURE,
                former_label="Question pour une entité publique",
            ),
            _support("MANDAT_DE_FACTURATION", "Mandat de facturation"),
            _support("FACTURE_BROUILLON", "Facture brouillon"),
            _support("ERREUR_ELEMENTS_FACTURATION", "Erreur dans les éléments de facturation"),
            _support("AJOUT_PIECE_JOINTE", "Ajout de pièce jointe"),
        ),
    ),
    Category("FACTURES_RECUES", "Factures reçues", (_support("AUTRE", "Autre"),)),
    Category(
        "MEMOIRES_FRAIS_JUSTICE",
        "Mémoires de frais de justice",
        (
            SubCategory(
                "QUESTION_REGLEMENTATION",
                "Question générale sur la réglementation",
                RoutingRule.FIXED_OFFICE,
                office=JUSTICE_FEE_OFFICE_ID,
            ),
            _about("REVISION_MONTANT_MEMOIRE", "M-Révision du montant d'un mémoire", ObjectType.JUSTICE_MEMO),
        ),
    ),
    Category(
        "REMBOURSEMENT_TIC",
        "Remboursement TIC",
        (
            _about(
                "QUESTION_DEMANDE_REJETEE",
                "M-Question sur une demande rejetée",
                ObjectType.TIC_REFUND,
                former_label="Question sur une demande rejetée",
            ),
        ),
    ),
    Category(
        "GESTION_STRUCTURES_UTILISATEURS",
        "Gestion des structures et utilisateurs",
        (_support("MODIFICATION_DROITS_UTILISATEURS", "Modification des droits des utilisateurs"),),
    ),
)

_BY_CODE: dict[str, Category] = {c.code: c for c in CATALOGUE}


def validate_pair(category: str | None, subcategory: str | None) -> list[FieldError]:
    """Errors for a category / sub-category pair that is given but unknown (missing values are not errors here)."""
    if category is None:
        return []
    found = _BY_CODE.get(category)
    if found is None:
        return [FieldError("category", messages.CATEGORY_UNKNOWN.format(code=category))]
    if subcategory is not None and found.subcategory(subcategory) is None:
        return [FieldError("subcategory", messages.SUBCATEGORY_UNKNOWN.format(code=subcategory, category=found.label))]
    return []


def find(category: str | None, subcategory: str | None) -> SubCategory | None:
    """The catalogue entry of a known pair, or ``None`` (pair unknown or not chosen yet)."""
    found = _BY_CODE.get(category) if category else None
    return found.subcategory(subcategory) if found and subcategory else None


def labels(category: str | None, subcategory: str | None) -> tuple[str | None, str | None]:
    """French labels of a stored pair (the codes themselves if the catalogue no longer knows them)."""
    found = _BY_CODE.get(category) if category else None
    sub = find(category, subcategory)
    return (found.label if found else category, sub.label if sub else subcategory)


def offered(mode: Mode) -> list[tuple[Category, list[SubCategory]]]:
    """The categories and sub-categories a form offers in ``mode`` (a category with none left is omitted)."""
    listed = [(c, [s for s in c.subcategories if s.offered_in(mode)]) for c in CATALOGUE]
    return [(c, subs) for c, subs in listed if subs]
