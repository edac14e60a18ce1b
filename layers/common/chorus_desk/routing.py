"""Who receives a submitted ticket, from the routing rule of its catalogue pair (one resolver per rule)."""

from __future__ import annotations

from collections.abc import Callable

from chorus_desk import catalogue
from chorus_desk.catalogue import RoutingRule
from chorus_desk.models import Recipient, Team, Ticket
from chorus_desk.repository import get_repository

SUPPORT_TEAM_ID = "SUPPORT"
SUPPORT_TEAM_NAME = "Support technique Chorus Pro"


def _technical_support(_ticket: Ticket) -> Recipient:
    team = get_repository().load_team(SUPPORT_TEAM_ID) or Team(id=SUPPORT_TEAM_ID, name=SUPPORT_TEAM_NAME)
    return Recipient(org=team.ref, name=team.name)


_RESOLVERS: dict[RoutingRule, Callable[[Ticket], Recipient]] = {
    RoutingRule.TECHNICAL_SUPPORT: _technical_support,
}


def recipient_for(ticket: Ticket) -> Recipient:
    """The recipient of a ticket about to be submitted (its category pair is already validated)."""
    assert ticket.category is not None
    assert ticket.subcategory is not None
    _, sub = catalogue.resolve(ticket.category, ticket.subcategory)
    return _RESOLVERS[sub.routing](ticket)
