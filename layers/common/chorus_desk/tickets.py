"""Ticket use cases, both sides: create, edit, delete and submit drafts, act on a ticket, read it.

Authorization: a user sees a ticket only as its emitter (a member of the emitter structure; for a draft
with no structure yet, its creator) or as its recipient (a member of the recipient organisation).
Anyone else is told the ticket does not exist. Which action is allowed from which status is asked of
``lifecycle``; every change is written with a condition on the version that was read.
"""

from __future__ import annotations

from typing import Any

from chorus_desk import catalogue, lifecycle, messages, routing
from chorus_desk.directory import Identity, load_caller
from chorus_desk.errors import FieldError, Forbidden, InvalidInput, NotFound
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import Caller, Emitter, HistoryEntry, OrgKind, OrgRef, Person, Ticket, utc_now
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.repository import get_repository
from chorus_desk.schemas import AgentView, CreateTicketRequest, TicketDetail, TicketFields, UpdateDraftRequest


# ----------------------------------------------------------------------------------------- reading
def sides_of(caller: Caller, ticket: Ticket) -> frozenset[Side]:
    sides: set[Side] = set()
    if ticket.emitter.siret:
        if caller.belongs_to(OrgRef(kind=OrgKind.STRUCTURE, id=ticket.emitter.siret)):
            sides.add(Side.EMITTER)
    elif ticket.created_by.id == caller.id:
        sides.add(Side.EMITTER)
    if ticket.recipient and caller.belongs_to(ticket.recipient.org):
        sides.add(Side.RECIPIENT)
    return frozenset(sides)


def _load_visible(caller: Caller, number: int) -> tuple[Ticket, frozenset[Side]]:
    ticket = get_repository().load_ticket(number)
    sides = sides_of(caller, ticket) if ticket else frozenset()
    if ticket is None or not sides:
        # Same answer whether the ticket does not exist or belongs to others: no hint that it exists.
        raise NotFound(messages.TICKET_NOT_FOUND.format(number=number))
    return ticket, sides


def get_ticket(identity: Identity, number: int) -> TicketDetail:
    caller = load_caller(identity)
    ticket, sides = _load_visible(caller, number)
    return TicketDetail.of(ticket, sides)


# ---------------------------------------------------------------------------------------- drafting
def _resolve_emitter(caller: Caller, values: dict[str, Any]) -> tuple[Emitter, list[FieldError]]:
    """The emitter block from the submitted values: designation and contact email come from the structure."""
    siret, service_code = values.get("emitter_siret"), values.get("emitter_service")
    email, phone = values.get("contact_email"), values.get("contact_phone")
    if siret is None:
        if service_code is not None:
            return Emitter(contact_email=email, contact_phone=phone), [
                FieldError("emitter_service", messages.EMITTER_SERVICE_WITHOUT_STRUCTURE)
            ]
        return Emitter(contact_email=email, contact_phone=phone), []
    structure = None
    if caller.belongs_to(OrgRef(kind=OrgKind.STRUCTURE, id=siret)):
        structure = get_repository().load_structure(siret)
    if structure is None:
        return Emitter(), [FieldError("emitter_siret", messages.EMITTER_NOT_MEMBER.format(siret=siret))]
    service = structure.service(service_code) if service_code else None
    if service_code and service is None:
        return Emitter(), [
            FieldError("emitter_service", messages.EMITTER_SERVICE_UNKNOWN.format(code=service_code, siret=siret))
        ]
    return (
        Emitter(
            siret=structure.siret,
            designation=structure.designation,
            service=service,
            contact_email=email or structure.email or caller.email,
            contact_phone=phone,
        ),
        [],
    )


def _draft_values(ticket: Ticket | None, fields: TicketFields) -> dict[str, Any]:
    """Current values of a draft overlaid with the fields the request sets (null clears)."""
    current: dict[str, Any] = {}
    if ticket is not None:
        current = {
            "category": ticket.category,
            "subcategory": ticket.subcategory,
            "title": ticket.title,
            "description": ticket.description,
            "emitter_siret": ticket.emitter.siret,
            "emitter_service": ticket.emitter.service.code if ticket.emitter.service else None,
            "contact_email": ticket.emitter.contact_email,
            "contact_phone": ticket.emitter.contact_phone,
            **{name: getattr(ticket, name) for name in catalogue.ROUTING_FIELDS},
        }
    changes = {name: getattr(fields, name) for name in fields.model_fields_set if name in TicketFields.model_fields}
    if "emitter_siret" in changes and changes["emitter_siret"] != current.get("emitter_siret"):
        # Another structure: its own services, and its own contact e-mail unless the request gives one.
        current.pop("emitter_service", None)
        current.pop("contact_email", None)
    values = {**current, **changes}
    pair = catalogue.find(values.get("category"), values.get("subcategory"))
    if pair != catalogue.find(current.get("category"), current.get("subcategory")):
        # Another pair: the routing fields it does not use go (those the request gives are checked).
        for name in catalogue.ROUTING_FIELDS:
            if name not in changes and (pair is None or not pair.accepts(name)):
                values.pop(name, None)
    return values


