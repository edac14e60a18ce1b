"""The ports' contract: the same assertions against the in-memory adapters and the DynamoDB ones (moto),
and for the file storage, against the in-memory one and S3 (moto).

Everything goes through the ports (``chorus_desk.ports``): no adapter attribute, no private name. The
tickets are built here, with the people, structures and payment requests of tests/fixtures.py.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import boto3
import pytest

from chorus_desk import captcha
from chorus_desk.adapters.memory.files import MemoryFiles
from chorus_desk.adapters.s3 import S3Files
from chorus_desk.catalogue import SUPPORT_TEAM_ID
from chorus_desk.errors import ConcurrentModification
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import (
    Attachment,
    AttachmentState,
    Challenge,
    Emitter,
    HistoryEntry,
    Membership,
    ObjectType,
    OrgKind,
    OrgRef,
    Person,
    Recipient,
    Role,
    Service,
    Structure,
    Ticket,
    TicketContent,
    UserProfile,
)
from chorus_desk.ports import Claim, FileStorage, Ports
from local_stack.aws import serialize_dynamodb_writes
from tests.fixtures import (
    CH_VIENNE,
    DUPONT,
    EMAILS,
    GREL,
    INACTIVE,
    MARTIN,
    NAMES,
    PAYMENT_REQUESTS,
    SAINT_LEGER,
    STRUCTURES,
    TEAMS,
    USER_IDS,
)
from tests.support import BucketObjects, MemoryObjects, Objects

T0 = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
PARIS_SUMMER = timezone(timedelta(hours=2))
NEW_SIRET = "44290600400001"  # not in the tests' world
T = TypeVar("T")


@pytest.fixture(params=["memory", "dynamo"])
def ports(request: pytest.FixtureRequest) -> Ports:
    """The tests' world in one implementation of the ports: in memory, then DynamoDB (moto)."""
    seeded: Ports = request.getfixturevalue(request.param)
    return seeded


@pytest.fixture(params=["memory", "s3"])
def storage(request: pytest.FixtureRequest) -> tuple[FileStorage, Objects]:
    """One implementation of the file storage (in memory, then S3 on moto), and its objects as a client
    reaches them directly."""
    if request.param == "memory":
        files = MemoryFiles()
        return files, MemoryObjects(files)
    request.getfixturevalue("aws")
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    return S3Files(bucket), BucketObjects(boto3.client("s3"), bucket)


# ------------------------------------------------------------------------------------------- factory
def person(alias: str) -> Person:
    return Person(id=USER_IDS[alias], name=NAMES[alias])


def org(siret: str) -> OrgRef:
    return OrgRef(kind=OrgKind.STRUCTURE, id=siret)


def make_ticket(number: int, **changes: Any) -> Ticket:
    """A ticket with every field set (emitter Dupont, recipient Saint-Léger, taken in charge by Hugo)."""
    dupont, saint_leger = STRUCTURES[DUPONT], STRUCTURES[SAINT_LEGER]
    ticket = Ticket(
        number=number,
        status=Status.IN_PROGRESS,
        version=1,
        created_at=T0,
        updated_at=T0 + timedelta(hours=3),
        submitted_at=(T0 + timedelta(minutes=5)).astimezone(PARIS_SUMMER),
        closed_at=None,
        created_by=person("marie"),
        content=TicketContent(
            category="FACTURES_EMISES",
            subcategory="QUESTION_ENTITE_PUBLIQUE",
            emitter_siret=DUPONT,
            emitter_service="ATELIER",
            contact_email="marie.dupont@menuiserie-dupont.example",
            contact_phone="+33 4 72 00 00 00",
            title="Facture FAC-2026-0101 toujours en attente",
            description="Bonjour,\nla facture envoyée le 2 février n'est pas encore payée. « Merci » !",
            object_type=ObjectType.INVOICE,
            object_number="FAC-2026-0101",
            recipient_is_state_service=False,
            recipient_siret=SAINT_LEGER,
            recipient_service="FINANCES",
        ),
        emitter=Emitter(siret=DUPONT, designation=dupont.designation, service=dupont.service("ATELIER")),
        recipient=Recipient(
            org=saint_leger.ref,
            name=saint_leger.designation,
            service=saint_leger.service("FINANCES"),
            is_state_service=False,
        ),
        assignee=person("hugo"),
    )
    return ticket.model_copy(update=changes)


