"""Tickets: creation, drafts and the lifecycle actions of both sides (emitter and recipient)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import tickets
from chorus_desk.api.http import create_app, current_identity, error_responses
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.schemas import (
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

app = create_app()

TicketNumber = Annotated[int, Path(ge=1, le=9_999_999_999, description="Numéro du ticket.")]
_ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


@app.post(
    "/tickets",
    summary="Créer un ticket (brouillon ou soumission directe)",
    tags=["Tickets émis"],
    responses=error_responses(400, 401),
)
@tracer.capture_method
def create_ticket(body: CreateTicketRequest) -> Response[TicketDetail]:
    detail = tickets.create_ticket(current_identity(app), body)
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=detail,
        headers={"Location": f"/tickets/{detail.number}"},
    )


@app.get(
    "/tickets/<number>",
    summary="Détail d'un ticket et son historique",
    tags=["Tickets"],
    responses=error_responses(400, 401, 404),
)
@tracer.capture_method
def get_ticket(number: TicketNumber) -> TicketDetail:
    return tickets.get_ticket(current_identity(app), number)


@app.patch("/tickets/<number>", summary="Modifier un brouillon", tags=["Tickets émis"], responses=_ACTION_ERRORS)
@tracer.capture_method
def update_draft(number: TicketNumber, body: UpdateDraftRequest) -> TicketDetail:
    return tickets.update_draft(current_identity(app), number, body)


@app.delete("/tickets/<number>", summary="Supprimer un brouillon", tags=["Tickets émis"], responses=_ACTION_ERRORS)
@tracer.capture_method
def delete_draft(number: TicketNumber) -> Response[None]:
    tickets.delete_draft(current_identity(app), number)
    return Response(status_code=204)


@app.post("/tickets/<number>/submit", summary="Soumettre un brouillon", tags=["Tickets émis"], responses=_ACTION_ERRORS)
@tracer.capture_method
def submit_draft(number: TicketNumber) -> TicketDetail:
    return tickets.submit_draft(current_identity(app), number)


@app.post(
    "/tickets/<number>/take-in-charge",
    summary="Prendre en charge (destinataire)",
    tags=["Tickets reçus"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def take_in_charge(number: TicketNumber, body: Annotated[TakeInChargeRequest | None, Body()] = None) -> TicketDetail:
    body = body or TakeInChargeRequest()
    return tickets.take_in_charge(current_identity(app), number, body.assignee_id, body.comment)


@app.get(
    "/tickets/<number>/agents",
    summary="Agents du destinataire à qui assigner le ticket",
    tags=["Tickets reçus"],
    responses=error_responses(400, 401, 403, 404),
)
@tracer.capture_method
def list_agents(number: TicketNumber) -> list[AgentView]:
    return tickets.list_agents(current_identity(app), number)


@app.post(
    "/tickets/<number>/assign",
    summary="Assigner à un agent du destinataire (« Assigné à »)",
    tags=["Tickets reçus"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def assign_ticket(number: TicketNumber, body: AssignRequest) -> TicketDetail:
    return tickets.assign(current_identity(app), number, body.assignee_id, body.comment)


@app.post(
    "/tickets/<number>/information-requests",
    summary="Demander des informations (destinataire)",
    tags=["Tickets reçus"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def request_information(number: TicketNumber, body: RequestInformationRequest) -> TicketDetail:
    return tickets.request_information(current_identity(app), number, body.question)


@app.post(
    "/tickets/<number>/information",
    summary="Répondre à la demande d'information (émetteur)",
    tags=["Tickets émis"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def provide_information(number: TicketNumber, body: ProvideInformationRequest) -> TicketDetail:
    return tickets.provide_information(current_identity(app), number, body.text)


@app.post(
    "/tickets/<number>/answer", summary="Répondre (destinataire)", tags=["Tickets reçus"], responses=_ACTION_ERRORS
)
@tracer.capture_method
def answer(number: TicketNumber, body: AnswerRequest) -> TicketDetail:
    return tickets.answer(current_identity(app), number, body.text)


@app.post(
    "/tickets/<number>/accept",
    summary="Accepter la solution (émetteur)",
    tags=["Tickets émis"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def accept_solution(number: TicketNumber, body: Annotated[CommentRequest | None, Body()] = None) -> TicketDetail:
    return tickets.accept_solution(current_identity(app), number, body.comment if body else None)


@app.post(
    "/tickets/<number>/refuse",
    summary="Refuser la solution (émetteur)",
    tags=["Tickets émis"],
    responses=_ACTION_ERRORS,
)
@tracer.capture_method
def refuse_solution(number: TicketNumber, body: RefuseSolutionRequest) -> TicketDetail:
    return tickets.refuse_solution(current_identity(app), number, body.reason)


@app.post(
    "/tickets/<number>/close", summary="Fermer le ticket (émetteur)", tags=["Tickets émis"], responses=_ACTION_ERRORS
)
@tracer.capture_method
def close(number: TicketNumber, body: Annotated[CloseRequest | None, Body()] = None) -> TicketDetail:
    return tickets.close(current_identity(app), number, body.comment if body else None)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
