"""Following tickets: the rows the lists read, the tabs, the sorts, the search criteria, the dashboard's
counters, and the opaque cursor. Pure code shared by both adapters of ``TicketLists`` and the use cases.

A ticket is listed through small *rows*, one per side that follows it: ``E`` for its emitter structure
(or its creator, for a draft with no structure yet), ``R`` for its recipient organisation, and ``A`` for
the agent it is assigned to (the recipient's « assigned to me »). A row's partition names the side, the
organisation and the status (``LIST#R#TEAM#support#OPEN``); its sort keys serve every column a list sorts
on, so a page reads about as many rows as it shows, whatever the size of the table. Each row also adds
one to the counters of the dashboard; rows and counters change in the same transaction as the ticket.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from chorus_desk import catalogue, messages
from chorus_desk.errors import FieldError, InvalidInput
from chorus_desk.files import LIGATURES
from chorus_desk.lifecycle import Status
from chorus_desk.models import OrgKind, OrgRef, Person, Ticket

PARIS = ZoneInfo("Europe/Paris")
SEP = "\x1f"  # below every character of a collation key, so « eau » sorts before « eau x »
NO_SERVICE = "-"  # the service criterion and counter of tickets with no service (« Non renseigné »)
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
READ_BUDGET = 1000  # rows a single request may evaluate before it answers with what it found and a cursor


class ListSide(StrEnum):
    EMITTER = "EMITTER"
    RECIPIENT = "RECIPIENT"


class RowKind(StrEnum):
    """Which follower a row serves: the emitter side, the recipient side, the assigned agent."""

    E = "E"
    R = "R"
    A = "A"


class Tab(StrEnum):
    ACTION = "ACTION"  # « Actions requises »
    ONGOING = "ONGOING"  # « Tous sauf fermés »
    CLOSED = "CLOSED"  # « Fermés »
    DRAFTS = "DRAFTS"  # « Brouillons » (emitter side)

    @property
    def label(self) -> str:
        return messages.TAB_LABELS[self.value]


_SUBMITTED = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.RESOLVED)
TAB_STATUSES: dict[ListSide, dict[Tab, tuple[Status, ...]]] = {
    ListSide.EMITTER: {
        Tab.ACTION: (Status.AWAITING_INFO, Status.RESOLVED),
        Tab.ONGOING: _SUBMITTED,
        Tab.CLOSED: (Status.CLOSED,),
        Tab.DRAFTS: (Status.DRAFT,),
    },
    ListSide.RECIPIENT: {
        Tab.ACTION: (Status.OPEN, Status.IN_PROGRESS),
        Tab.ONGOING: _SUBMITTED,
        Tab.CLOSED: (Status.CLOSED,),
    },
}
SIDE_STATUSES: dict[ListSide, tuple[Status, ...]] = {
    ListSide.EMITTER: tuple(Status),
    ListSide.RECIPIENT: (*_SUBMITTED, Status.CLOSED),
}


class Sort(StrEnum):
    NUMBER = "NUMBER"
    TITLE = "TITLE"
    CATEGORY = "CATEGORY"
    SUBCATEGORY = "SUBCATEGORY"
    STATUS = "STATUS"
    OPENED = "OPENED"  # « Ouvert le »: the guide (2024) sorts this column by the creation date
    CREATED = "CREATED"  # « Saisie le »: the creation date


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


# The index (and its sort-key attribute) that serves each sort; STATUS reads the number index partition
# after partition, in the alphabetical order of the statuses' labels. The date index holds the CREATION date
# (« Saisie le », the search's period), which is also how the guide sorts its « Ouvert le » column.
SORT_ATTRIBUTE: dict[Sort, str] = {
    Sort.NUMBER: "LNUM",
    Sort.TITLE: "LTITLE",
    Sort.CATEGORY: "LCAT",
    Sort.SUBCATEGORY: "LSUB",
    Sort.STATUS: "LNUM",
    Sort.OPENED: "LDATE",
    Sort.CREATED: "LDATE",
}
INDEX_OF: dict[str, str] = {
    "LNUM": "ListByNumber",
    "LTITLE": "ListByTitle",
    "LCAT": "ListByCategory",
    "LSUB": "ListBySubcategory",
    "LDATE": "ListByOpening",
}


# ------------------------------------------------------------------------------ French text ordering
def fold(text: str | None) -> str:
    """Lower case, no accents, ligatures spelled out, punctuation as single spaces: what a French reader
    ignores when comparing or looking for words (« Électricité » → « electricite »)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def collation_key(text: str | None) -> str:
    """A string whose code-point order is the French order of ``text`` (« Eau » < « Électricité » <
    « Fournitures »), as DynamoDB compares sort keys. Ties are broken by the ticket number."""
    return fold(text)


