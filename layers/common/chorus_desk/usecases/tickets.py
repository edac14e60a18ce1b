"""Ticket use cases: create, edit and delete drafts, submit, act on a ticket, read it, list its agents.

Each one acts for an actor (``chorus_desk.actors``), takes a plain command and reaches storage only
through the ports it is given. Authorization is decided here, from the caller's memberships and
``lifecycle``; every change is written with a condition on the version that was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chorus_desk import catalogue, lifecycle, messages, routing
from chorus_desk.actors import Actor, AnonymousRequester, SignedInUser, SystemActor
from chorus_desk.commands import ActOnTicket, ContentChanges, CreateTicket, UpdateDraft
from chorus_desk.errors import FieldError, Forbidden, InvalidInput, NotFound
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import (
    Emitter,
    HistoryEntry,
    Membership,
    Need,
    OrgKind,
    OrgRef,
    Person,
    Ticket,
    TicketContent,
    UserProfile,
    content_forms,
    utc_now,
)
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import FileStorage, Ports


@dataclass(frozen=True)
class TicketSeen:
    """A ticket as one actor sees it: on which sides they stand (emitter, recipient, or both)."""

    ticket: Ticket
    sides: frozenset[Side]


# ----------------------------------------------------------------------------------------- reading
def sides_of(actor: Actor, ticket: Ticket) -> frozenset[Side]:
    if isinstance(actor, SystemActor):
        return frozenset(Side)  # the desk itself (state machines) may act for either side
    if isinstance(actor, AnonymousRequester):
        return frozenset()  # follows its ticket by mail and signed links, never through these use cases
    sides: set[Side] = set()
    siret = ticket.content.emitter_siret
    if siret:
        if actor.belongs_to(OrgRef(kind=OrgKind.STRUCTURE, id=siret)):
            sides.add(Side.EMITTER)
    elif ticket.created_by.id == actor.id:
        sides.add(Side.EMITTER)
    # A draft shows its recipient to its emitter (computed as it is saved) but is not the recipient's yet.
    if ticket.recipient and ticket.status is not Status.DRAFT and actor.belongs_to(ticket.recipient.org):
        sides.add(Side.RECIPIENT)
    return frozenset(sides)


def load_visible(ports: Ports, actor: Actor, number: int) -> TicketSeen:
    ticket = ports.tickets.load_ticket(number)
    sides = sides_of(actor, ticket) if ticket else frozenset()
    if ticket is None or not sides:
        # Same answer whether the ticket does not exist or belongs to others: no hint that it exists.
        raise NotFound(messages.TICKET_NOT_FOUND.format(number=number))
    return TicketSeen(ticket, sides)


def get_ticket(ports: Ports, actor: Actor, number: int) -> TicketSeen:
    return load_visible(ports, actor, number)


# ---------------------------------------------------------------------------------------- drafting
def _merged(current: TicketContent, changes: ContentChanges) -> TicketContent:
    """Current content overlaid with the fields the command sets (``None`` clears)."""
    given = changes.values()
    values: dict[str, Any] = current.model_dump()
    if "emitter_siret" in given and given["emitter_siret"] != current.emitter_siret:
        # Another structure: its own services, and its own contact e-mail unless the request gives one.
        values.update(emitter_service=None, contact_email=None)
    values.update(given)
    pair = catalogue.find(values["category"], values["subcategory"])
    if pair != catalogue.find(current.category, current.subcategory):
        # Another pair: the routing fields it does not use go (those the request gives are checked), and so
        # do those the server fills (the object type), to be filled again for the new pair.
        for name in catalogue.ROUTING_FIELDS:
            if name not in given and (pair is None or not pair.accepts(name) or name in pair.filled_fields):
                values[name] = None
    return current.model_copy(update=values)


def _resolve_emitter(
    ports: Ports, user: SignedInUser, content: TicketContent
) -> tuple[TicketContent, Emitter | None, list[FieldError]]:
    """The emitter structure of the content; the contact e-mail defaults to the structure's."""
    siret, service_code = content.emitter_siret, content.emitter_service
    if siret is None:
        errors = [FieldError("emitter_service", messages.EMITTER_SERVICE_WITHOUT_STRUCTURE)] if service_code else []
        return content, None, errors
    structure = None
    if user.belongs_to(OrgRef(kind=OrgKind.STRUCTURE, id=siret)):
        structure = ports.directory.load_structure(siret)
    if structure is None:
        return content, None, [FieldError("emitter_siret", messages.EMITTER_NOT_MEMBER.format(siret=siret))]
    service = structure.service(service_code) if service_code else None
    if service_code and service is None:
        message = messages.EMITTER_SERVICE_UNKNOWN.format(code=service_code, siret=siret)
        return content, None, [FieldError("emitter_service", message)]
    contact = content.contact_email or structure.email or user.email
    emitter = Emitter(siret=structure.siret, designation=structure.designation, service=service)
    return content.model_copy(update={"contact_email": contact}), emitter, []


