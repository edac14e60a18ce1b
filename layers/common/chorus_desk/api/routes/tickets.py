"""Ticket routes: creation, drafts, and the lifecycle actions of both sides (emitter and recipient)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from chorus_desk import bootstrap
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ActOnTicket, CreateTicket, UpdateDraft
from chorus_desk.lifecycle import Action
from chorus_desk.observability import tracer
from chorus_desk.ports import FileStorage, Ports
from chorus_desk.usecases import tickets

from ..http import documented, signed_in
from ..idempotency import IdempotencyKey, idempotent, idempotent_answers
from ..schemas.tickets import (
    AgentView,
    AnswerRequest,
    AssignRequest,
    CloseRequest,
    CommentRequest,
    CreateTicketRequest,
    ProvideInformationRequest,
    RefuseSolutionRequest,
    RequestInformationRequest,
    TakeInChargeRequest,
    TicketDetail,
    UpdateDraftRequest,
)

router = Router()  # type: ignore[no-untyped-call]

# A ticket number in a path: canonical digits only (no sign, no leading zero, no blank, no separator).
TicketNumber = Annotated[str, Path(pattern=r"^[1-9][0-9]{0,9}$", description="Numéro du ticket.")]

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
_UPDATED = idempotent_answers(documented(200, TicketDetail, "Le ticket après l'action.", 400, 401, 403, 404, 409, 415))
# The routes that write a ticket take an Idempotency-Key (api/idempotency.py): a retry is answered, not redone.
ONCE = [idempotent]


def _act(ports: Ports, user: SignedInUser, number: str, action: Action, text: str | None = None) -> TicketDetail:
    return TicketDetail.of(tickets.act(ports, user, ActOnTicket(int(number), action, text)))


@router.post(
    "/tickets",
    summary="Créer un ticket (brouillon ou soumission directe)",
    tags=["Tickets émis"],
    responses=idempotent_answers(
        documented(201, TicketDetail, "Le ticket créé (brouillon ou ouvert).", 400, 401, 403, 415)
    ),
    middlewares=ONCE,
)
@tracer.capture_method
def create_ticket(
    body: CreateTicketRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> Response[TicketDetail]:
    detail = TicketDetail.of(tickets.create_ticket(ports, user, CreateTicket(body.changes(), body.submit)))
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=detail,
        headers={"Location": f"/tickets/{detail.number}"},
    )


@router.get(
    "/tickets/<number>",
    summary="Détail d'un ticket et son historique",
    tags=["Tickets"],
    responses=documented(200, TicketDetail, "Le ticket, son historique et les actions possibles.", 400, 401, 404),
)
@tracer.capture_method
def get_ticket(number: TicketNumber, user: User, ports: Wired) -> TicketDetail:
    return TicketDetail.of(tickets.get_ticket(ports, user, int(number)))


@router.patch(
    "/tickets/<number>", summary="Modifier un brouillon", tags=["Tickets émis"], responses=_UPDATED, middlewares=ONCE
)
@tracer.capture_method
def update_draft(
    number: TicketNumber, body: UpdateDraftRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    return TicketDetail.of(tickets.update_draft(ports, user, UpdateDraft(int(number), body.changes())))


@router.delete(
    "/tickets/<number>",
    summary="Supprimer un brouillon",
    tags=["Tickets émis"],
    responses=idempotent_answers(
        documented(204, None, "Brouillon supprimé, avec son historique.", 400, 401, 403, 404, 409)
    ),
    middlewares=ONCE,
)
@tracer.capture_method
def delete_draft(
    number: TicketNumber,
    user: User,
    ports: Wired,
    storage: Annotated[FileStorage, Depends(bootstrap.file_storage)],
    _key: IdempotencyKey = None,
) -> Response[None]:
    tickets.delete_draft(ports, user, int(number), storage)
    return Response(status_code=204)


@router.post(
    "/tickets/<number>/submit",
    summary="Soumettre un brouillon",
    tags=["Tickets émis"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def submit_draft(number: TicketNumber, user: User, ports: Wired, _key: IdempotencyKey = None) -> TicketDetail:
    return _act(ports, user, number, Action.SUBMIT)


@router.post(
    "/tickets/<number>/take-in-charge",
    summary="Prendre en charge (destinataire)",
    tags=["Tickets reçus"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def take_in_charge(
    number: TicketNumber,
    user: User,
    ports: Wired,
    body: Annotated[TakeInChargeRequest | None, Body()] = None,
    _key: IdempotencyKey = None,
) -> TicketDetail:
    body = body or TakeInChargeRequest()
    command = ActOnTicket(int(number), Action.TAKE_IN_CHARGE, body.comment, body.assignee_id)
    return TicketDetail.of(tickets.act(ports, user, command))


@router.get(
    "/tickets/<number>/agents",
    summary="Agents du destinataire à qui assigner le ticket",
    tags=["Tickets reçus"],
    responses=documented(200, list[AgentView], "Les membres de l'organisation destinataire.", 400, 401, 403, 404),
)
@tracer.capture_method
def list_agents(number: TicketNumber, user: User, ports: Wired) -> list[AgentView]:
    return [AgentView.of(profile, m.role) for profile, m in tickets.list_agents(ports, user, int(number))]


@router.post(
    "/tickets/<number>/assign",
    summary="Assigner à un agent du destinataire (« Assigné à »)",
    tags=["Tickets reçus"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def assign_ticket(
    number: TicketNumber, body: AssignRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    command = ActOnTicket(int(number), Action.ASSIGN, body.comment, body.assignee_id)
    return TicketDetail.of(tickets.act(ports, user, command))


@router.post(
    "/tickets/<number>/information-requests",
    summary="Demander des informations (destinataire)",
    tags=["Tickets reçus"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def request_information(
    number: TicketNumber, body: RequestInformationRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    return _act(ports, user, number, Action.REQUEST_INFORMATION, body.question)


@router.post(
    "/tickets/<number>/information",
    summary="Répondre à la demande d'information (émetteur)",
    tags=["Tickets émis"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def provide_information(
    number: TicketNumber, body: ProvideInformationRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    return _act(ports, user, number, Action.PROVIDE_INFORMATION, body.text)


@router.post(
    "/tickets/<number>/answer",
    summary="Répondre (destinataire)",
    tags=["Tickets reçus"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def answer(
    number: TicketNumber, body: AnswerRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    return _act(ports, user, number, Action.ANSWER, body.text)


@router.post(
    "/tickets/<number>/accept",
    summary="Accepter la solution (émetteur)",
    tags=["Tickets émis"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def accept_solution(
    number: TicketNumber,
    user: User,
    ports: Wired,
    body: Annotated[CommentRequest | None, Body()] = None,
    _key: IdempotencyKey = None,
) -> TicketDetail:
    return _act(ports, user, number, Action.ACCEPT_SOLUTION, body.comment if body else None)


@router.post(
    "/tickets/<number>/refuse",
    summary="Refuser la solution (émetteur)",
    tags=["Tickets émis"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def refuse_solution(
    number: TicketNumber, body: RefuseSolutionRequest, user: User, ports: Wired, _key: IdempotencyKey = None
) -> TicketDetail:
    return _act(ports, user, number, Action.REFUSE_SOLUTION, body.reason)


@router.post(
    "/tickets/<number>/close",
    summary="Fermer le ticket (émetteur)",
    tags=["Tickets émis"],
    responses=_UPDATED,
    middlewares=ONCE,
)
@tracer.capture_method
def close(
    number: TicketNumber,
    user: User,
    ports: Wired,
    body: Annotated[CloseRequest | None, Body()] = None,
    _key: IdempotencyKey = None,
) -> TicketDetail:
    return _act(ports, user, number, Action.CLOSE, body.comment if body else None)