def words_of(*texts: str | None) -> str:
    """The distinct folded words of the texts, space-separated and framed by spaces: a search for a word
    (or its start) is a substring test on this."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in fold(text).split():
            seen.setdefault(word, None)
    return " " + " ".join(seen) + " " if seen else " "


# The status sort follows the French labels alphabetically (« Brouillon », « En attente d'informations »,
# « En cours », « Fermé », « Ouvert », « Résolu »), as the guide's column does.
STATUS_RANK = {status: rank for rank, status in enumerate(sorted(Status, key=lambda s: fold(s.label)))}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def opened_at(ticket: Ticket) -> datetime:
    """The opening date a list shows (« Ouvert le »): the submission, or the creation for a draft."""
    return ticket.submitted_at or ticket.created_at


def stamp(moment: datetime) -> str:
    """A moment as the rows store it (UTC, microseconds): string order is time order."""
    return _stamp(moment)


def day_start(day: date) -> str:
    return _stamp(datetime.combine(day, time(0), PARIS))


def day_end(day: date) -> str:
    """The last stamp of a French calendar day (inclusive bound)."""
    return _stamp(datetime.combine(day + timedelta(days=1), time(0), PARIS) - timedelta(microseconds=1))


# -------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Row:
    """One follower's entry for a ticket: the columns a list shows and the keys it is found by."""

    kind: RowKind
    org: str  # the organisation's key (``STRUCTURE#<siret>``, ``TEAM#<id>``, ``USER#<sub>`` for a bare draft)
    assignee_id: str | None  # only on ``A`` rows: whose « assigned to me » it is
    number: int
    status: Status
    title: str | None
    category: str | None  # codes (criteria match them)
    subcategory: str | None
    category_label: str | None  # labels (sorts follow what the list shows)
    subcategory_label: str | None
    opened: datetime  # « Ouvert le »: submission (creation for a draft)
    updated: datetime
    emitter_siret: str | None
    emitter_name: str | None
    emitter_service: str | None  # code
    emitter_service_name: str | None
    recipient_org: str | None
    recipient_name: str | None
    recipient_service: str | None
    recipient_service_name: str | None
    assignee: Person | None
    created_by: Person
    object_type: str | None
    object_number: str | None
    anonymous: bool
    words: str
    created: datetime | None = None  # « Saisie le »: the creation (``None``: a row written before it was kept)

    @property
    def created_at(self) -> datetime:
        """The creation date (« Saisie le », the search's period); the opening date for rows written before
        the creation was kept on them."""
        return self.created or self.opened

    @property
    def creator_words(self) -> str:
        """The folded words of the creator's name (« Créé par » by name)."""
        return words_of(self.created_by.name)

    @property
    def recipient_words(self) -> str:
        """The folded words of the recipient organisation's name (« Structure destinataire » by name)."""
        return words_of(self.recipient_name)

    @property
    def partition(self) -> str:
        owner = f"{self.org}#{self.assignee_id}" if self.kind is RowKind.A else self.org
        return partition_key(self.kind, owner, self.status)

    @property
    def service(self) -> str:
        """The service this row is counted under on the dashboard."""
        code = self.emitter_service if self.kind is RowKind.E else self.recipient_service
        return code or NO_SERVICE

    def sort_value(self, attribute: str) -> str:
        n = f"{self.number:010d}"
        created = _stamp(self.created_at)
        match attribute:
            case "LNUM":
                return n
            case "LTITLE":
                return f"{collation_key(self.title)}{SEP}{n}"
            case "LCAT":
                return f"{collation_key(self.category_label)}{SEP}{created}{SEP}{n}"
            case "LSUB":
                return f"{collation_key(self.subcategory_label)}{SEP}{created}{SEP}{n}"
            case "LDATE":
                return f"{created}{SEP}{n}"
        raise ValueError(attribute)

    def to_item(self) -> dict[str, Any]:
        """The row as stored (adapter-neutral names; ``None`` values are left out)."""
        item: dict[str, Any] = {
            "LPK": self.partition,
            "kind": self.kind.value,
            "org": self.org,
            "assignee_id": self.assignee_id,
            "number": self.number,
            "status": self.status.value,
            "title": self.title,
            "category": self.category,
            "subcategory": self.subcategory,
            "category_label": self.category_label,
            "subcategory_label": self.subcategory_label,
            "opened": _stamp(self.opened),
            "created": _stamp(self.created_at),
            "updated": _stamp(self.updated),
            "emitter_siret": self.emitter_siret,
            "emitter_name": self.emitter_name,
            "emitter_service": self.emitter_service,
            "emitter_service_name": self.emitter_service_name,
            "recipient_org": self.recipient_org,
            "recipient_name": self.recipient_name,
            "recipient_service": self.recipient_service,
            "recipient_service_name": self.recipient_service_name,
            "assignee": self.assignee.model_dump() if self.assignee else None,
            "created_by": self.created_by.model_dump(),
            "object_type": self.object_type,
            "object_number": self.object_number,
            "object_key": (self.object_number or "").strip().upper() or None,
            "anonymous": self.anonymous,
            "words": self.words,
            "creator_words": self.creator_words,
            "recipient_words": self.recipient_words,
            "service": self.service,
            "emitter_service_key": self.emitter_service or NO_SERVICE,
            "recipient_service_key": self.recipient_service or NO_SERVICE,
            "created_by_id": self.created_by.id,
        }
        for attribute in INDEX_OF:
            item[attribute] = self.sort_value(attribute)
        return {k: v for k, v in item.items() if v is not None}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Row:
        def when(value: str) -> datetime:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

        return cls(
            kind=RowKind(item["kind"]),
            org=item["org"],
            assignee_id=item.get("assignee_id"),
            number=int(item["number"]),
            status=Status(item["status"]),
            title=item.get("title"),
            category=item.get("category"),
            subcategory=item.get("subcategory"),
            category_label=item.get("category_label"),
            subcategory_label=item.get("subcategory_label"),
            opened=when(item["opened"]),
            updated=when(item["updated"]),
            emitter_siret=item.get("emitter_siret"),
            emitter_name=item.get("emitter_name"),
            emitter_service=item.get("emitter_service"),
            emitter_service_name=item.get("emitter_service_name"),
            recipient_org=item.get("recipient_org"),
            recipient_name=item.get("recipient_name"),
            recipient_service=item.get("recipient_service"),
            recipient_service_name=item.get("recipient_service_name"),
            assignee=Person.model_validate(item["assignee"]) if item.get("assignee") else None,
            created_by=Person.model_validate(item["created_by"]),
            object_type=item.get("object_type"),
            object_number=item.get("object_number"),
            anonymous=bool(item.get("anonymous", False)),
            words=item.get("words", " "),
            created=when(item["created"]) if item.get("created") else None,
        )