def missing_fields(content: TicketContent, anonymous: bool = False) -> list[FieldError]:
    """The fields the form (connected, or non-connected) requires that ``content`` lacks, each with its message."""
    return [
        FieldError(name, messages.SUBMISSION_REQUIRED[name])
        for name, form in content_forms().items()
        if (form.anonymous if anonymous else form.connected) is Need.REQUIRED and getattr(content, name) is None
    ]


def _submission_errors(content: TicketContent) -> list[FieldError]:
    errors = missing_fields(content)
    # The contact e-mail comes from the structure: it can only be missing once a structure is chosen.
    if content.emitter_siret and not content.contact_email:
        errors.append(FieldError("contact_email", messages.SUBMISSION_REQUIRED["contact_email"]))
    return errors


def _routed(ports: Ports, ticket: Ticket, submitting: bool) -> tuple[Ticket, list[FieldError]]:
    """Fill the fields the pair fills, check the routing fields and set the recipient (a draft's is ``None``
    until its routing data is complete); when submitting, also check every mandatory field. The recipient
    is computed on every call: at submission, from the reference data of that moment."""
    ticket = ticket.model_copy(update={"content": routing.filled(ticket.content)})
    found = routing.route(ports, ticket, submitting=submitting)
    if not submitting:
        return ticket.model_copy(update={"recipient": found.recipient}), found.errors
    errors = _submission_errors(ticket.content) + found.errors
    if errors:
        return ticket, errors
    assert found.recipient is not None
    return ticket.model_copy(update={"recipient": found.recipient, "submitted_at": utc_now()}), []


def _with_content(
    ports: Ports, ticket: Ticket, user: SignedInUser, content: TicketContent, submitting: bool = False
) -> Ticket:
    """Validate the content (all errors at once) and return the ticket carrying it (routed if submitting)."""
    errors = catalogue.validate_pair(content.category, content.subcategory)
    if content.subcategory is not None and content.category is None:
        errors.append(FieldError("category", messages.CATEGORY_REQUIRED))
    content, emitter, emitter_errors = _resolve_emitter(ports, user, content)
    errors += emitter_errors
    candidate = ticket.model_copy(update={"content": content, "emitter": emitter})
    if not errors:  # routing is checked on a known pair and a valid emitter
        candidate, errors = _routed(ports, candidate, submitting)
    if errors:
        raise InvalidInput(errors)
    return candidate


def history_entry(
    ticket: Ticket,
    actor: Person,
    side: Side,
    action: Action,
    to: Status,
    comment: str | None,
    assignee: Person | None = None,
) -> HistoryEntry:
    return HistoryEntry(
        seq=(ticket.history[-1].seq + 1) if ticket.history else 1,
        at=utc_now(),
        actor=actor,
        side=side,
        action=action,
        from_status=ticket.status if ticket.history else None,
        to_status=to,
        comment=comment,
        assignee=assignee,
    )


def create_ticket(ports: Ports, user: SignedInUser, command: CreateTicket) -> TicketSeen:
    """« Enregistrer et quitter » (draft) or « Soumettre » (sent at once to its recipient)."""
    if not user.structures:
        raise Forbidden(messages.NO_STRUCTURE_TO_EMIT)
    action = Action.CREATE_AND_SUBMIT if command.submit else Action.CREATE_DRAFT
    transition = lifecycle.authorize(action, frozenset({Side.EMITTER}), None)
    now = utc_now()
    blank = Ticket(
        number=1,  # placeholder: a number is taken only once the input is known to be valid
        status=Status.DRAFT,
        version=1,
        created_at=now,
        updated_at=now,
        created_by=user.person,
    )
    content = _merged(TicketContent(), command.changes)
    ticket = _with_content(ports, blank, user, content, submitting=command.submit)
    assert transition.target is not None
    ticket = ticket.model_copy(update={"number": ports.tickets.next_ticket_number(), "status": transition.target})
    entry = history_entry(ticket, user.person, Side.EMITTER, action, transition.target, None)
    ports.tickets.insert_ticket(ticket, entry)
    _record(action, ticket.number, contact=mask_email(ticket.content.contact_email))
    return TicketSeen(ticket.model_copy(update={"history": (entry,)}), frozenset({Side.EMITTER}))