def _submission_errors(ticket: Ticket) -> list[FieldError]:
    required = (
        ("category", ticket.category, messages.CATEGORY_REQUIRED),
        ("subcategory", ticket.subcategory, messages.SUBCATEGORY_REQUIRED),
        ("emitter_siret", ticket.emitter.siret, messages.EMITTER_REQUIRED),
        # The contact email comes from the structure: it can only be missing once a structure is chosen.
        ("contact_email", ticket.emitter.contact_email or not ticket.emitter.siret, messages.CONTACT_EMAIL_REQUIRED),
        ("title", ticket.title, messages.TITLE_REQUIRED),
        ("description", ticket.description, messages.DESCRIPTION_REQUIRED),
    )
    return [FieldError(field, message) for field, value, message in required if not value]


def _routed(ticket: Ticket, submitting: bool) -> tuple[Ticket, list[FieldError]]:
    """Check the ticket's routing fields; when submitting, also every mandatory field, and set the recipient."""
    routing_result = routing.route(ticket, submitting=submitting)
    errors = routing_result.errors
    if not submitting:
        return ticket, errors
    errors = _submission_errors(ticket) + errors
    if errors:
        return ticket, errors
    assert routing_result.recipient is not None
    return ticket.model_copy(update={"recipient": routing_result.recipient, "submitted_at": utc_now()}), []


def _with_values(ticket: Ticket, caller: Caller, values: dict[str, Any], submitting: bool = False) -> Ticket:
    """Validate the values (all errors at once) and return the ticket carrying them (routed if submitting)."""
    errors = catalogue.validate_pair(values.get("category"), values.get("subcategory"))
    if values.get("subcategory") is not None and values.get("category") is None:
        errors.append(FieldError("category", messages.CATEGORY_REQUIRED))
    emitter, emitter_errors = _resolve_emitter(caller, values)
    errors += emitter_errors
    candidate = ticket.model_copy(
        update={
            "category": values.get("category"),
            "subcategory": values.get("subcategory"),
            "title": values.get("title"),
            "description": values.get("description"),
            "emitter": emitter,
            **{name: values.get(name) for name in catalogue.ROUTING_FIELDS},
        }
    )
    if not errors:  # routing is checked on a known pair and a valid emitter
        candidate, errors = _routed(candidate, submitting)
    if errors:
        raise InvalidInput(errors)
    return candidate


def _submitted(ticket: Ticket) -> Ticket:
    routed, errors = _routed(ticket, submitting=True)
    if errors:
        raise InvalidInput(errors)
    return routed


def _entry(
    ticket: Ticket,
    caller: Caller,
    side: Side,
    action: Action,
    to: Status,
    comment: str | None,
    assignee: Person | None = None,
) -> HistoryEntry:
    return HistoryEntry(
        seq=(ticket.history[-1].seq + 1) if ticket.history else 1,
        at=utc_now(),
        actor=Person(id=caller.id, name=caller.name),
        side=side,
        action=action,
        from_status=ticket.status if ticket.history else None,
        to_status=to,
        comment=comment,
        assignee=assignee,
    )


def create_ticket(identity: Identity, request: CreateTicketRequest) -> TicketDetail:
    """« Enregistrer et quitter » (draft) or « Soumettre » (sent at once to its recipient)."""
    caller = load_caller(identity)
    action = Action.CREATE_AND_SUBMIT if request.submit else Action.CREATE_DRAFT
    transition = lifecycle.authorize(action, frozenset({Side.EMITTER}), None)
    now = utc_now()
    blank = Ticket(
        number=1,  # placeholder: a number is taken only once the input is known to be valid
        status=Status.DRAFT,
        version=1,
        created_at=now,
        updated_at=now,
        created_by=Person(id=caller.id, name=caller.name),
    )
    ticket = _with_values(blank, caller, _draft_values(None, request), submitting=request.submit)
    assert transition.target is not None
    repo = get_repository()
    ticket = ticket.model_copy(update={"number": repo.next_ticket_number(), "status": transition.target})
    entry = _entry(ticket, caller, Side.EMITTER, action, transition.target, None)
    repo.insert_ticket(ticket, entry)
    _record(action, ticket.number, contact=mask_email(ticket.emitter.contact_email))
    return TicketDetail.of(ticket.model_copy(update={"history": (entry,)}), frozenset({Side.EMITTER}))


def update_draft(identity: Identity, number: int, request: UpdateDraftRequest) -> TicketDetail:
    caller = load_caller(identity)
    ticket, sides = _load_visible(caller, number)
    lifecycle.authorize(Action.EDIT_DRAFT, sides, ticket.status, number)
    updated = _with_values(ticket, caller, _draft_values(ticket, request))
    updated = updated.model_copy(update={"version": ticket.version + 1, "updated_at": utc_now()})
    get_repository().save_ticket(updated, ticket.version, None)
    _record(Action.EDIT_DRAFT, number)
    return TicketDetail.of(updated, sides_of(caller, updated))