def partition_key(kind: RowKind, owner: str, status: Status) -> str:
    return f"LIST#{kind.value}#{owner}#{status.value}"


def emitter_owner(ticket: Ticket) -> str | None:
    """Whose emitter-side lists show the ticket: its structure, or its creator for a draft without one."""
    if ticket.anonymous:
        return None
    if ticket.content.emitter_siret:
        return OrgRef(kind=OrgKind.STRUCTURE, id=ticket.content.emitter_siret).key
    return f"USER#{ticket.created_by.id}"


def rows_of(ticket: Ticket | None) -> dict[RowKind, Row]:
    """The rows a ticket has in this state (none for a deleted one)."""
    if ticket is None:
        return {}
    content = ticket.content
    emitter_service = ticket.emitter.service if ticket.emitter else None
    recipient = ticket.recipient
    category_label, subcategory_label = catalogue.labels(content.category, content.subcategory)
    base = Row(
        kind=RowKind.E,
        org="",
        assignee_id=None,
        number=ticket.number,
        status=ticket.status,
        title=content.title,
        category=content.category,
        subcategory=content.subcategory,
        category_label=category_label,
        subcategory_label=subcategory_label,
        opened=opened_at(ticket),
        updated=ticket.updated_at,
        emitter_siret=content.emitter_siret,
        emitter_name=ticket.emitter.designation if ticket.emitter else None,
        emitter_service=emitter_service.code if emitter_service else content.emitter_service,
        emitter_service_name=emitter_service.name if emitter_service else None,
        recipient_org=recipient.org.key if recipient else None,
        recipient_name=recipient.name if recipient else None,
        recipient_service=recipient.service.code if recipient and recipient.service else None,
        recipient_service_name=recipient.service.name if recipient and recipient.service else None,
        assignee=ticket.assignee,
        created_by=ticket.created_by,
        object_type=content.object_type.value if content.object_type else None,
        object_number=content.object_number,
        anonymous=ticket.anonymous,
        words=words_of(content.title, content.description),
        created=ticket.created_at,
    )
    rows: dict[RowKind, Row] = {}
    owner = emitter_owner(ticket)
    if owner:
        rows[RowKind.E] = replace(base, org=owner)
    if recipient and ticket.status is not Status.DRAFT:
        rows[RowKind.R] = replace(base, kind=RowKind.R, org=recipient.org.key)
        if ticket.assignee:
            rows[RowKind.A] = replace(base, kind=RowKind.A, org=recipient.org.key, assignee_id=ticket.assignee.id)
    return rows