def update_draft(ports: Ports, user: SignedInUser, command: UpdateDraft) -> TicketSeen:
    seen = load_visible(ports, user, command.number)
    ticket = seen.ticket
    lifecycle.authorize(Action.EDIT_DRAFT, seen.sides, ticket.status, command.number)
    updated = _with_content(ports, ticket, user, _merged(ticket.content, command.changes))
    updated = updated.model_copy(update={"version": ticket.version + 1, "updated_at": utc_now()})
    ports.tickets.save_ticket(updated, ticket.version, None, previous=ticket)
    _record(Action.EDIT_DRAFT, command.number)
    return TicketSeen(updated, sides_of(user, updated))


def delete_draft(ports: Ports, user: SignedInUser, number: int, storage: FileStorage) -> None:
    """Delete a draft, and every file uploaded for it (an upload that lands later finds no ticket and is
    deleted by the check)."""
    seen = load_visible(ports, user, number)
    lifecycle.authorize(Action.DELETE_DRAFT, seen.sides, seen.ticket.status, number)
    ports.tickets.delete_ticket(seen.ticket)
    storage.delete_prefix(f"uploads/{number}/")
    storage.delete_prefix(f"files/{number}/")
    _record(Action.DELETE_DRAFT, number)


# ----------------------------------------------------------------------------------------- acting
def act(ports: Ports, actor: Actor, command: ActOnTicket) -> TicketSeen:
    """Apply one action of the transition table (submit, take in charge, assign, ask, answer, accept,
    refuse, close): authorized, its text checked, written with a history entry, or refused unchanged."""
    if command.action is Action.ASSIGN and command.assignee_id is None:
        raise InvalidInput([FieldError("assignee_id", messages.ASSIGNEE_REQUIRED)])
    seen = load_visible(ports, actor, command.number)
    ticket, action = seen.ticket, command.action
    transition = lifecycle.authorize(action, seen.sides, ticket.status, command.number)
    comment = lifecycle.require_text(transition, ticket.status, command.text)
    target = transition.target_from(ticket.status)
    assert target is not None
    now = utc_now()
    update: dict[str, Any] = {"status": target, "version": ticket.version + 1, "updated_at": now}
    if action is Action.SUBMIT:
        ticket, errors = _routed(ports, ticket, submitting=True)
        if errors:
            raise InvalidInput(errors)
    if action in (Action.TAKE_IN_CHARGE, Action.ASSIGN):
        update["assignee"] = _assignee(ports, actor, ticket, command.assignee_id)
    if target is Status.CLOSED:
        update["closed_at"] = now
    if target is Status.RESOLVED:
        update["resolved_at"] = now  # the automatic closing's clock starts again (usecases.autoclose)
    entry = history_entry(ticket, actor.person, transition.side, action, target, comment, update.get("assignee"))
    updated = ticket.model_copy(update={**update, "history": (*ticket.history, entry)})
    ports.tickets.save_ticket(updated, ticket.version, entry, previous=seen.ticket)
    _record(action, command.number)
    return TicketSeen(updated, sides_of(actor, updated))  # a submission adds the recipient's side


def _assignee(ports: Ports, actor: Actor, ticket: Ticket, assignee_id: str | None) -> Person:
    me = actor.person
    if assignee_id is None or assignee_id == me.id:
        return me
    assert ticket.recipient is not None
    profile, memberships = ports.directory.load_user(assignee_id)
    if profile is None or not any(m.org == ticket.recipient.org for m in memberships):
        raise InvalidInput([FieldError("assignee_id", messages.ASSIGNEE_NOT_AGENT)])
    return Person(id=profile.id, name=profile.name)


def list_agents(ports: Ports, actor: Actor, number: int) -> list[tuple[UserProfile, Membership]]:
    """The agents a ticket can be assigned to: the members of its recipient organisation (recipient side
    only), by name."""
    seen = load_visible(ports, actor, number)
    if Side.RECIPIENT not in seen.sides:
        raise Forbidden(messages.RECIPIENT_ONLY.format(action=messages.LIST_AGENTS_ACTION))
    assert seen.ticket.recipient is not None
    return sorted(ports.directory.list_members(seen.ticket.recipient.org), key=lambda pm: pm[0].name)


def _record(action: Action, number: int, **fields: Any) -> None:
    logger.info("ticket action applied", action=action.value, ticket_number=number, **fields)
    metrics.add_metric(name=f"Ticket{action.value.title().replace('_', '')}", unit="Count", value=1)
