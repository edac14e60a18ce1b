"""The category / sub-category catalogue, as data, with the routing rule of each pair.

The foundation carries the pairs that go to the Chorus Pro technical support; the pairs routed to a
business service (the "M-" sub-categories, object-bound pairs, the justice-fee regulation office) are
added here with their own ``RoutingRule`` by the routing work, without touching the callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chorus_desk import messages
from chorus_desk.errors import FieldError, InvalidInput


class RoutingRule(StrEnum):
    TECHNICAL_SUPPORT = "TECHNICAL_SUPPORT"


@dataclass(frozen=True)
class SubCategory:
    code: str
    label: str
    routing: RoutingRule


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    subcategories: tuple[SubCategory, ...]

    def subcategory(self, code: str) -> SubCategory | None:
        return next((s for s in self.subcategories if s.code == code), None)


def _support(code: str, label: str) -> SubCategory:
    return SubCategory(code, label, RoutingRule.TECHNICAL_SUPPORT)


CATALOGUE: tuple[Category, ...] = (
    Category(
        "FACTURES_EMISES",
        "Factures émises",
        (
            _support("MANDAT_DE_FACTURATION", "Mandat de facturation"),
            _support("FACTURE_BROUILLON", "Facture brouillon"),
            _support("ERREUR_ELEMENTS_FACTURATION", "Erreur dans les éléments de facturation"),
            _support("AJOUT_PIECE_JOINTE", "Ajout de pièce jointe"),
        ),
    ),
    Category("FACTURES_RECUES", "Factures reçues", (_support("AUTRE", "Autre"),)),
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


def resolve(category: str, subcategory: str) -> tuple[Category, SubCategory]:
    """The catalogue entries of a valid pair; raises ``InvalidInput`` otherwise."""
    errors = validate_pair(category, subcategory)
    if errors:
        raise InvalidInput(errors)
    found = _BY_CODE[category]
    sub = found.subcategory(subcategory)
    assert sub is not None
    return found, sub


def labels(category: str | None, subcategory: str | None) -> tuple[str | None, str | None]:
    """French labels of a stored pair (the codes themselves if the catalogue no longer knows them)."""
    found = _BY_CODE.get(category) if category else None
    sub = found.subcategory(subcategory) if found and subcategory else None
    return (found.label if found else category, sub.label if sub else subcategory)
