"""The catalogue of categories and sub-categories, as the forms (connected and not) are built from it."""

from __future__ import annotations

from pydantic import Field

from chorus_desk import catalogue, messages
from chorus_desk.models import ObjectType

from .common import CodeLabel, View


class FieldView(View):
    name: str = Field(description="Nom du champ dans le corps de POST /tickets.")
    label: str
    required: bool = Field(description="Obligatoire pour soumettre (un brouillon peut rester incomplet).")
    filled_by_server: bool = Field(
        description="Renseigné automatiquement par le serveur s'il est omis (brouillon et soumission) ; "
        "une autre valeur envoyée est refusée."
    )


class SubCategoryView(View):
    code: str
    label: str
    former_label: str | None = Field(description="Libellé de la même sous-catégorie dans l'ancien guide.")
    routing: CodeLabel = Field(description="Règle d'acheminement.")
    needs_recipient: bool = Field(description="L'émetteur doit désigner le destinataire (objet ou SIRET).")
    object_type: CodeLabel | None = Field(description="Type d'objet attendu, pour les demandes sur un objet.")
    recipient: CodeLabel | None = Field(description="Destinataire fixe (support technique, bureau désigné).")
    fields: list[FieldView]
    filled_by_server: list[str] = Field(
        description="Ce que le serveur renseigne pour ce couple : les champs remplis automatiquement "
        "(object_type) et le bloc « Organisation destinataire » (recipient), affiché sur le brouillon dès que "
        "l'acheminement est connu et calculé de nouveau à la soumission."
    )

    @classmethod
    def of(cls, sub: catalogue.SubCategory, mode: catalogue.Mode) -> SubCategoryView:
        kind = sub.object_type
        return cls(
            code=sub.code,
            label=sub.label,
            former_label=sub.former_label,
            routing=CodeLabel(code=sub.routing.value, label=sub.routing.label),
            needs_recipient=sub.needs_recipient,
            object_type=CodeLabel(code=kind.value, label=kind.label) if kind else None,
            recipient=CodeLabel(code=sub.team, label=messages.TEAM_NAMES[sub.team]) if sub.team else None,
            fields=[
                FieldView(name=f.name, label=f.label, required=f.required, filled_by_server=f.name in sub.filled_fields)
                for f in sub.fields(mode)
            ],
            filled_by_server=list(sub.filled_by_server),
        )


class CategoryView(View):
    code: str
    label: str
    subcategories: list[SubCategoryView]


class CatalogueView(View):
    mode: catalogue.Mode
    categories: list[CategoryView]
    object_types: list[CodeLabel] = Field(description="Les types d'objet (demandes de paiement).")

    @classmethod
    def of(cls, mode: catalogue.Mode) -> CatalogueView:
        return cls(
            mode=mode,
            categories=[
                CategoryView(code=c.code, label=c.label, subcategories=[SubCategoryView.of(s, mode) for s in subs])
                for c, subs in catalogue.offered(mode)
            ],
            object_types=[CodeLabel(code=t.value, label=t.label) for t in ObjectType],
        )