def make_entry(
    seq: int,
    action: Action = Action.CREATE_AND_SUBMIT,
    to_status: Status = Status.OPEN,
    *,
    from_status: Status | None = None,
    actor: str = "marie",
    side: Side = Side.EMITTER,
    comment: str | None = None,
    assignee: str | None = None,
    at: datetime = T0,
) -> HistoryEntry:
    return HistoryEntry(
        seq=seq,
        at=at,
        actor=person(actor),
        side=side,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        assignee=person(assignee) if assignee else None,
    )


def inserted(ports: Ports, **changes: Any) -> tuple[Ticket, HistoryEntry]:
    """A new ticket (fresh number) and its first entry, stored; returns them as stored (with history)."""
    ticket = make_ticket(ports.tickets.next_ticket_number(), **changes)
    entry = make_entry(1)
    ports.tickets.insert_ticket(ticket, entry)
    return ticket.model_copy(update={"history": (entry,)}), entry


def taken_in_charge(ticket: Ticket) -> tuple[Ticket, HistoryEntry]:
    """The next version of an open ticket: Hugo takes it in charge (one more history entry)."""
    entry = make_entry(
        len(ticket.history) + 1,
        Action.TAKE_IN_CHARGE,
        Status.IN_PROGRESS,
        from_status=Status.OPEN,
        actor="hugo",
        side=Side.RECIPIENT,
        comment="Je regarde cela.",
        assignee="hugo",
        at=T0 + timedelta(hours=1),
    )
    changed = ticket.model_copy(
        update={"version": ticket.version + 1, "updated_at": entry.at, "history": (*ticket.history, entry)}
    )
    return changed, entry


def assert_same_datetimes(loaded: Ticket, expected: Ticket) -> None:
    """Equal instants are not enough: the offsets must survive too (and never come back naive)."""
    for name in ("created_at", "updated_at", "submitted_at", "closed_at"):
        got, want = getattr(loaded, name), getattr(expected, name)
        assert (got, got and got.utcoffset()) == (want, want and want.utcoffset()), name
    for got_entry, want_entry in zip(loaded.history, expected.history, strict=True):
        assert got_entry.at.utcoffset() == want_entry.at.utcoffset()


# --------------------------------------------------------------------------------------- TicketStore
def test_next_ticket_number_is_unique_and_increasing(ports: Ports) -> None:
    numbers = [ports.tickets.next_ticket_number() for _ in range(6)]

    assert numbers == sorted(set(numbers))
    assert len(numbers) == 6


def test_load_ticket_of_an_unknown_number_is_none(ports: Ports) -> None:
    assert ports.tickets.load_ticket(987654) is None


def test_insert_then_load_returns_the_same_ticket_with_its_first_entry(ports: Ports) -> None:
    ticket = make_ticket(
        ports.tickets.next_ticket_number(), status=Status.CLOSED, closed_at=T0 + timedelta(days=3, seconds=1)
    )
    entry = make_entry(1, comment="Première demande", at=(T0 + timedelta(seconds=1)).astimezone(PARIS_SUMMER))

    ports.tickets.insert_ticket(ticket, entry)
    loaded = ports.tickets.load_ticket(ticket.number)

    expected = ticket.model_copy(update={"history": (entry,)})
    assert loaded is not None
    assert loaded == expected
    assert loaded.content == ticket.content
    assert (loaded.emitter, loaded.recipient, loaded.assignee) == (ticket.emitter, ticket.recipient, ticket.assignee)
    assert loaded.history == (entry,)
    assert_same_datetimes(loaded, expected)


def test_a_tickets_attachments_come_back_as_saved(ports: Ports) -> None:
    """Every state of a file, its optional fields set or not, its name and times as given."""
    ticket, _ = inserted(ports, status=Status.AWAITING_INFO)
    attachments = (
        Attachment(
            id="hV3kq9ZpTnE2xW7bLcR4mA8s",
            name="Relevé d'échéance – mars.pdf",
            content_type="application/pdf",
            declared_size=48213,
            size=48213,
            side=Side.EMITTER,
            step=Status.DRAFT,
            added_by=person("marie"),
            added_at=(T0 + timedelta(minutes=1)).astimezone(PARIS_SUMMER),
            state=AttachmentState.AVAILABLE,
        ),
        Attachment(
            id="pending-1",
            name="scan.png",
            content_type="image/png",
            declared_size=1,
            side=Side.RECIPIENT,
            step=Status.IN_PROGRESS,
            added_by=person("hugo"),
            added_at=T0 + timedelta(hours=1),
        ),
        Attachment(
            id="refused-1",
            name="faux.pdf",
            content_type="application/pdf",
            declared_size=10,
            side=Side.EMITTER,
            step=Status.AWAITING_INFO,
            added_by=person("paul"),
            added_at=T0 + timedelta(hours=2),
            state=AttachmentState.REFUSED,
            refusal="le contenu du fichier ne correspond pas à un fichier « .pdf »",
        ),
    )
    changed = ticket.model_copy(update={"version": 2, "attachments": attachments})

    ports.tickets.save_ticket(changed, expected_version=1, entry=None)

    loaded = ports.tickets.load_ticket(ticket.number)
    assert loaded is not None
    assert loaded.attachments == attachments
    assert loaded == changed
    assert [a.added_at.utcoffset() for a in loaded.attachments] == [a.added_at.utcoffset() for a in attachments]


