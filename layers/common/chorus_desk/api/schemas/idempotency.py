"""The ``Idempotency-Key`` header, as the routes that write a ticket declare it (api/idempotency.py): validated
before anything is read or written (a French 400 otherwise), and documented in the OpenAPI document."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header

from ..http import IDEMPOTENCY_HEADER

KEY_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        pattern=KEY_PATTERN,
        description=(
            "Clé d'idempotence choisie par le client (un UUID, par exemple) : la même demande renvoyée avec la "
            "même clé dans les 24 heures reçoit la même réponse sans rien refaire (un seul ticket, un seul "
            "courriel). La même clé avec une autre demande est refusée (422) ; tant que la première est en "
            "cours, 409. Portée : l'utilisateur connecté (sans connexion : la clé seule) et la route."
        ),
    ),
]
