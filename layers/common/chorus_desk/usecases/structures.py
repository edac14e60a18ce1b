"""« Activer / inactiver ma structure »: show a structure to confirm, activate it, start and follow its
inactivation; and the steps of the inactivation state machine, which act as the system caller.

Who may act is checked before anything happens: the API and the assistant check the whole procedure — the
caller belongs to the structure, it is public, they manage it, it is in the state the action needs, Sirene's
verdict, the takeover structure — before any lock, operation, execution or mail. The machine's steps check
the same rules again with the same functions, as a guard: things may change between the confirmation and
the run. A caller who does not belong to a structure gets the answer of an unknown SIRET, which names
nothing. Each refusal is an exception whose class name is the machine's named error (``errors``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chorus_desk import listing, messages
from chorus_desk.actors import SignedInUser, SystemActor
from chorus_desk.errors import (
    ConcurrentModification,
    NotFound,
    OperationRunning,
    RequesterNotManager,
    StorageUnavailable,
    StructureAlreadyActive,
    StructureAlreadyInactive,
    StructureClosedInRegistry,
    StructureNotPublic,
    StructureUnknown,
    TakeoverInactive,
    TakeoverNotManaged,
    TakeoverPrivate,
    TakeoverRequired,
    TakeoverSameStructure,
    TakeoverUnknown,
)
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.listing import Direction, ListQuery, RowKind, Sort
from chorus_desk.models import (
    Membership,
    Operation,
    OperationState,
    OrgKind,
    OrgRef,
    Recipient,
    Role,
    Structure,
    utc_now,
)
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import CompanyRegistry, Establishment, Ports, Workflow
from chorus_desk.usecases.tickets import history_entry

MANAGERS = frozenset({Role.PRINCIPAL_MANAGER, Role.SECONDARY_MANAGER})
MOVED_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.RESOLVED)  # not closed
LOCK_SECONDS = 6 * 3600  # a lock older than the longest execution is stale (a crashed start)
SYSTEM = SystemActor(name="structures")
REROUTE_ATTEMPTS = 3


def _ref(siret: str) -> OrgRef:
    return OrgRef(kind=OrgKind.STRUCTURE, id=siret)


def _membership(memberships: Iterable[Membership], siret: str) -> Membership | None:
    return next((m for m in memberships if m.org == _ref(siret)), None)


def _structure(ports: Ports, siret: str) -> Structure:
    """A structure the machine's later steps need (the requester's rights were checked before)."""
    structure = ports.directory.load_structure(siret)
    if structure is None:
        raise StructureUnknown(messages.STRUCTURE_NOT_YOURS)
    return structure


def _managed(ports: Ports, memberships: Iterable[Membership], siret: str) -> tuple[Structure, Role]:
    """The structure ``siret`` and the caller's role in it, if the caller may go through the procedure on it:
    they belong to it (else the one answer of an unknown SIRET, naming nothing: the structure is not even
    read), it is public (seed 004), and they manage it (a simple member knows the structure: told by name)."""
    membership = _membership(memberships, siret)
    structure = ports.directory.load_structure(siret) if membership is not None else None
    if membership is None or structure is None:
        raise StructureUnknown(messages.STRUCTURE_NOT_YOURS)
    if not structure.public:
        raise StructureNotPublic(messages.STRUCTURE_NOT_PUBLIC.format(name=structure.designation))
    if membership.role not in MANAGERS:
        raise RequesterNotManager(messages.NOT_A_MANAGER.format(name=structure.designation))
    return structure, membership.role


def _takeover(ports: Ports, memberships: Iterable[Membership], siret: str, takeover: str | None) -> Structure:
    """The structure taking over from ``siret``: given, another one, known to the caller (else one answer for
    unknown and not theirs, naming nothing), active, public, and managed by the caller."""
    if takeover is None:
        raise TakeoverRequired(messages.TAKEOVER_REQUIRED)
    if takeover == siret:
        raise TakeoverSameStructure(messages.TAKEOVER_SAME)
    membership = _membership(memberships, takeover)
    structure = ports.directory.load_structure(takeover) if membership is not None else None
    if membership is None or structure is None:
        raise TakeoverUnknown(messages.TAKEOVER_NOT_YOURS)
    if not structure.active:
        raise TakeoverInactive(messages.TAKEOVER_INACTIVE.format(name=structure.designation))
    if not structure.public:
        raise TakeoverPrivate(messages.TAKEOVER_PRIVATE.format(name=structure.designation))
    if membership.role not in MANAGERS:
        raise TakeoverNotManaged(messages.TAKEOVER_NOT_MANAGED.format(name=structure.designation))
    return structure


# ---------------------------------------------------------------------------------------- the API
@dataclass(frozen=True)
class StructureShown:
    """What the procedure shows before the user confirms: the structure in Chorus Pro and in Sirene, and the
    takeover structure when one was given to check."""

    structure: Structure
    establishment: Establishment
    role: Role
    takeover: Structure | None = None


def show_structure(
    ports: Ports, registry: CompanyRegistry, user: SignedInUser, siret: str, takeover_siret: str | None = None
) -> StructureShown:
    """The structure to confirm, for its managers only, public ones only; with ``takeover_siret``, the
    takeover checked as the inactivation will check it (so the user may give another one before confirming).
    Sirene is asked only once the caller's rights are checked."""
    structure, role = _managed(ports, user.memberships, siret)
    takeover = _takeover(ports, user.memberships, siret, takeover_siret) if takeover_siret is not None else None
    return StructureShown(structure, registry.lookup(siret), role, takeover)