# ---------------------------------------------------------------------------------------- counters
def counts_partition(kind: RowKind, owner: str) -> str:
    return f"COUNTS#{kind.value}#{owner}"


ALL_SERVICES = "ALL"


def counter_items(row: Row) -> list[tuple[str, str]]:
    """Which counter items count this row: the organisation's total, and its service's (E and R rows);
    the agent's total (A rows)."""
    if row.kind is RowKind.A:
        return [(counts_partition(RowKind.A, f"{row.org}#{row.assignee_id}"), ALL_SERVICES)]
    pk = counts_partition(row.kind, row.org)
    return [(pk, ALL_SERVICES), (pk, f"SERVICE#{row.service}")]


def counter_deltas(before: Ticket | None, after: Ticket | None) -> dict[tuple[str, str], dict[str, int]]:
    """What a write does to the counters: per counter item, per status, +1 / -1 (zero changes left out)."""
    change: Counter[tuple[str, str, str]] = Counter()
    for row in rows_of(before).values():
        for pk, sk in counter_items(row):
            change[(pk, sk, row.status.value)] -= 1
    for row in rows_of(after).values():
        for pk, sk in counter_items(row):
            change[(pk, sk, row.status.value)] += 1
    deltas: dict[tuple[str, str], dict[str, int]] = {}
    for (pk, sk, status), delta in change.items():
        if delta:
            deltas.setdefault((pk, sk), {})[status] = delta
    return deltas


@dataclass(frozen=True)
class Counts:
    """The dashboard's numbers for one follower: per status, in total and per service code."""

    total: dict[Status, int] = field(default_factory=dict)
    by_service: dict[str, dict[Status, int]] = field(default_factory=dict)


def counts_from_items(items: Iterable[tuple[str, dict[str, int]]]) -> Counts:
    total: dict[Status, int] = {}
    by_service: dict[str, dict[Status, int]] = {}
    for sk, values in items:
        numbers = {Status(k): int(v) for k, v in values.items() if k in Status.__members__ and int(v)}
        if sk == ALL_SERVICES:
            total = numbers
        elif sk.startswith("SERVICE#"):
            by_service[sk.removeprefix("SERVICE#")] = numbers
    return Counts(total=total, by_service=by_service)