def test_insert_then_load_a_bare_draft(ports: Ports) -> None:
    """The optional fields left empty come back empty (not as empty strings or empty objects)."""
    number = ports.tickets.next_ticket_number()
    draft = Ticket(
        number=number, status=Status.DRAFT, version=1, created_at=T0, updated_at=T0, created_by=person("julie")
    )
    entry = make_entry(1, Action.CREATE_DRAFT, Status.DRAFT, actor="julie")

    ports.tickets.insert_ticket(draft, entry)

    assert ports.tickets.load_ticket(number) == draft.model_copy(update={"history": (entry,)})


def test_insert_twice_the_same_number_conflicts_and_keeps_the_first(ports: Ports) -> None:
    first, _ = inserted(ports)
    other = make_ticket(first.number, created_by=person("paul"), content=TicketContent(title="Autre"))

    with pytest.raises(ConcurrentModification):
        ports.tickets.insert_ticket(other, make_entry(1, actor="paul"))

    assert ports.tickets.load_ticket(first.number) == first


def test_save_with_the_expected_version_and_a_new_entry(ports: Ports) -> None:
    ticket, first_entry = inserted(ports, status=Status.OPEN, assignee=None)
    changed, entry = taken_in_charge(ticket)
    changed = changed.model_copy(update={"status": Status.IN_PROGRESS, "assignee": person("hugo")})

    ports.tickets.save_ticket(changed, expected_version=1, entry=entry)

    loaded = ports.tickets.load_ticket(ticket.number)
    assert loaded is not None
    assert loaded == changed
    assert loaded.version == 2
    assert loaded.history == (first_entry, entry)
    assert_same_datetimes(loaded, changed)


def test_save_with_a_stale_version_conflicts_and_changes_nothing(ports: Ports) -> None:
    ticket, _ = inserted(ports, status=Status.OPEN)
    current, entry = taken_in_charge(ticket)
    ports.tickets.save_ticket(current, expected_version=1, entry=entry)
    late, late_entry = taken_in_charge(ticket)  # prepared from version 1, which is no longer stored
    late = late.model_copy(update={"assignee": person("claire"), "status": Status.AWAITING_INFO})

    with pytest.raises(ConcurrentModification):
        ports.tickets.save_ticket(late, expected_version=1, entry=late_entry.model_copy(update={"seq": 3}))

    assert ports.tickets.load_ticket(ticket.number) == current


def test_save_with_an_entry_whose_seq_exists_conflicts_and_changes_nothing(ports: Ports) -> None:
    ticket, _ = inserted(ports, status=Status.OPEN)
    changed, entry = taken_in_charge(ticket)

    with pytest.raises(ConcurrentModification):
        ports.tickets.save_ticket(changed, expected_version=1, entry=entry.model_copy(update={"seq": 1}))

    assert ports.tickets.load_ticket(ticket.number) == ticket


def test_save_without_an_entry_keeps_the_history(ports: Ports) -> None:
    """A draft edit: the ticket changes, its history does not."""
    number = ports.tickets.next_ticket_number()
    draft = Ticket(
        number=number, status=Status.DRAFT, version=1, created_at=T0, updated_at=T0, created_by=person("julie")
    )
    entry = make_entry(1, Action.CREATE_DRAFT, Status.DRAFT, actor="julie")
    ports.tickets.insert_ticket(draft, entry)
    edited = draft.model_copy(
        update={
            "version": 2,
            "updated_at": T0 + timedelta(minutes=20),
            "content": TicketContent(title="Brouillon complété", emitter_siret=DUPONT),
        }
    )

    ports.tickets.save_ticket(edited, expected_version=1, entry=None)

    assert ports.tickets.load_ticket(number) == edited.model_copy(update={"history": (entry,)})


