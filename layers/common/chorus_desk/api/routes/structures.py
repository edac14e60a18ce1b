"""Structure routes: find a recipient in the public directory; show a structure to confirm (and check a takeover
structure as the user types it), activate it, start its inactivation, follow the operation. Every refusal comes
before anything is locked or started."""

from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from chorus_desk import bootstrap, messages
from chorus_desk.actors import SignedInUser
from chorus_desk.directory import DEFAULT_SIZE, MAX_SIZE
from chorus_desk.errors import FieldError, InvalidInput
from chorus_desk.observability import tracer
from chorus_desk.ports import CompanyRegistry, Ports, Workflow
from chorus_desk.siret import is_valid_siret
from chorus_desk.usecases import directory, structures

from ..http import documented, known_query, signed_in
from ..schemas.structures import (
    ActivationRequest,
    DirectoryPageView,
    InactivationRequest,
    OperationView,
    StructureView,
)

router = Router()  # type: ignore[no-untyped-call]

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
Registry = Annotated[CompanyRegistry, Depends(bootstrap.registry)]
Machine = Annotated[Workflow, Depends(bootstrap.workflow)]
SiretPath = Annotated[str, Path(pattern=r"^[0-9]{14}$", description="SIRET de la structure (14 chiffres).")]
TakeoverQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{14}$",
        description=(
            "SIRET d'une structure reprenante à vérifier avant de confirmer l'inactivation : vérifiée comme "
            "l'inactivation la vérifiera (connue de l'appelant, active, publique, gérée par lui, une autre)."
        ),
    ),
]
OperationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,80}$", description="Identifiant de l'opération.")]


SEARCH_PARAMS = frozenset({"name", "siret", "postcode", "town", "size", "cursor"})
NameQuery = Annotated[
    str | None,
    Query(
        description=(
            "Mots de la désignation (accents et majuscules indifférents ; chaque mot peut n'être que le début d'un "
            "mot de la désignation, deux caractères au moins ; 150 caractères au plus)."
        )
    ),
]
SiretQuery = Annotated[
    str | None, Query(description="SIRET ou son début (le SIREN, par exemple) : de 3 à 14 chiffres.")
]
PostcodeQuery = Annotated[str | None, Query(description="Code postal ou son début (le département) : 2 à 5 chiffres.")]
TownQuery = Annotated[
    str | None, Query(description="Ville ou son début (deux lettres au moins ; accents et majuscules indifférents).")
]
SizeQuery = Annotated[int, Query(description=f"Structures par page : de 1 à {MAX_SIZE} ({DEFAULT_SIZE} par défaut).")]
CursorQuery = Annotated[str | None, Query(max_length=2048, description="Le next_cursor de la page précédente.")]


@router.get(
    "/structures",
    summary="Rechercher une structure destinataire (annuaire des structures publiques actives)",
    tags=["Structures"],
    responses=documented(
        200,
        DirectoryPageView,
        "Une page des structures publiques actives trouvées, chacune avec ses services. Au moins un critère ; "
        "plusieurs critères se combinent (toutes les conditions).",
        400,
        401,
        503,
    ),
)
@tracer.capture_method
def search_structures(
    user: User,  # noqa: ARG001 (signed in: any user may search the public directory)
    ports: Wired,
    _checked: Annotated[None, Depends(known_query(SEARCH_PARAMS))],
    name: NameQuery = None,
    siret: SiretQuery = None,
    postcode: PostcodeQuery = None,
    town: TownQuery = None,
    size: SizeQuery = DEFAULT_SIZE,
    cursor: CursorQuery = None,
) -> DirectoryPageView:
    command = directory.SearchStructures(name=name, siret=siret, postcode=postcode, town=town, size=size, cursor=cursor)
    return DirectoryPageView.of(directory.search_structures(ports, command))


def _valid(siret: str, field: str = "siret") -> str:
    if not is_valid_siret(siret):
        raise InvalidInput([FieldError(field, messages.SIRET_INVALID.format(value=siret))])
    return siret


@router.get(
    "/structures/<siret>",
    summary="Afficher une structure à confirmer (Chorus Pro et répertoire Sirene)",
    tags=["Structures"],
    responses=documented(
        200,
        StructureView,
        "La structure, son état dans Chorus Pro et dans Sirene ; avec takeover_siret, la structure reprenante "
        "vérifiée.",
        400,
        401,
        403,
        404,
        503,
    ),
)
@tracer.capture_method
def show_structure(
    siret: SiretPath,
    user: User,
    ports: Wired,
    registry: Registry,
    _checked: Annotated[None, Depends(known_query(frozenset({"takeover_siret"})))],
    takeover_siret: TakeoverQuery = None,
) -> StructureView:
    takeover = _valid(takeover_siret, "takeover_siret") if takeover_siret is not None else None
    return StructureView.of(structures.show_structure(ports, registry, user, _valid(siret), takeover))


@router.post(
    "/structures/<siret>/activation",
    summary="Activer ma structure (après confirmation)",
    tags=["Structures"],
    responses=documented(200, StructureView, "La structure, activée.", 400, 401, 403, 404, 409, 503),
)
@tracer.capture_method
def activate_structure(
    siret: SiretPath,
    body: ActivationRequest,  # noqa: ARG001 (validated: the confirmation is required, nothing else to read)
    user: User,
    ports: Wired,
    registry: Registry,
) -> StructureView:
    return StructureView.of(structures.activate(ports, registry, user, _valid(siret)))


@router.post(
    "/structures/<siret>/inactivation",
    summary="Inactiver ma structure (après confirmation) : démarre l'opération",
    tags=["Structures"],
    responses=documented(
        202,
        OperationView,
        "L'opération démarrée, une fois la demande vérifiée ; suivez-la sur /operations/{id}.",
        400,
        401,
        403,
        404,
        409,
        503,
    ),
)
@tracer.capture_method
def inactivate_structure(
    siret: SiretPath, body: InactivationRequest, user: User, ports: Wired, registry: Registry, machine: Machine
) -> Response[OperationView]:
    operation = structures.start_inactivation(ports, registry, machine, user, _valid(siret), body.takeover_siret)
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=OperationView.of(operation),
        headers={"Location": f"/operations/{operation.id}"},
    )


@router.get(
    "/operations/<operation_id>",
    summary="Suivre une opération sur une structure",
    tags=["Structures"],
    responses=documented(200, OperationView, "L'état de l'opération et son résultat en français.", 400, 401, 404),
)
@tracer.capture_method
def get_operation(operation_id: OperationId, user: User, ports: Wired) -> OperationView:
    return OperationView.of(structures.operation_status(ports, user, operation_id))