# ----------------------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class Filters:
    """Criteria checked on each row read (those the chosen index does not answer by its keys)."""

    category: str | None = None
    subcategory: str | None = None
    created_from: str | None = None  # inclusive stamps of the creation date
    created_to: str | None = None
    object_key: str | None = None
    words: tuple[str, ...] = ()
    emitter_siret: str | None = None
    recipient_org: str | None = None
    recipient_service: str | None = None
    emitter_service: str | None = None
    created_by: str | None = None
    creator_words: tuple[str, ...] = ()  # each starts a word of the creator's name
    recipient_words: tuple[str, ...] = ()  # each starts a word of the recipient's name

    def matches(self, row: Row) -> bool:
        """Whether the row passes every criterion (checked in turn: the first that fails answers)."""
        return all(check(row) for check in self._checks)

    @cached_property
    def _checks(self) -> tuple[Callable[[Row], bool], ...]:
        """One test per criterion given, in the order of ``matches``: a search asks a page's worth of rows and up to
        the read budget's for its total, so what is not asked is not checked row after row."""
        checks: list[Callable[[Row], bool]] = []
        if (category := self.category) is not None:
            checks.append(lambda row: row.category == category)
        if (subcategory := self.subcategory) is not None:
            checks.append(lambda row: row.subcategory == subcategory)
        if self.created_from is not None or self.created_to is not None:
            low, high = self.created_from, self.created_to
            checks.append(
                lambda row: (
                    (low is None or _stamp(row.created_at) >= low) and (high is None or _stamp(row.created_at) <= high)
                )
            )
        if (object_key := self.object_key) is not None:
            checks.append(lambda row: (row.object_number or "").strip().upper() == object_key)
        checks += _starts_words("words", self.words)
        if (emitter_siret := self.emitter_siret) is not None:
            checks.append(lambda row: row.emitter_siret == emitter_siret)
        if (recipient_org := self.recipient_org) is not None:
            checks.append(lambda row: row.recipient_org == recipient_org)
        if (recipient_service := self.recipient_service) is not None:
            checks.append(lambda row: (row.recipient_service or NO_SERVICE) == recipient_service)
        if (emitter_service := self.emitter_service) is not None:
            checks.append(lambda row: (row.emitter_service or NO_SERVICE) == emitter_service)
        if (created_by := self.created_by) is not None:
            checks.append(lambda row: row.created_by.id == created_by)
        checks += _starts_words("creator_words", self.creator_words)
        checks += _starts_words("recipient_words", self.recipient_words)
        return tuple(checks)

    @property
    def empty(self) -> bool:
        return self == Filters()


def _starts_words(attribute: str, words: tuple[str, ...]) -> list[Callable[[Row], bool]]:
    """The test that each of ``words`` starts a word of the row's ``attribute`` (its words, each after a space)."""
    needles = tuple(f" {w}" for w in words)
    if not needles:
        return []
    if len(needles) == 1:
        (needle,) = needles
        return [lambda row: needle in getattr(row, attribute)]
    return [lambda row: all(n in getattr(row, attribute) for n in needles)]


@dataclass(frozen=True)
class ListQuery:
    """One page to read: the partitions (already limited to what the caller may see), the sort, a key
    range on the sort index (inclusive, optional), filters, the page size and where the last page ended."""

    partitions: tuple[str, ...]
    sort: Sort
    direction: Direction
    size: int
    after: str | None = None  # the sort value of the last row of the previous page (exclusive)
    low: str | None = None
    high: str | None = None
    filters: Filters = Filters()
    number: int | None = None  # a search by number: at most one ticket, read by its key
    budget: int = READ_BUDGET

    @property
    def attribute(self) -> str:
        return SORT_ATTRIBUTE[self.sort]

    def prefix(self, partition: str) -> str:
        """What comes before the index value in the page's order: the status rank, for the status sort."""
        if self.sort is not Sort.STATUS:
            return ""
        return f"{STATUS_RANK[Status(partition.rsplit('#', 1)[1])]}{SEP}"

    def ordered(self, partition: str, value: str) -> str:
        return self.prefix(partition) + value

    def bounds(self, partition: str) -> tuple[str | None, str | None] | None:
        """The inclusive range of raw index values to read in ``partition`` for this page, or ``None``
        when the partition has nothing left (its whole range lies before ``after``)."""
        prefix = self.prefix(partition)
        low, high = self.low, self.high
        if self.after is not None:
            after = self.after
            if prefix:
                if not after.startswith(prefix):
                    passed = after > prefix if self.direction is Direction.ASC else after < prefix
                    return None if passed else (low, high)
                after = after[len(prefix) :]
            if self.direction is Direction.ASC:
                low = after if low is None or after > low else low
            else:
                high = after if high is None or after < high else high
        if low is not None and high is not None and low > high:
            return None
        return low, high

    def keeps(self, partition: str, value: str) -> bool:
        """Whether a row read within ``bounds`` belongs to the page (the bound at ``after`` is exclusive)."""
        return self.after is None or self.ordered(partition, value) != self.after

    def holds(self, partition: str, value: str) -> bool:
        """Whether a row of ``partition`` with index value ``value`` lies in the page's key range, as a Query
        of ``bounds`` would have read it (criteria the range answers are no longer among the filters)."""
        bounds = self.bounds(partition)
        if bounds is None:
            return False
        low, high = bounds
        return (low is None or value >= low) and (high is None or value <= high) and self.keeps(partition, value)