def test_delete_with_the_current_version(ports: Ports) -> None:
    ticket, _ = inserted(ports, status=Status.DRAFT)
    loaded = ports.tickets.load_ticket(ticket.number)
    assert loaded is not None

    ports.tickets.delete_ticket(loaded)

    assert ports.tickets.load_ticket(ticket.number) is None


def test_delete_with_a_stale_version_conflicts_and_keeps_the_ticket(ports: Ports) -> None:
    ticket, _ = inserted(ports, status=Status.OPEN)
    current, entry = taken_in_charge(ticket)
    ports.tickets.save_ticket(current, expected_version=1, entry=entry)

    with pytest.raises(ConcurrentModification):
        ports.tickets.delete_ticket(ticket)

    assert ports.tickets.load_ticket(ticket.number) == current


@pytest.mark.parametrize(
    "ports",
    ["memory", "dynamo"],
    indirect=True,
)
def test_delete_of_a_ticket_someone_else_deleted_conflicts(ports: Ports) -> None:
    """Two deletes of one draft read at the same version: one wins, the other lost the race (DynamoDB: the
    tombstone of the winning delete carries the winner's token, not the loser's)."""
    ticket, _ = inserted(ports, status=Status.DRAFT)
    ports.tickets.delete_ticket(ticket)

    with pytest.raises(ConcurrentModification):
        ports.tickets.delete_ticket(ticket)


# ----------------------------------------------------------------------------------------- Directory
def memberships_of(ports: Ports, alias: str) -> set[tuple[str, Role]]:
    _, memberships = ports.directory.load_user(USER_IDS[alias])
    return {(m.org.key, m.role) for m in memberships}


def test_load_user_returns_the_profile_and_every_membership(ports: Ports) -> None:
    profile, memberships = ports.directory.load_user(USER_IDS["paul"])

    assert profile == UserProfile(id=USER_IDS["paul"], email=EMAILS["paul"], name=NAMES["paul"])
    assert {(m.org.key, m.role) for m in memberships} == {
        (org(DUPONT).key, Role.SECONDARY_MANAGER),
        (org(GREL).key, Role.USER),
    }
    assert {(m.org.key, m.org_name) for m in memberships} == {
        (org(DUPONT).key, STRUCTURES[DUPONT].designation),
        (org(GREL).key, STRUCTURES[GREL].designation),
    }
    assert len(memberships) == 2
    assert memberships_of(ports, "claire") == {
        (org(SAINT_LEGER).key, Role.PRINCIPAL_MANAGER),
        (org(INACTIVE).key, Role.SECONDARY_MANAGER),
    }
    assert memberships_of(ports, "sophie") == {(TEAMS[SUPPORT_TEAM_ID].ref.key, Role.PRINCIPAL_MANAGER)}


def test_load_user_of_an_unknown_user(ports: Ports) -> None:
    assert ports.directory.load_user("00000000-0000-4000-8000-999999999999") == (None, [])


def members(ports: Ports, ref: OrgRef) -> list[tuple[str, str, Role]]:
    found = ports.directory.list_members(ref)
    for profile, membership in found:
        alias = next(a for a, i in USER_IDS.items() if i == profile.id)
        assert profile == UserProfile(id=USER_IDS[alias], email=EMAILS[alias], name=NAMES[alias])
        assert membership.org == ref
    return sorted((profile.id, membership.org.key, membership.role) for profile, membership in found)


def test_list_members_returns_exactly_the_organisations_members_with_their_profiles(ports: Ports) -> None:
    dupont, support = org(DUPONT), TEAMS[SUPPORT_TEAM_ID].ref

    assert members(ports, dupont) == sorted(
        [
            (USER_IDS["marie"], dupont.key, Role.PRINCIPAL_MANAGER),
            (USER_IDS["paul"], dupont.key, Role.SECONDARY_MANAGER),
            (USER_IDS["julie"], dupont.key, Role.USER),
        ]
    )
    assert members(ports, support) == sorted(
        [(USER_IDS["sophie"], support.key, Role.PRINCIPAL_MANAGER), (USER_IDS["lucas"], support.key, Role.USER)]
    )
    assert members(ports, org(MARTIN)) == [(USER_IDS["nora"], org(MARTIN).key, Role.PRINCIPAL_MANAGER)]
    assert ports.directory.list_members(org(NEW_SIRET)) == []


