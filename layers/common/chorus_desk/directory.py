"""The public directory of Chorus Pro: finding a recipient structure by words of its designation, by SIRET or
SIREN prefix, by postcode or by town. Pure code shared by both adapters of ``Directory.read_index`` and the use
case (``usecases.directory``).

Only public structures active in Chorus Pro are in the index. Each has one small index entry per distinct folded
word of its designation, one for its SIRET, one for its postcode and one for its town; every entry carries what a
result shows (SIRET, designation, postcode, town, services), so a page is one Query and nothing else. An entry's
partition is its kind and the first characters of its term (``DIR#W#co``, ``DIR#S#217``, ``DIR#P#76``,
``DIR#T#sa``), its sort key the term then the SIRET: every criterion of at least that many characters is one
``begins_with`` on one partition. A page reads at most ``size + 1`` entries when one criterion is given, at most
``READ_BUDGET`` when the others filter what the first one finds (docs/decisions.md « Finding a recipient »).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from chorus_desk.models import Service, Structure

PREFIX = "DIR#"
WORD_BUCKET = 2  # characters of a word (and of the shortest word one may search) that name its partition
SIRET_BUCKET = 3  # digits of a SIRET prefix, likewise
POSTCODE_BUCKET = 2  # digits of a postcode prefix (a département), likewise
TOWN_BUCKET = 2
MAX_WORDS = 24  # distinct words indexed per structure: an activation's transaction stays under 100 items
READ_BUDGET = 200  # entries a filtered page may evaluate before it answers with what it found and a cursor
DEFAULT_SIZE = 10
MAX_SIZE = 50

# The ligatures NFKD leaves whole: oe, OE, ae, AE and the German sharp s (by code point: no text of the desk here).
_LIGATURES = str.maketrans({chr(0x153): "oe", chr(0x152): "oe", chr(0xE6): "ae", chr(0xC6): "ae", chr(0xDF): "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents and ligatures off, anything but letters and digits a single space: « Électricité
    d'Œuvre » → ``electricite d oeuvre``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", plain).strip()


def words_of(text: str) -> tuple[str, ...]:
    """The distinct folded words of a text that can be searched (two characters or more), in order."""
    return tuple(dict.fromkeys(w for w in fold(text).split() if len(w) >= WORD_BUCKET))


class Kind(StrEnum):
    WORD = "W"
    SIRET = "S"
    POSTCODE = "P"
    TOWN = "T"


_BUCKET = {Kind.WORD: WORD_BUCKET, Kind.SIRET: SIRET_BUCKET, Kind.POSTCODE: POSTCODE_BUCKET, Kind.TOWN: TOWN_BUCKET}


def partition(kind: Kind, term: str) -> str:
    return f"{PREFIX}{kind.value}#{term[: _BUCKET[kind]]}"


class Entry(BaseModel):
    """One index item: its key (``partition`` / ``key``), the term it is found by, and the result it shows."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    partition: str
    key: str
    term: str
    siret: str
    designation: str
    postcode: str | None = None
    town: str | None = None
    services: tuple[Service, ...] = ()
    words: tuple[str, ...] = ()  # the structure's indexed words (the other words of a search are checked on them)


def entries_of(structure: Structure) -> list[Entry]:
    """The index entries of a structure: none unless it is public and active."""
    if not (structure.public and structure.active):
        return []
    words = words_of(structure.designation)[:MAX_WORDS]
    town = fold(structure.town) if structure.town else ""
    common = {
        "siret": structure.siret,
        "designation": structure.designation,
        "postcode": structure.postcode,
        "town": structure.town,
        "services": tuple(sorted(structure.services, key=lambda s: s.code)),
        "words": words,
    }
    terms = [(Kind.WORD, w) for w in words] + [(Kind.SIRET, structure.siret)]
    if structure.postcode:
        terms.append((Kind.POSTCODE, structure.postcode))
    if len(town) >= TOWN_BUCKET:
        terms.append((Kind.TOWN, town))
    return [
        Entry(partition=partition(kind, term), key=_key(kind, term, structure.siret), term=term, **common)
        for kind, term in terms
    ]