@dataclass(frozen=True)
class Page:
    rows: tuple[Row, ...]
    after: str | None  # where the next page starts, ``None`` when this was the last one
    items_read: int = 0  # rows evaluated (for the benchmarks)


@dataclass(frozen=True)
class Tally:
    """How many rows of a query pass its filters, counted within its read budget: ``exact`` is false when
    the budget ran out first (``count`` is then what was found so far, a lower bound)."""

    count: int
    exact: bool
    items_read: int = 0


# -------------------------------------------------------------------------------------------- cursor
def encode_cursor(after: str, fingerprint: str, page: int | None = None) -> str:
    """The position after a page, bound to its query; ``page``: the number of the page it leads to."""
    data: dict[str, Any] = {"a": after, "q": fingerprint}
    if page is not None:
        data["p"] = page
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str, fingerprint: str) -> tuple[str, int | None]:
    """The position a cursor holds and the number of the page it leads to (``None`` if it does not say);
    a French 400 if it is not one of ours or belongs to another query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode("utf-8"))
        after, query, page = data["a"], data["q"], data.get("p")
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise InvalidInput([FieldError("cursor", messages.CURSOR_INVALID)]) from exc
    if not isinstance(after, str) or not after or query != fingerprint:  # a position is never empty
        raise InvalidInput([FieldError("cursor", messages.CURSOR_INVALID)])
    if page is not None and (type(page) is not int or not 2 <= page <= 10**9):
        raise InvalidInput([FieldError("cursor", messages.CURSOR_INVALID)])
    return after, page


def decode_cursor(cursor: str, fingerprint: str) -> str:
    """The position a cursor holds; a French 400 if it is not one of ours or belongs to another query."""
    return decode_position(cursor, fingerprint)[0]


def fingerprint(*parts: object) -> str:
    """A short digest of what a listing asked (side, tab, criteria, sort): a cursor only continues it."""
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]


def merge_order(rows: Sequence[tuple[str, Row]], direction: Direction) -> list[tuple[str, Row]]:
    return sorted(rows, key=lambda pair: pair[0], reverse=direction is Direction.DESC)


class PartitionStream(Protocol):
    """One partition of a page, read in its index's order a chunk at a time (each adapter has its own)."""

    buffer: list[tuple[str, Row]]  # (ordered sort value, row) read and kept by the filters, not yet placed
    done: bool  # the partition has no more rows
    frontier: str | None  # the last sort value evaluated, filtered out or not

    def fetch(self, limit: int) -> int:
        """Read up to ``limit`` more rows; the count read (what the budget pays)."""
        ...


def merge_page(query: ListQuery, streams: Sequence[PartitionStream]) -> Page:
    """A page of ``query`` merged from its partitions in order, the way both list adapters read them: one row
    more than a page from each (enough when nothing is filtered); a filtered partition read on, chunk after
    chunk, until it yields its next row or ``query.budget`` rows have been read."""
    ascending = query.direction is Direction.ASC
    chunk = max(1, min(query.size + 1, query.budget // max(1, len(streams))))
    read = sum(stream.fetch(chunk) for stream in streams)  # every partition gets a first look

    def beyond(value: str, frontier: str | None) -> bool:
        return frontier is None or (value > frontier if ascending else value < frontier)

    chosen: list[tuple[str, Row]] = []
    while True:
        for stream in streams:
            while not stream.buffer and not stream.done and read < query.budget:
                read += stream.fetch(min(chunk, query.budget - read))
        blocked = [s for s in streams if not s.buffer and not s.done]
        ready = [s for s in streams if s.buffer]
        if not ready:
            break
        best = (min if ascending else max)(ready, key=lambda s: s.buffer[0][0])
        if any(beyond(best.buffer[0][0], s.frontier) for s in blocked):
            break  # a partition not read that far could still hold an earlier row
        if len(chosen) == query.size:
            return Page(rows=tuple(r for _, r in chosen), after=chosen[-1][0], items_read=read)
        chosen.append(best.buffer.pop(0))
    rows = tuple(r for _, r in chosen)
    if not blocked:
        return Page(rows=rows, after=None, items_read=read)
    # The budget ran out: every row up to the nearest frontier was returned or filtered out.
    frontiers = [s.frontier for s in blocked if s.frontier is not None]
    resume = (min if ascending else max)(frontiers) if frontiers else (chosen[-1][0] if chosen else query.after)
    return Page(rows=rows, after=resume, items_read=read)