def test_load_structure_returns_it_with_its_services_sorted_by_code(ports: Ports) -> None:
    for siret, structure in STRUCTURES.items():
        assert ports.directory.load_structure(siret) == structure
    unsorted = Structure(
        siret=NEW_SIRET,
        designation="Syndicat intercommunal",
        public=True,
        services=(Service(code="ZETA", name="Z"), Service(code="ALPHA", name="A"), Service(code="MU", name="M")),
    )
    ports.reference.put_reference_data(structures=[unsorted])

    loaded = ports.directory.load_structure(NEW_SIRET)

    assert loaded is not None
    assert [s.code for s in loaded.services] == ["ALPHA", "MU", "ZETA"]
    assert loaded == unsorted.model_copy(update={"services": tuple(sorted(unsorted.services, key=lambda s: s.code))})


def test_load_structure_of_an_unknown_siret_is_none(ports: Ports) -> None:
    assert ports.directory.load_structure(NEW_SIRET) is None


def test_load_team(ports: Ports) -> None:
    for team_id, team in TEAMS.items():
        assert ports.directory.load_team(team_id) == team
    assert ports.directory.load_team("INCONNUE") is None


# ----------------------------------------------------------------------------------- PaymentRequests
def test_load_payment_request_by_emitter_type_and_number(ports: Ports) -> None:
    for request in PAYMENT_REQUESTS:
        assert ports.payments.load_payment_request(request.emitter_siret, request.object_type, request.number) == (
            request
        )


def test_load_payment_request_of_another_type_or_another_emitter_is_none(ports: Ports) -> None:
    invoice = next(p for p in PAYMENT_REQUESTS if p.number == "FAC-2026-0101")
    assert (invoice.emitter_siret, invoice.object_type) == (DUPONT, ObjectType.INVOICE)

    for other_type in (ObjectType.TIC_REFUND, ObjectType.JUSTICE_MEMO):
        assert ports.payments.load_payment_request(DUPONT, other_type, invoice.number) is None
    for other_emitter in (GREL, MARTIN, SAINT_LEGER):
        assert ports.payments.load_payment_request(other_emitter, ObjectType.INVOICE, invoice.number) is None
    assert ports.payments.load_payment_request(DUPONT, ObjectType.INVOICE, "FAC-2026-9999") is None


# ------------------------------------------------------------------------------------- ReferenceData
def test_put_reference_data_overwrites_a_structure(ports: Ports) -> None:
    renamed = STRUCTURES[DUPONT].model_copy(update={"designation": "Menuiserie Dupont et fils", "email": None})

    ports.reference.put_reference_data(structures=[renamed])

    assert ports.directory.load_structure(DUPONT) == renamed
    assert ports.directory.load_structure(GREL) == STRUCTURES[GREL]


@pytest.mark.parametrize(
    "ports",
    ["memory", "dynamo"],
    indirect=True,
)
def test_put_reference_data_overwrites_a_structures_services(ports: Ports) -> None:
    """A structure put again is the structure as given, services included (a service it lost is gone)."""
    reduced = STRUCTURES[DUPONT].model_copy(update={"services": (Service(code="ATELIER", name="Atelier"),)})

    ports.reference.put_reference_data(structures=[reduced])

    assert ports.directory.load_structure(DUPONT) == reduced


def test_adding_a_membership_shows_in_list_members_and_load_user(ports: Ports) -> None:
    victor, dupont = USER_IDS["victor"], org(DUPONT)
    membership = Membership(org=dupont, org_name=STRUCTURES[DUPONT].designation, role=Role.USER)

    ports.reference.put_reference_data(memberships=[(victor, membership)])

    assert (victor, dupont.key, Role.USER) in members(ports, dupont)
    assert len(ports.directory.list_members(dupont)) == 4
    profile, memberships = ports.directory.load_user(victor)
    assert profile is not None
    assert profile.name == NAMES["victor"]
    assert {(m.org.key, m.role) for m in memberships} == {
        (org(CH_VIENNE).key, Role.PRINCIPAL_MANAGER),
        (dupont.key, Role.USER),
    }
    assert membership in memberships