def _key(kind: Kind, term: str, siret: str) -> str:
    """An entry's sort key: the term, then the SIRET (a SIRET entry's term is the SIRET itself)."""
    return term if kind is Kind.SIRET else f"{term}#{siret}"


def digest(structure: Structure) -> str:
    """A digest of what the index holds for the structure once active: an activation is conditioned on it, so
    that it never writes entries of a designation (or services, or address) replaced meanwhile."""
    entries = entries_of(structure.model_copy(update={"active": True}))
    dumped = json.dumps([e.model_dump(mode="json") for e in entries], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


def town_key(town: str | None) -> str:
    return fold(town) if town else ""


# ------------------------------------------------------------------------------------------- a search
@dataclass(frozen=True)
class DirectoryQuery:
    """A search: its criteria already checked and folded (``usecases.directory``), a page size, and where the
    previous page stopped (an entry key of the chosen partition)."""

    words: tuple[str, ...] = ()
    siret: str | None = None  # digits, a prefix of the SIRET (the SIREN is its first nine)
    postcode: str | None = None  # digits, a prefix of the postcode
    town: str | None = None  # folded, a prefix of the folded town
    size: int = DEFAULT_SIZE
    after: str | None = None

    @property
    def key(self) -> tuple[Kind, str]:
        """The criterion the Query reads by: the SIRET, else the postcode, else the longest word, else the town
        (the most selective first); the others filter what it finds."""
        if self.siret:
            return Kind.SIRET, self.siret
        if self.postcode:
            return Kind.POSTCODE, self.postcode
        if self.words:
            return Kind.WORD, max(self.words, key=len)
        assert self.town, "a search has at least one criterion"
        return Kind.TOWN, self.town

    @property
    def partition(self) -> str:
        kind, term = self.key
        return partition(kind, term)

    @property
    def prefix(self) -> str:
        return self.key[1]

    @property
    def filtered(self) -> bool:
        """Whether criteria other than the key's must be checked on what the Query finds."""
        given = len(self.words) + sum(v is not None for v in (self.siret, self.postcode, self.town))
        return given > 1

    @property
    def limit(self) -> int:
        """Entries the page's one Query may evaluate."""
        return READ_BUDGET if self.filtered else self.size + 1

    def fingerprint(self) -> list[object]:
        return ["directory", self.words, self.siret, self.postcode, self.town, self.size]

    def keeps(self, entry: Entry) -> bool:
        """Whether the entry is a result of the search: every criterion holds, and it is the structure's one entry
        for the key (of two words beginning with what was typed, « saint » and « sainte », the first one)."""
        kind, term = self.key
        if kind is Kind.WORD:
            first = min((w for w in entry.words if w.startswith(term)), default=None)
            if entry.term != first:
                return False
        if any(not any(w.startswith(asked) for w in entry.words) for asked in self.words):
            return False
        if self.siret and not entry.siret.startswith(self.siret):
            return False
        if self.postcode and not (entry.postcode or "").startswith(self.postcode):
            return False
        return not (self.town and not town_key(entry.town).startswith(self.town))


@dataclass(frozen=True)
class DirectoryPage:
    entries: tuple[Entry, ...]
    after: str | None  # the key the next page starts after, ``None`` at the end
    items_read: int  # entries the page's Query evaluated (for the benchmarks)


def page_of(query: DirectoryQuery, read: list[Entry], more: bool) -> DirectoryPage:
    """The page of a search from what its one Query read in key order (``more``: the Query stopped at its limit
    with entries left). A page that filled stops after its last result; one that did not, after the last entry
    read (the next page goes on from there: nothing is skipped, nothing shown twice)."""
    kept = [e for e in read if query.keeps(e)]
    if len(kept) > query.size:
        shown = kept[: query.size]
        return DirectoryPage(tuple(shown), shown[-1].key, len(read))
    after = read[-1].key if more and read else None
    return DirectoryPage(tuple(kept), after, len(read))