def takeover_for(ports: Ports, user: SignedInUser, siret: str, takeover_siret: str) -> Structure:
    """The takeover structure ``takeover_siret`` for the inactivation of ``siret`` by ``user``, checked as the
    inactivation will check it (the assistant asks for it at once, before the confirmation)."""
    return _takeover(ports, user.memberships, siret, takeover_siret)


def activate(ports: Ports, registry: CompanyRegistry, user: SignedInUser, siret: str) -> StructureShown:
    """The confirmed activation: a manager's, of an inactive structure that Sirene does not say closed."""
    shown = show_structure(ports, registry, user, siret)
    if shown.structure.active:
        raise StructureAlreadyActive(messages.STRUCTURE_ALREADY_ACTIVE.format(name=shown.structure.designation))
    if not shown.establishment.open:
        raise StructureClosedInRegistry(messages.STRUCTURE_CLOSED_IN_REGISTRY.format(siret=siret))
    if not ports.reference.set_structure_active(siret, True):  # activated meanwhile by another manager
        raise StructureAlreadyActive(messages.STRUCTURE_ALREADY_ACTIVE.format(name=shown.structure.designation))
    logger.info("structure activated", siret=siret)
    metrics.add_metric(name="StructureActivated", unit="Count", value=1)
    return StructureShown(shown.structure.model_copy(update={"active": True}), shown.establishment, shown.role)


def start_inactivation(
    ports: Ports,
    registry: CompanyRegistry,
    workflow: Workflow,
    user: SignedInUser,
    siret: str,
    takeover_siret: str | None,
) -> Operation:
    """A confirmed inactivation, checked as the machine will check it — the requester manages the public
    structure, it is active, the takeover if one is given, Sirene's verdict (a takeover is required while the
    establishment is open) — then started: nothing is locked, stored, started or mailed before every check
    passed. The machine checks again (the world may change before it runs)."""
    structure, _ = _managed(ports, user.memberships, siret)
    if not structure.active:
        raise StructureAlreadyInactive(messages.STRUCTURE_ALREADY_INACTIVE.format(name=structure.designation))
    if takeover_siret is not None:
        _takeover(ports, user.memberships, siret, takeover_siret)
    if registry.lookup(siret).open and takeover_siret is None:
        raise TakeoverRequired(messages.TAKEOVER_REQUIRED)
    return begin_inactivation(ports, workflow, user, siret, takeover_siret)


def begin_inactivation(
    ports: Ports, workflow: Workflow, user: SignedInUser, siret: str, takeover_siret: str | None
) -> Operation:
    """The operation, the structure's lock and the execution of an inactivation whose checks passed; answers
    at once with the operation. One operation per structure at a time (the lock item is taken with the
    operation, in one transaction)."""
    operation = Operation(
        id=f"inactivation-{siret}-{uuid.uuid4().hex[:12]}",
        siret=siret,
        takeover_siret=takeover_siret,
        requester=user.person,
        started_at=utc_now(),
    )
    if not ports.operations.begin(operation, LOCK_SECONDS):
        raise OperationRunning(messages.OPERATION_RUNNING.format(siret=siret))
    payload = {"operation_id": operation.id, "siret": siret, "takeover_siret": takeover_siret, "requester_id": user.id}
    try:
        workflow.start(operation.id, payload)
    except Exception:
        finished = operation.model_copy(
            update={"state": OperationState.FAILED, "finished_at": utc_now(), "message": messages.OPERATION_NOT_STARTED}
        )
        ports.operations.finish(finished)
        raise
    metrics.add_metric(name="InactivationStarted", unit="Count", value=1)
    return operation