def test_putting_a_membership_again_replaces_its_role(ports: Ports) -> None:
    promoted = Membership(org=org(DUPONT), org_name=STRUCTURES[DUPONT].designation, role=Role.SECONDARY_MANAGER)

    ports.reference.put_reference_data(memberships=[(USER_IDS["julie"], promoted)])

    assert memberships_of(ports, "julie") == {(org(DUPONT).key, Role.SECONDARY_MANAGER)}
    assert (USER_IDS["julie"], org(DUPONT).key, Role.SECONDARY_MANAGER) in members(ports, org(DUPONT))
    assert len(ports.directory.list_members(org(DUPONT))) == 3


def test_a_new_user_with_a_membership(ports: Ports) -> None:
    newcomer = UserProfile(id="00000000-0000-4000-8000-000000000099", email="lea@grel.example", name="Léa Martin")
    membership = Membership(org=org(GREL), org_name=STRUCTURES[GREL].designation, role=Role.PRINCIPAL_MANAGER)

    ports.reference.put_reference_data(users=[newcomer], memberships=[(newcomer.id, membership)])

    assert ports.directory.load_user(newcomer.id) == (newcomer, [membership])
    assert (newcomer, membership) in ports.directory.list_members(org(GREL))


# ------------------------------------------------------------------------------------------ Captchas
# Whole seconds: the table keeps a challenge's expiry as epoch seconds (its TTL attribute).
EXPIRY = datetime(2026, 3, 2, 9, 20, 30, tzinfo=UTC)


def challenge(challenge_id: str = "defi-1", failures: int = 0) -> Challenge:
    return Challenge(
        id=challenge_id,
        answer_hash=captcha.answer_hash("K7MPX", "sel-1"),
        salt="sel-1",
        expires_at=EXPIRY,
        failures=failures,
    )


def in_parallel(calls: int, call: Callable[[], T]) -> list[T]:
    """``call`` made ``calls`` times at once, from as many threads (as many Lambda environments)."""
    serialize_dynamodb_writes()  # DynamoDB applies each conditional write atomically; moto needs a lock
    barrier = threading.Barrier(calls)

    def started_together() -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(calls) as pool:
        return list(pool.map(lambda _: started_together(), range(calls)))


def test_put_then_load_a_challenge(ports: Ports) -> None:
    stored = challenge()

    ports.captchas.put_challenge(stored)

    loaded = ports.captchas.load_challenge(stored.id)
    assert loaded == stored
    assert loaded is not None
    assert loaded.expires_at.utcoffset() == timedelta(0)
    assert captcha.matches("k7mpx", loaded.salt, loaded.answer_hash)


def test_load_an_unknown_challenge_is_none(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge("defi-1"))

    assert ports.captchas.load_challenge("defi-2") is None


def test_each_failure_is_counted_and_the_last_allowed_one_deletes_the_challenge(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge("defi-1"))
    ports.captchas.put_challenge(challenge("defi-2"))

    assert ports.captchas.record_failure("defi-1", 3) == 1
    assert ports.captchas.load_challenge("defi-1") == challenge("defi-1", failures=1)
    assert ports.captchas.record_failure("defi-1", 3) == 2
    assert ports.captchas.load_challenge("defi-1") == challenge("defi-1", failures=2)
    assert ports.captchas.record_failure("defi-1", 3) == 3

    assert ports.captchas.load_challenge("defi-1") is None
    assert ports.captchas.record_failure("defi-1", 3) is None
    assert ports.captchas.consume_challenge("defi-1", 3) is False
    assert ports.captchas.load_challenge("defi-2") == challenge("defi-2")  # the others are untouched


def test_a_failure_on_an_unknown_or_already_dead_challenge_is_none(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge("usé", failures=3))

    assert ports.captchas.record_failure("inconnu", 3) is None
    assert ports.captchas.record_failure("usé", 3) is None
    assert ports.captchas.consume_challenge("usé", 3) is False


def test_a_challenge_is_consumed_once(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge("defi-1", failures=2))

    assert ports.captchas.consume_challenge("defi-1", 3) is True
    assert ports.captchas.load_challenge("defi-1") is None
    assert ports.captchas.consume_challenge("defi-1", 3) is False
    assert ports.captchas.consume_challenge("inconnu", 3) is False
    assert ports.captchas.record_failure("defi-1", 3) is None


def test_of_concurrent_consumes_exactly_one_wins(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge())

    results = in_parallel(8, lambda: ports.captchas.consume_challenge("defi-1", 3))

    assert sorted(results) == [False] * 7 + [True]
    assert ports.captchas.load_challenge("defi-1") is None


