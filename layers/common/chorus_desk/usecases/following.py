"""Following tickets: the tabs of both sides, the search, the rows of an export, and the dashboard.

Everything here reads the caller's own organisations only: the partitions of a ``ListQuery`` are built
from the caller's memberships (``listing``), never from what the request names, so another structure's
tickets cannot appear in a list, an export or a count. The adapters read them by key and index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from chorus_desk import catalogue, listing, messages
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ListTab, Ordering, SearchTickets
from chorus_desk.errors import FieldError, InvalidInput
from chorus_desk.lifecycle import Status
from chorus_desk.listing import (
    NO_SERVICE,
    SEP,
    Direction,
    Filters,
    ListQuery,
    ListSide,
    Row,
    RowKind,
    Sort,
    Tab,
    collation_key,
    day_end,
    day_start,
)
from chorus_desk.models import Membership, OrgKind, OrgRef, Service
from chorus_desk.ports import Ports
from chorus_desk.siret import is_valid_siret

E = TypeVar("E", bound=StrEnum)
EXPORT_LIMIT = 10_000  # rows an export holds at most (the search should be narrowed beyond)


@dataclass(frozen=True)
class ListPage:
    rows: tuple[Row, ...]
    cursor: str | None  # the next page's, ``None`` at the end
    sort: Sort
    direction: Direction
    size: int
    partial: bool  # the read budget ran out before the page filled: continue with the cursor
    total: int = 0  # every row of the listing (not only this page's)
    total_exact: bool = True  # false: the count's read budget ran out, ``total`` is a lower bound
    page: int | None = None  # this page's number (1 = the first), when known


@dataclass(frozen=True)
class Whole:
    """A listing that is whole partitions (no key range, no filter but the side's own service): its total is
    the sum of the dashboard's counters of ``owners`` for ``statuses`` (one counter Query per owner)."""

    kind: RowKind
    owners: tuple[str, ...]
    statuses: tuple[Status, ...]
    service: str | None = None  # a ``SERVICE#<code>`` counter instead of ``ALL``


# ------------------------------------------------------------------------------------------ inputs
def _enum(kind: type[E], value: str | None, name: str, message: str) -> E | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput([FieldError(name, message.format(value=value, allowed=allowed))]) from exc


def _side(value: str) -> ListSide:
    side = _enum(ListSide, value, "side", messages.LIST_SIDE_INVALID)
    assert side is not None
    return side


def _ordering(ordering: Ordering, default: Sort) -> tuple[Sort, Direction, int]:
    if ordering.size not in listing.PAGE_SIZES:
        sizes = ", ".join(str(s) for s in listing.PAGE_SIZES)
        raise InvalidInput([FieldError("size", messages.PAGE_SIZE_INVALID.format(sizes=sizes))])
    sort = _enum(Sort, ordering.sort, "sort", messages.SORT_INVALID) or default
    direction = _enum(Direction, ordering.direction, "order", messages.ORDER_INVALID) or Direction.DESC
    return sort, direction, ordering.size


def _owners(user: SignedInUser, side: ListSide) -> list[str]:
    if side is ListSide.EMITTER:
        return [m.org.key for m in user.structures]
    return [m.org.key for m in user.memberships]


def _partitions(
    user: SignedInUser,
    side: ListSide,
    owners: list[str],
    statuses: tuple[Status, ...],
    assigned_to_me: bool,
    own_drafts: bool = True,
) -> tuple[str, ...]:
    """The row partitions of ``owners`` in ``statuses``; on the emitter side, with the caller's drafts not
    yet attached to a structure unless ``own_drafts`` is false (a search narrowed to one structure)."""
    if side is ListSide.EMITTER:
        kind = RowKind.E
        if Status.DRAFT in statuses and own_drafts:
            owners = [*owners, f"USER#{user.id}"]  # drafts not yet attached to a structure: their creator's
    elif assigned_to_me:
        kind, owners = RowKind.A, [f"{owner}#{user.id}" for owner in owners]
    else:
        kind = RowKind.R
    return tuple(listing.partition_key(kind, owner, status) for owner in owners for status in statuses)


def _owners_of(
    user: SignedInUser,
    side: ListSide,
    statuses: tuple[Status, ...],
    assigned: bool,
    owners: list[str],
    own_drafts: bool = True,
) -> Whole:
    """The counters that total ``_partitions`` of the same arguments."""
    if side is ListSide.EMITTER:
        if Status.DRAFT in statuses and own_drafts:
            owners = [*owners, f"USER#{user.id}"]
        return Whole(RowKind.E, tuple(owners), statuses)
    if assigned:
        return Whole(RowKind.A, tuple(f"{owner}#{user.id}" for owner in owners), statuses)
    return Whole(RowKind.R, tuple(owners), statuses)


def _total(ports: Ports, query: ListQuery, whole: Whole | None) -> tuple[int, bool]:
    """The listing's total: the counters when it is whole partitions, else counted within the read budget."""
    if not query.partitions:
        return 0, True
    if whole is not None:
        total = 0
        for owner in dict.fromkeys(whole.owners):
            counts = ports.lists.counts(whole.kind, owner)
            numbers = counts.total if whole.service is None else counts.by_service.get(whole.service, {})
            total += sum(numbers.get(status, 0) for status in whole.statuses)
        return total, True
    tally = ports.lists.count(query)
    return tally.count, tally.exact


def _page(query: ListQuery, ports: Ports, fingerprint: str, ordering: Ordering, whole: Whole | None = None) -> ListPage:
    """One page: after the cursor, or the page ``ordering.page`` (the rows before it are read and skipped,
    within the read budget), or the first; with the listing's total."""
    number: int | None = 1
    if ordering.page is not None and ordering.cursor:
        raise InvalidInput([FieldError("page", messages.PAGE_AND_CURSOR)])
    if ordering.cursor:
        after, number = listing.decode_position(ordering.cursor, fingerprint)
        query = replace(query, after=after)
    elif ordering.page is not None and ordering.page > 1:
        number = ordering.page
        skip = (number - 1) * query.size
        too_far = InvalidInput(
            [FieldError("page", messages.PAGE_TOO_FAR.format(page=number, rows=listing.READ_BUDGET))]
        )
        if skip > query.budget:
            raise too_far
        before = ports.lists.page(replace(query, size=skip)) if query.partitions else listing.Page((), None)
        if before.after is None:  # the listing ends before that page: an empty page
            total, exact = _total(ports, query, whole)
            return ListPage((), None, query.sort, query.direction, query.size, False, total, exact, number)
        if len(before.rows) < skip:
            raise too_far  # the budget ran out before the rows to skip were found
        query = replace(query, after=before.after)
    page = ports.lists.page(query) if query.partitions else listing.Page(rows=(), after=None)
    following_page = number + 1 if number is not None else None
    next_cursor = listing.encode_cursor(page.after, fingerprint, following_page) if page.after is not None else None
    partial = next_cursor is not None and len(page.rows) < query.size
    total, exact = _total(ports, query, whole)
    return ListPage(page.rows, next_cursor, query.sort, query.direction, query.size, partial, total, exact, number)


# -------------------------------------------------------------------------------------------- tabs
def _tab_statuses(side: ListSide, value: str) -> tuple[Tab, tuple[Status, ...]]:
    tab = _enum(Tab, value, "tab", messages.TAB_INVALID)
    assert tab is not None
    statuses = listing.TAB_STATUSES[side].get(tab)
    if statuses is None:
        raise InvalidInput([FieldError("tab", messages.TAB_NOT_ON_SIDE.format(tab=tab.label))])
    return tab, statuses


def _tab(user: SignedInUser, command: ListTab) -> tuple[ListQuery, str, Whole]:
    side = _side(command.side)
    tab, statuses = _tab_statuses(side, command.tab)
    if command.assigned_to_me and side is not ListSide.RECIPIENT:
        raise InvalidInput([FieldError("assigned_to_me", messages.ASSIGNED_ONLY_RECEIVED)])
    sort, direction, size = _ordering(command.ordering, Sort.NUMBER)
    owners = _owners(user, side)
    if command.structure is not None:  # « Filtre Structure »: one of the caller's own, never another's
        key = _recipient_key(command.structure)
        if key not in owners:
            raise InvalidInput([FieldError("structure", messages.NOT_YOUR_TAB_ORGANISATION)])
        owners = [key]
    own_drafts = command.structure is None
    partitions = _partitions(user, side, owners, statuses, command.assigned_to_me, own_drafts)
    whole = _owners_of(user, side, statuses, command.assigned_to_me, owners, own_drafts)
    query = ListQuery(partitions=partitions, sort=sort, direction=direction, size=size)
    fingerprint = listing.fingerprint(
        "tab", side, tab, sort, direction, size, command.assigned_to_me, user.id, command.structure
    )
    return query, fingerprint, whole


def tab_query(user: SignedInUser, command: ListTab) -> tuple[ListQuery, str]:
    query, fingerprint, _ = _tab(user, command)
    return query, fingerprint


def list_tab(ports: Ports, user: SignedInUser, command: ListTab) -> ListPage:
    """One page of a tab: the caller's organisations on that side (or the one named), the tab's statuses,
    sorted; its total from the dashboard's counters."""
    query, fingerprint, whole = _tab(user, command)
    return _page(query, ports, fingerprint, command.ordering, whole)


# ------------------------------------------------------------------------------------------ search
def _recipient_key(value: str) -> str:
    kind = OrgKind.STRUCTURE if value.isdigit() and len(value) == 14 else OrgKind.TEAM
    return OrgRef(kind=kind, id=value).key


def _name_words(value: str | None, name: str, errors: list[FieldError]) -> tuple[str, ...]:
    words = tuple(listing.fold(value).split()) if value else ()
    if value is not None and not words:
        errors.append(FieldError(name, messages.NAME_INVALID))
    return words


def search_query(user: SignedInUser, command: SearchTickets) -> tuple[ListQuery, str]:
    query, fingerprint, _ = _search(user, command)
    return query, fingerprint


def _search(user: SignedInUser, command: SearchTickets) -> tuple[ListQuery, str, Whole | None]:
    """The criteria as a query: the caller's partitions narrowed by side, tab, structure and status; the sort
    index's key range where the sort allows it (period, category, sub-category); filters for the rest. And,
    when the search is whole partitions, the counters that total it."""
    side = _side(command.side)
    if not command.has_criterion():
        raise InvalidInput([FieldError("criteria", messages.SEARCH_CRITERION_REQUIRED)])
    errors: list[FieldError] = []
    status = _enum(Status, command.status, "status", messages.STATUS_CRITERION_INVALID)
    statuses = listing.SIDE_STATUSES[side]
    tab: Tab | None = None
    if command.tab is not None:
        tab, statuses = _tab_statuses(side, command.tab)
    if status is not None:
        if status not in listing.SIDE_STATUSES[side]:
            errors.append(FieldError("status", messages.STATUS_NOT_ON_SIDE.format(status=status.label)))
        elif tab is not None and status not in statuses:
            errors.append(FieldError("status", messages.STATUS_NOT_IN_TAB.format(tab=tab.label, status=status.label)))
        statuses = (status,)
    for name, bound in (("created_from", day_start), ("created_to", day_end)):
        day = getattr(command, name)
        try:
            if day is not None:
                bound(day)
        except OverflowError:  # the first day of year 1, the last of 9999: no Paris bounds to compute
            errors.append(FieldError(name, messages.DATE_INVALID.format(value=day.isoformat())))
    if command.created_from and command.created_to and command.created_from > command.created_to:
        errors.append(FieldError("created_to", messages.PERIOD_REVERSED))
    words = tuple(listing.fold(command.words).split()) if command.words else ()
    if command.words is not None and not words:
        errors.append(FieldError("words", messages.WORDS_INVALID))
    creator_words = _name_words(command.created_by_name, "created_by_name", errors)
    recipient_words = _name_words(command.recipient_name, "recipient_name", errors)
    if command.emitter is not None and not is_valid_siret(command.emitter):
        errors.append(FieldError("emitter", messages.SIRET_INVALID.format(value=command.emitter)))
    if command.assigned_to_me and side is not ListSide.RECIPIENT:
        errors.append(FieldError("assigned_to_me", messages.ASSIGNED_ONLY_RECEIVED))
    if errors:
        raise InvalidInput(errors)

    owners = _owners(user, side)
    emitter_key = OrgRef(kind=OrgKind.STRUCTURE, id=command.emitter).key if command.emitter else None
    recipient_key = _recipient_key(command.recipient) if command.recipient else None
    narrowing = emitter_key if side is ListSide.EMITTER else recipient_key
    if narrowing is not None:
        if narrowing not in owners:
            field = "emitter" if side is ListSide.EMITTER else "recipient"
            raise InvalidInput([FieldError(field, messages.NOT_YOUR_ORGANISATION)])
        owners = [narrowing]

    default = Sort.NUMBER
    if command.created_from or command.created_to:
        default = Sort.CREATED
    elif command.subcategory:
        default = Sort.SUBCATEGORY
    elif command.category:
        default = Sort.CATEGORY
    sort, direction, size = _ordering(command.ordering, default)

    start = day_start(command.created_from) if command.created_from else None
    end = day_end(command.created_to) if command.created_to else None
    low, high, answered = _key_range(sort, command, start, end)
    filters = Filters(
        category=None if "category" in answered else command.category,
        subcategory=command.subcategory,
        created_from=None if "period" in answered else start,
        created_to=None if "period" in answered else end,
        object_key=command.object_number.strip().upper() if command.object_number else None,
        words=words,
        emitter_siret=command.emitter if side is ListSide.RECIPIENT else None,
        recipient_org=recipient_key if side is ListSide.EMITTER else None,
        recipient_service=command.recipient_service,
        emitter_service=command.emitter_service,
        created_by=command.created_by,
        creator_words=creator_words,
        recipient_words=recipient_words,
    )
    own_drafts = narrowing is None
    query = ListQuery(
        partitions=_partitions(user, side, owners, statuses, command.assigned_to_me, own_drafts),
        sort=sort,
        direction=direction,
        size=size,
        low=low,
        high=high,
        filters=filters,
        number=command.number,
    )
    criteria = [getattr(command, name) for name in SearchTickets.CRITERIA]
    fingerprint = listing.fingerprint("search", side, sort, direction, size, user.id, command.tab, *criteria)
    # Whole partitions (criteria that only choose partitions, or the side's own service, whose counters the
    # dashboard keeps): the counters total it; any other criterion is counted on the rows.
    own_service = command.emitter_service if side is ListSide.EMITTER else command.recipient_service
    if side is ListSide.EMITTER:
        rest = replace(filters, emitter_service=None)
    else:
        rest = replace(filters, recipient_service=None)
    whole = None
    partitions_only = low is None and high is None and command.number is None and rest.empty
    if partitions_only and (own_service is None or not command.assigned_to_me):  # agents' counters: ALL only
        counters = _owners_of(user, side, statuses, command.assigned_to_me, owners, own_drafts)
        whole = replace(counters, service=own_service)
    return query, fingerprint, whole


def _key_range(
    sort: Sort, command: SearchTickets, start: str | None, end: str | None
) -> tuple[str | None, str | None, set[str]]:
    """The inclusive range of the sort index that holds every possible match (``None``: open end), and the
    criteria that range answers exactly (no filter needed for them)."""
    top = chr(0x10FFFF)
    if sort in (Sort.OPENED, Sort.CREATED):
        return start, (end + top if end else None), {"period"}
    category, subcategory = catalogue.labels(command.category, command.subcategory)
    if command.subcategory and not command.category:  # one label for the code in every category, or no range
        found = {s.label for c in catalogue.CATALOGUE for s in c.subcategories if s.code == command.subcategory}
        subcategory = found.pop() if len(found) == 1 else None
    leading = {Sort.CATEGORY: category, Sort.SUBCATEGORY: subcategory}.get(sort)
    if not leading:
        return None, None, set()
    prefix = collation_key(leading) + SEP
    # Category labels are distinct, so the category's range holds that category alone; a sub-category
    # label may recur across categories, so its code is still checked on each row.
    answered = {"period", "category"} if sort is Sort.CATEGORY else {"period"}
    return prefix + (start or ""), prefix + (end or "") + top, answered


def search(ports: Ports, user: SignedInUser, command: SearchTickets) -> ListPage:
    query, fingerprint, whole = _search(user, command)
    return _page(query, ports, fingerprint, command.ordering, whole)


# ------------------------------------------------------------------------------------------ export
def export_rows(ports: Ports, query: ListQuery, limit: int = EXPORT_LIMIT) -> Iterator[Row]:
    """Every row of a tab or a search, in its order, page after page (at most ``limit``)."""
    query = replace(query, size=100, after=None)
    given = 0
    while True:
        page = ports.lists.page(query)
        for row in page.rows:
            if given == limit:
                return
            given += 1
            yield row
        if page.after is None:
            return
        query = replace(query, after=page.after)


# --------------------------------------------------------------------------------------- dashboard
@dataclass(frozen=True)
class Count:
    status: Status
    count: int
    link: str  # the search that lists what is counted


@dataclass(frozen=True)
class ServiceCounts:
    service: Service | None  # ``None``: « Non renseigné »
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class SideCounts:
    counts: tuple[Count, ...]
    services: tuple[ServiceCounts, ...]


@dataclass(frozen=True)
class OrganisationBoard:
    membership: Membership
    emitted: SideCounts | None  # structures only
    received: SideCounts
    assigned_to_me: tuple[Count, ...]


def _link(**criteria: str) -> str:
    return "/tickets/search?" + urlencode(criteria)


def _side_counts(
    counts: listing.Counts,
    side: ListSide,
    criterion: dict[str, str],
    service_field: str,
    services: tuple[Service, ...],
) -> SideCounts:
    statuses = listing.SIDE_STATUSES[side]

    def row(numbers: dict[Status, int], extra: dict[str, str]) -> tuple[Count, ...]:
        return tuple(
            Count(s, numbers.get(s, 0), _link(side=side.value, **criterion, **extra, status=s.value)) for s in statuses
        )

    known = {s.code: s for s in services}
    codes = [*known, *(c for c in counts.by_service if c not in known and c != NO_SERVICE), NO_SERVICE]
    per_service = tuple(
        ServiceCounts(
            known.get(code, Service(code=code, name=code)) if code != NO_SERVICE else None,
            row(counts.by_service.get(code, {}), {service_field: code}),
        )
        for code in codes
    )
    return SideCounts(row(counts.total, {}), per_service)


def dashboard(ports: Ports, user: SignedInUser) -> list[OrganisationBoard]:
    """« Tableau de bord »: for each organisation of the caller, the counters of both sides (one Query
    each) and the caller's own assignments; each count carries the search that lists it."""
    boards: list[OrganisationBoard] = []
    for membership in user.memberships:
        org = membership.org
        services: tuple[Service, ...] = ()
        emitted = None
        if org.kind is OrgKind.STRUCTURE:
            structure = ports.directory.load_structure(org.id)
            services = structure.services if structure else ()
            emitted = _side_counts(
                ports.lists.counts(RowKind.E, org.key),
                ListSide.EMITTER,
                {"emitter": org.id},
                "emitter_service",
                services,
            )
        received = _side_counts(
            ports.lists.counts(RowKind.R, org.key),
            ListSide.RECIPIENT,
            {"recipient": org.id},
            "recipient_service",
            services,
        )
        mine = ports.lists.counts(RowKind.A, f"{org.key}#{user.id}").total
        assigned = tuple(
            Count(s, mine.get(s, 0), _link(side="RECIPIENT", recipient=org.id, status=s.value, assigned_to_me="true"))
            for s in listing.SIDE_STATUSES[ListSide.RECIPIENT]
        )
        boards.append(OrganisationBoard(membership, emitted, received, assigned))
    return boards