def operation_status(ports: Ports, user: SignedInUser, operation_id: str) -> Operation:
    """An operation, for the user who started it only (the same 404 as an unknown one for anyone else)."""
    operation = ports.operations.load_operation(operation_id)
    if operation is None or operation.requester.id != user.id:
        raise NotFound(messages.OPERATION_NOT_FOUND)
    return operation


# --------------------------------------------------------------------------- the machine's steps
@dataclass(frozen=True)
class Step:
    """The state machine's input, as each step receives it."""

    operation_id: str
    siret: str
    takeover_siret: str | None
    requester_id: str

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Step:
        return cls(
            operation_id=str(payload["operation_id"]),
            siret=str(payload["siret"]),
            takeover_siret=payload.get("takeover_siret") or None,
            requester_id=str(payload["requester_id"]),
        )


def check_requester(ports: Ports, step: Step) -> dict[str, Any]:
    """The requester still belongs to the structure, which is public, and manages it; it is still active."""
    _, memberships = ports.directory.load_user(step.requester_id)
    structure, _ = _managed(ports, memberships, step.siret)
    if not structure.active:
        raise StructureAlreadyInactive(messages.STRUCTURE_ALREADY_INACTIVE.format(name=structure.designation))
    return {"designation": structure.designation}


def look_up_registry(registry: CompanyRegistry, step: Step) -> dict[str, Any]:
    """Sirene's verdict: is the establishment still open? (``RegistryUnavailable`` is retried by the machine.)"""
    establishment = registry.lookup(step.siret)
    return {"open": establishment.open}


def check_takeover(ports: Ports, step: Step) -> dict[str, Any]:
    """The structure is still open in Sirene: another structure must take over what it receives. It must
    exist in Chorus Pro, be active and public, be another one, and the requester must manage it too."""
    _, memberships = ports.directory.load_user(step.requester_id)
    structure = _takeover(ports, memberships, step.siret, step.takeover_siret)
    return {"designation": structure.designation}


def move_batch(ports: Ports, step: Step, batch_size: int) -> dict[str, Any]:
    """Move up to ``batch_size`` items from the structure to the takeover: payment requests first, then
    the tickets it received that are not closed. A moved item leaves the structure's partitions, so each
    call takes the next ones: after a fault the machine retries the step and goes on (rolled forward);
    nothing is ever half-moved (each item moves in one conditional write), nothing moves twice (a write is
    conditioned on the item still being the structure's).

    ``done`` is decided on what the reads *found*, not on what moved: an index read is eventually
    consistent, so a batch may meet items an earlier batch moved already (found, not moved again); only a
    read that found fewer items than it asked for ends the loop. Such a read may also have missed a ticket
    that arrived just before: the loop ends only when the structure's received counters (written with the
    tickets, read strongly consistent) hold no ticket left to move. If they still do and the batch moved
    nothing, the index is behind: ``StorageUnavailable``, which the machine retries after a pause. What moved
    is added to the operation's totals even when an item fails half-way through the batch (the retried batch
    will not meet it again)."""
    assert step.takeover_siret is not None
    takeover = _structure(ports, step.takeover_siret)
    payments = tickets = 0
    try:
        received = ports.payments.received_by(step.siret, batch_size)
        for payment in received:
            payments += ports.payments.redirect(payment, takeover.siret)
        left = batch_size - len(received)
        found = 0
        if left > 0:
            partitions = tuple(
                listing.partition_key(RowKind.R, _ref(step.siret).key, status) for status in MOVED_STATUSES
            )
            query = ListQuery(partitions=partitions, sort=Sort.NUMBER, direction=Direction.ASC, size=left)
            page = ports.lists.page(query)
            found = len(page.rows)
            for row in page.rows:
                tickets += _reroute(ports, row.number, step.siret, takeover)
    finally:
        if payments or tickets:
            ports.operations.count_moved(step.operation_id, payments, tickets)
    done = left > 0 and found < left
    if done:
        remaining = _tickets_left(ports, step.siret)
        if remaining:
            logger.warning("index behind the counters", siret=step.siret, remaining=remaining)
            if not (payments or tickets):
                raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
            done = False
    logger.info("structure items moved", siret=step.siret, payments=payments, tickets=tickets, done=done)
    return {"payments": payments, "tickets": tickets, "done": done}


