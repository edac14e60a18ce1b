"""Who receives a ticket, from the routing rule of its catalogue pair (one resolver per rule).

The same resolvers check a draft as it is saved (only the values given are checked) and a ticket as it
is submitted (the rule's mandatory fields too, and the recipient must be found). A draft's recipient is
found as soon as it has what its rule needs (the pair of a team; the object's number; the recipient's
SIRET), and found again at submission from the data of that moment. For a ticket about a payment request
the recipient is the request's, read from the reference data: never a value of the emitter's request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chorus_desk import catalogue, messages
from chorus_desk.catalogue import RoutingRule, SubCategory
from chorus_desk.errors import FieldError
from chorus_desk.models import Recipient, Structure, Team, Ticket, TicketContent
from chorus_desk.ports import Ports


@dataclass
class Routing:
    """The outcome of a rule: the recipient (when it could be found) and the errors of the fields."""

    recipient: Recipient | None = None
    errors: list[FieldError] = field(default_factory=list)


def filled(content: TicketContent) -> TicketContent:
    """``content`` with the fields its pair fills left empty by the emitter now filled (the object type of a
    pair that admits one type only). A value the emitter gave is kept, to be checked by the resolver."""
    sub = catalogue.find(content.category, content.subcategory)
    if sub is None or sub.object_type is None or content.object_type is not None:
        return content
    return content.model_copy(update={"object_type": sub.object_type})


def _team(ports: Ports, _ticket: Ticket, sub: SubCategory, _submitting: bool) -> Routing:
    """The technical support, or the office the pair names (the justice-fee regulation office): known from
    the pair alone, a draft's too."""
    assert sub.team is not None
    team = ports.directory.load_team(sub.team) or Team(id=sub.team, name=messages.TEAM_NAMES[sub.team])
    return Routing(Recipient(org=team.ref, name=team.name))


def _object_recipient(ports: Ports, ticket: Ticket, sub: SubCategory, submitting: bool) -> Routing:
    """The recipient of the payment request the ticket is about (seed 001: « envoyé au destinataire de cet objet »).

    The type is the pair's when the emitter gave none (``filled``); a draft without the number, or without
    the emitter structure to look it up for, has no recipient yet."""
    assert sub.object_type is not None
    out = Routing()
    kind, number = ticket.content.object_type or sub.object_type, ticket.content.object_number
    if kind is not sub.object_type:
        out.errors.append(
            FieldError(
                "object_type",
                messages.OBJECT_TYPE_MISMATCH.format(
                    given=kind.label, subcategory=sub.label, expected=sub.object_type.label
                ),
            )
        )
    if number is None and submitting:
        out.errors.append(FieldError("object_number", messages.OBJECT_NUMBER_REQUIRED))
    emitter_siret = ticket.content.emitter_siret
    if out.errors or number is None or emitter_siret is None:
        return out  # nothing to look up yet (a draft), or already refused
    request = ports.payments.load_payment_request(emitter_siret, kind, number)
    if request is None:  # unknown, of another type, or another emitter's: the same answer
        out.errors.append(FieldError("object_number", messages.OBJECT_NOT_FOUND))
        return out
    if request.recipient_siret is None:
        message = messages.OBJECT_DRAFT_WITHOUT_RECIPIENT.format(The_object=kind.the.capitalize(), number=number)
        out.errors.append(FieldError("object_number", message))
        return out
    structure = ports.directory.load_structure(request.recipient_siret)
    if structure is None:
        message = messages.OBJECT_RECIPIENT_UNKNOWN.format(the_object=kind.the, number=number)
        out.errors.append(FieldError("object_number", message))
        return out
    service = structure.service(request.recipient_service) if request.recipient_service else None
    out.recipient = Recipient(org=structure.ref, name=structure.designation, service=service)
    return out


def _recipient_structure(ports: Ports, ticket: Ticket, _sub: SubCategory, submitting: bool) -> Routing:
    """A public structure the emitter names by SIRET, optionally one of its services (« Question pour une
    entité publique »)."""
    out = Routing()
    content = ticket.content
    flag, siret, service_code = content.recipient_is_state_service, content.recipient_siret, content.recipient_service
    if flag is None and submitting:
        out.errors.append(FieldError("recipient_is_state_service", messages.RECIPIENT_STATE_FLAG_REQUIRED))
    if siret is None:
        if service_code is not None:
            out.errors.append(FieldError("recipient_service", messages.RECIPIENT_SERVICE_WITHOUT_STRUCTURE))
        if submitting:
            out.errors.append(FieldError("recipient_siret", messages.RECIPIENT_SIRET_REQUIRED))
        return out
    if siret == content.emitter_siret:
        out.errors.append(FieldError("recipient_siret", messages.RECIPIENT_IS_EMITTER))
        return out
    structure = ports.directory.load_structure(siret)
    problem = _unfit_recipient(siret, structure)
    if problem:
        out.errors.append(FieldError("recipient_siret", problem))
        return out
    assert structure is not None
    service = structure.service(service_code) if service_code else None
    if service_code and service is None:
        message = messages.RECIPIENT_SERVICE_UNKNOWN.format(code=service_code, siret=siret)
        out.errors.append(FieldError("recipient_service", message))
        return out
    out.recipient = Recipient(org=structure.ref, name=structure.designation, service=service, is_state_service=flag)
    return out


def _unfit_recipient(siret: str, structure: Structure | None) -> str | None:
    if structure is None:
        return messages.RECIPIENT_UNKNOWN.format(siret=siret)
    if not structure.active:
        return messages.RECIPIENT_INACTIVE.format(siret=siret, name=structure.designation)
    if not structure.public:
        return messages.RECIPIENT_NOT_PUBLIC.format(siret=siret, name=structure.designation)
    return None


_RESOLVERS: dict[RoutingRule, Callable[[Ports, Ticket, SubCategory, bool], Routing]] = {
    RoutingRule.TECHNICAL_SUPPORT: _team,
    RoutingRule.OBJECT_RECIPIENT: _object_recipient,
    RoutingRule.RECIPIENT_STRUCTURE: _recipient_structure,
    RoutingRule.FIXED_OFFICE: _team,
}


def route(ports: Ports, ticket: Ticket, *, submitting: bool) -> Routing:
    """Check the routing fields of a ticket and, when it can be found, its recipient.

    Fields that the ticket's pair does not use are refused (they are shown only for some pairs). When
    ``submitting``, the rule's mandatory fields must be there and the recipient must be found; a draft's
    recipient is ``None`` until its routing data is complete. Give the content through ``filled`` first.
    """
    sub = catalogue.find(ticket.content.category, ticket.content.subcategory)
    out = Routing()
    for name in catalogue.ROUTING_FIELDS:
        if getattr(ticket.content, name) is None:
            continue
        label = messages.field_label(name)
        if sub is None:
            out.errors.append(FieldError(name, messages.FIELD_NEEDS_SUBCATEGORY.format(label=label)))
        elif not sub.accepts(name):
            message = messages.FIELD_NOT_FOR_SUBCATEGORY.format(label=label, subcategory=sub.label)
            out.errors.append(FieldError(name, message))
    if sub is None or out.errors:
        return out
    return _RESOLVERS[sub.routing](ports, ticket, sub, submitting)