def test_concurrent_failures_are_each_counted_and_stop_at_the_maximum(ports: Ports) -> None:
    ports.captchas.put_challenge(challenge())

    results = in_parallel(6, lambda: ports.captchas.record_failure("defi-1", 3))

    assert sorted(results, key=lambda r: (r is None, r)) == [1, 2, 3, None, None, None]
    assert ports.captchas.load_challenge("defi-1") is None


# ---------------------------------------------------------------------------------------- RateLimits
def test_each_rate_counter_counts_its_own_hits(ports: Ports) -> None:
    end = EXPIRY + timedelta(hours=1)

    assert [ports.rate_limits.hit("ticket#abc#H2026030209", end) for _ in range(3)] == [1, 2, 3]
    assert ports.rate_limits.hit("ticket#abc#D20260302", end) == 1
    assert ports.rate_limits.hit("ticket#def#H2026030209", end) == 1
    assert ports.rate_limits.hit("captcha#abc#H2026030209", end) == 1
    assert ports.rate_limits.hit("ticket#abc#H2026030209", end + timedelta(hours=1)) == 4


def test_concurrent_hits_are_all_counted(ports: Ports) -> None:
    results = in_parallel(8, lambda: ports.rate_limits.hit("ticket#abc#H2026030209", EXPIRY))

    assert sorted(results) == list(range(1, 9))


def test_a_rate_counter_is_read_and_given_back_never_below_zero(ports: Ports) -> None:
    assert ports.rate_limits.count("ticket#abc#H2026030209") == 0
    ports.rate_limits.give_back("ticket#abc#H2026030209")  # never hit: nothing to give back
    assert ports.rate_limits.count("ticket#abc#H2026030209") == 0
    for _ in range(3):
        ports.rate_limits.hit("ticket#abc#H2026030209", EXPIRY)
    ports.rate_limits.give_back("ticket#abc#H2026030209")

    assert ports.rate_limits.count("ticket#abc#H2026030209") == 2
    assert ports.rate_limits.count("ticket#abc#D20260302") == 0
    for _ in range(3):
        ports.rate_limits.give_back("ticket#abc#H2026030209")
    assert ports.rate_limits.count("ticket#abc#H2026030209") == 0
    assert ports.rate_limits.hit("ticket#abc#H2026030209", EXPIRY) == 1


def test_concurrent_hits_and_give_backs_lose_none(ports: Ports) -> None:
    for _ in range(4):
        ports.rate_limits.hit("ticket#abc#H2026030209", EXPIRY)
    turns = iter(range(8))
    lock = threading.Lock()

    def hit_or_give_back() -> None:
        with lock:
            turn = next(turns)
        if turn % 2:
            ports.rate_limits.give_back("ticket#abc#H2026030209")
        else:
            ports.rate_limits.hit("ticket#abc#H2026030209", EXPIRY)

    in_parallel(8, hit_or_give_back)

    assert ports.rate_limits.count("ticket#abc#H2026030209") == 4


# --------------------------------------------------------------------------------------- MailJournal
LEASE = timedelta(minutes=5)


def test_a_mail_is_claimed_then_busy_while_its_lease_runs(ports: Ports) -> None:
    assert ports.mail_journal.claim("42#1", T0, T0 + LEASE) is Claim.CLAIMED

    assert ports.mail_journal.claim("42#1", T0 + timedelta(seconds=1), T0 + LEASE * 2) is Claim.BUSY
    assert ports.mail_journal.claim("42#1", T0 + LEASE - timedelta(seconds=1), T0 + LEASE * 2) is Claim.BUSY
    assert ports.mail_journal.claim("42#2", T0, T0 + LEASE) is Claim.CLAIMED  # another event: its own claim


def test_a_sent_mail_is_never_claimed_again(ports: Ports) -> None:
    ports.mail_journal.claim("42#1", T0, T0 + LEASE)

    ports.mail_journal.mark_sent("42#1", "message-1", T0 + timedelta(seconds=2))

    assert ports.mail_journal.claim("42#1", T0 + timedelta(seconds=3), T0 + LEASE) is Claim.SENT
    assert ports.mail_journal.claim("42#1", T0 + timedelta(days=2), T0 + timedelta(days=2) + LEASE) is Claim.SENT
    ports.mail_journal.release("42#1")  # a late release does not undo a sent mail
    assert ports.mail_journal.claim("42#1", T0 + timedelta(seconds=4), T0 + LEASE) is Claim.SENT