def _tickets_left(ports: Ports, siret: str) -> int:
    """How many tickets the structure receives that the move takes, by its counters (a consistent read)."""
    counts = ports.lists.counts(RowKind.R, _ref(siret).key, consistent=True)
    return sum(counts.total.get(status, 0) for status in MOVED_STATUSES)


def _reroute(ports: Ports, number: int, siret: str, takeover: Structure) -> int:
    """Re-route one ticket received by ``siret`` to the takeover structure, with a history entry by the
    system caller; its list rows and counters move in the same write. 1 if moved, 0 if it was not there."""
    for _ in range(REROUTE_ATTEMPTS):
        ticket = ports.tickets.load_ticket(number)
        if ticket is None or ticket.recipient is None or ticket.recipient.org != _ref(siret):
            return 0  # moved by an earlier attempt, or re-routed otherwise meanwhile
        if ticket.status not in MOVED_STATUSES:
            return 0
        comment = messages.REROUTED_COMMENT.format(old=ticket.recipient.name, new=takeover.designation)
        entry = history_entry(ticket, SYSTEM.person, Side.RECIPIENT, Action.REROUTE, ticket.status, comment)
        updated = ticket.model_copy(
            update={
                "recipient": Recipient(org=takeover.ref, name=takeover.designation),
                "assignee": None,  # the old structure's agent cannot act for the new one
                "version": ticket.version + 1,
                "updated_at": entry.at,
                "history": (*ticket.history, entry),
            }
        )
        try:
            ports.tickets.save_ticket(updated, ticket.version, entry, previous=ticket)
        except ConcurrentModification:
            continue  # someone acted on the ticket meanwhile: read it again
        return 1
    raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=number))


def inactivate(ports: Ports, step: Step) -> dict[str, Any]:
    """Inactivate the structure (a retried step finds it inactive already: done all the same)."""
    if not ports.reference.set_structure_active(step.siret, False):
        structure = _structure(ports, step.siret)
        if structure.active:
            raise ConcurrentModification(messages.STRUCTURE_CHANGED.format(name=structure.designation))
    metrics.add_metric(name="StructureInactivated", unit="Count", value=1)
    return {"inactive": True}


# The failures whose own French message tells the requester what happened; any other failure (storage past
# the retries, a timeout, a bug) is told with ``OPERATION_FAILED``, which says what to do.
SPOKEN_FAILURES = frozenset({"RegistryUnavailable"})


def _failure(failure: dict[str, Any] | None, outcome: OperationState) -> tuple[str, str]:
    """The named error and the French message of a caught failure (a Lambda error's Cause is the runtime's
    JSON document, whose ``errorMessage`` is the exception's French message)."""
    failure = failure or {}
    error = str(failure.get("Error") or "InactivationFailed")
    cause = failure.get("Cause")
    message = None
    if isinstance(cause, str):
        try:
            parsed = json.loads(cause)
            message = parsed.get("errorMessage") if isinstance(parsed, dict) else None
        except ValueError:
            message = None
    spoken = outcome is OperationState.REFUSED or error in SPOKEN_FAILURES
    if not message or not isinstance(message, str) or not spoken:
        message = messages.OPERATION_FAILED
    return error, message


def record_outcome(ports: Ports, step: Step, outcome: str, failure: dict[str, Any] | None) -> dict[str, Any]:
    """Write the outcome on the operation and release the structure's lock; the outcome's mail leaves
    through the mail function (the operation's change on the table's stream)."""
    operation = ports.operations.load_operation(step.operation_id)
    if operation is None:  # pragma: no cover - the API stores it before starting the machine
        raise NotFound(messages.OPERATION_NOT_FOUND)
    state = OperationState(outcome)
    if state is OperationState.SUCCEEDED:
        error, message = (
            None,
            messages.INACTIVATION_DONE.format(
                siret=step.siret, payments=operation.moved_payments, tickets=operation.moved_tickets
            ),
        )
    else:
        error, message = _failure(failure, state)
    ports.operations.finish(
        operation.model_copy(update={"state": state, "finished_at": utc_now(), "error": error, "message": message})
    )
    logger.info("structure operation finished", operation_id=step.operation_id, state=state.value, error=error)
    return {"error": error or "", "cause": message}