def delete_draft(identity: Identity, number: int) -> None:
    caller = load_caller(identity)
    ticket, sides = _load_visible(caller, number)
    lifecycle.authorize(Action.DELETE_DRAFT, sides, ticket.status, number)
    get_repository().delete_ticket(ticket)
    _record(Action.DELETE_DRAFT, number)


# ----------------------------------------------------------------------------------------- acting
def _act(
    identity: Identity,
    number: int,
    action: Action,
    text: str | None = None,
    assignee_id: str | None = None,
) -> TicketDetail:
    caller = load_caller(identity)
    ticket, sides = _load_visible(caller, number)
    transition = lifecycle.authorize(action, sides, ticket.status, number)
    comment = lifecycle.require_text(transition, ticket.status, text)
    target = transition.target_from(ticket.status)
    assert target is not None
    now = utc_now()
    update: dict[str, Any] = {"status": target, "version": ticket.version + 1, "updated_at": now}
    if action is Action.SUBMIT:
        ticket = _submitted(ticket)
    if action in (Action.TAKE_IN_CHARGE, Action.ASSIGN):
        update["assignee"] = _assignee(caller, ticket, assignee_id)
    if target is Status.CLOSED:
        update["closed_at"] = now
    entry = _entry(ticket, caller, transition.side, action, target, comment, update.get("assignee"))
    updated = ticket.model_copy(update={**update, "history": (*ticket.history, entry)})
    get_repository().save_ticket(updated, ticket.version, entry)
    _record(action, number)
    return TicketDetail.of(updated, sides_of(caller, updated))  # a submission adds the recipient's side


def _assignee(caller: Caller, ticket: Ticket, assignee_id: str | None) -> Person:
    if assignee_id is None or assignee_id == caller.id:
        return Person(id=caller.id, name=caller.name)
    assert ticket.recipient is not None
    profile, memberships = get_repository().load_user(assignee_id)
    if profile is None or not any(m.org == ticket.recipient.org for m in memberships):
        raise InvalidInput([FieldError("assignee_id", messages.ASSIGNEE_NOT_AGENT)])
    return Person(id=profile.id, name=profile.name)


def submit_draft(identity: Identity, number: int) -> TicketDetail:
    return _act(identity, number, Action.SUBMIT)


def take_in_charge(identity: Identity, number: int, assignee_id: str | None, comment: str | None) -> TicketDetail:
    return _act(identity, number, Action.TAKE_IN_CHARGE, comment, assignee_id=assignee_id)


def assign(identity: Identity, number: int, assignee_id: str | None, comment: str | None) -> TicketDetail:
    """« Assigné à »: give the ticket to an agent of the recipient (or to oneself), status unchanged."""
    if assignee_id is None:
        raise InvalidInput([FieldError("assignee_id", messages.ASSIGNEE_REQUIRED)])
    return _act(identity, number, Action.ASSIGN, comment, assignee_id=assignee_id)


def list_agents(identity: Identity, number: int) -> list[AgentView]:
    """The agents a ticket can be assigned to: the members of its recipient organisation (recipient side only)."""
    caller = load_caller(identity)
    ticket, sides = _load_visible(caller, number)
    if Side.RECIPIENT not in sides:
        raise Forbidden(messages.RECIPIENT_ONLY.format(action=messages.LIST_AGENTS_ACTION))
    assert ticket.recipient is not None
    members = get_repository().list_members(ticket.recipient.org.key)
    return [
        AgentView(id=profile.id, name=profile.name, role=m.role, role_label=m.role.label)
        for profile, m in sorted(members, key=lambda pm: pm[0].name)
    ]


def request_information(identity: Identity, number: int, question: str | None) -> TicketDetail:
    return _act(identity, number, Action.REQUEST_INFORMATION, question)


def provide_information(identity: Identity, number: int, text: str | None) -> TicketDetail:
    return _act(identity, number, Action.PROVIDE_INFORMATION, text)


def answer(identity: Identity, number: int, text: str | None) -> TicketDetail:
    return _act(identity, number, Action.ANSWER, text)


def accept_solution(identity: Identity, number: int, comment: str | None) -> TicketDetail:
    return _act(identity, number, Action.ACCEPT_SOLUTION, comment)


def refuse_solution(identity: Identity, number: int, reason: str | None) -> TicketDetail:
    return _act(identity, number, Action.REFUSE_SOLUTION, reason)


def close(identity: Identity, number: int, comment: str | None) -> TicketDetail:
    return _act(identity, number, Action.CLOSE, comment)


def _record(action: Action, number: int, **fields: Any) -> None:
    logger.info("ticket action applied", action=action.value, ticket_number=number, **fields)
    metrics.add_metric(name=f"Ticket{action.value.title().replace('_', '')}", unit="Count", value=1)