def test_a_released_claim_can_be_taken_at_once(ports: Ports) -> None:
    ports.mail_journal.claim("42#1", T0, T0 + LEASE)

    ports.mail_journal.release("42#1")

    assert ports.mail_journal.claim("42#1", T0 + timedelta(seconds=1), T0 + LEASE) is Claim.CLAIMED
    assert ports.mail_journal.claim("42#1", T0 + timedelta(seconds=2), T0 + LEASE) is Claim.BUSY
    ports.mail_journal.release("inconnu")  # nothing to give back: no error


def test_a_lapsed_lease_can_be_claimed_by_another_sender(ports: Ports) -> None:
    """A sender that crashed after its claim: once its lease is over, another takes the mail."""
    ports.mail_journal.claim("42#1", T0, T0 + LEASE)

    after = T0 + LEASE + timedelta(seconds=1)
    assert ports.mail_journal.claim("42#1", after, after + LEASE) is Claim.CLAIMED
    assert ports.mail_journal.claim("42#1", after + timedelta(seconds=1), after + LEASE * 2) is Claim.BUSY


def test_of_concurrent_claims_exactly_one_is_taken(ports: Ports) -> None:
    results = in_parallel(8, lambda: ports.mail_journal.claim("42#1", T0, T0 + LEASE))

    assert sorted(results, key=lambda c: c.value) == [Claim.BUSY] * 7 + [Claim.CLAIMED]


# --------------------------------------------------------------------------------------- FileStorage
def test_the_size_of_a_missing_object_is_none(storage: tuple[FileStorage, Objects]) -> None:
    files, _ = storage
    assert files.size_of("uploads/1/absent") is None


def test_the_size_and_first_bytes_of_a_stored_object(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    data = b"%PDF-1.7\n" + bytes(range(256)) * 20
    objects.upload("uploads/1/a", "application/pdf", data)

    assert files.size_of("uploads/1/a") == len(data)
    assert files.first_bytes("uploads/1/a", 2048) == data[:2048]
    assert files.first_bytes("uploads/1/a", 1) == b"%"
    assert files.first_bytes("uploads/1/a", 100_000) == data


def test_move_puts_the_object_at_the_target_and_removes_the_source(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    data = "Facture payée ? Non.".encode()
    objects.upload("uploads/7/a", "text/plain", data)
    objects.upload("uploads/7/b", "text/plain", b"other")

    files.move("uploads/7/a", "files/7/a")

    assert objects.read("files/7/a") == data
    assert files.size_of("uploads/7/a") is None
    assert objects.keys() == ["files/7/a", "uploads/7/b"]


def test_delete_removes_the_given_keys_only(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    for key in ("files/1/a", "files/1/b", "files/1/c"):
        objects.upload(key, "text/plain", key.encode())

    files.delete(["files/1/a", "files/1/c", "files/1/absent"])
    files.delete([])

    assert objects.keys() == ["files/1/b"]


def test_delete_prefix_removes_that_prefix_only(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    kept = ["files/1", "files/10/a", "files/100/b", "uploads/1/c", "files/2/d"]
    for key in ["files/1/a", "files/1/b", *kept]:
        objects.upload(key, "text/plain", b"x")

    files.delete_prefix("files/1/")

    assert objects.keys() == sorted(kept)


def test_delete_prefix_goes_past_a_page_of_a_thousand(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    for index in range(1003):
        objects.upload(f"uploads/3/{index:04}", "text/plain", b"x")
    objects.upload("uploads/30/kept", "text/plain", b"x")

    files.delete_prefix("uploads/3/")

    assert objects.keys() == ["uploads/30/kept"]


def test_a_download_link_for_an_object(storage: tuple[FileStorage, Objects]) -> None:
    files, objects = storage
    objects.upload("files/4/a", "application/pdf", b"%PDF-1.7")
    disposition = "attachment; filename=\"facture.pdf\"; filename*=UTF-8''facture.pdf"

    link = files.download_link("files/4/a", disposition, "application/pdf", datetime.now(UTC) + timedelta(minutes=5))

    assert "files/4/a" in link


def test_an_upload_form_binds_the_key_and_the_type(storage: tuple[FileStorage, Objects]) -> None:
    files, _ = storage
    expires_at = datetime.now(UTC) + timedelta(minutes=15)

    form = files.upload_form("uploads/5/a", "image/png", 1024, expires_at)

    assert form.url
    assert form.fields["key"] == "uploads/5/a"
    assert form.fields["Content-Type"] == "image/png"
    assert form.expires_at == expires_at
