"""« Rechercher » a recipient structure: the public directory of Chorus Pro, for any signed-in user (it is public
data: public structures active in Chorus Pro, their SIRET, address and services). The connected form's
« Structure destinataire » / « Service destinataire » and the assistant use the same route.

A search is checked whole before anything is read (every faulty criterion named, in French), then served by one
Query on the directory's index (``chorus_desk.directory``), continued by an opaque cursor bound to the criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from chorus_desk import directory, listing, messages
from chorus_desk.directory import DirectoryQuery, Entry
from chorus_desk.errors import FieldError, InvalidInput
from chorus_desk.observability import logger
from chorus_desk.ports import Ports

MAX_NAME = 150
MAX_TOWN = 100
_SIRET = re.compile(r"[0-9]{3,14}")
_POSTCODE = re.compile(r"[0-9]{2,5}")


@dataclass(frozen=True)
class SearchStructures:
    """The criteria as the caller typed them (``None``: not given), the page size and the previous page's cursor."""

    name: str | None = None
    siret: str | None = None
    postcode: str | None = None
    town: str | None = None
    size: int = directory.DEFAULT_SIZE
    cursor: str | None = None


@dataclass(frozen=True)
class StructureResults:
    entries: tuple[Entry, ...]
    cursor: str | None  # the next page's, ``None`` at the end
    size: int
    partial: bool  # the page's read budget ran out before it filled: continue with the cursor
    items_read: int


def _digits(value: str) -> str:
    return "".join(value.split())  # « 217 690 015 » as it is often written


def query_of(command: SearchStructures) -> DirectoryQuery:
    """The checked, folded search; ``InvalidInput`` naming every faulty criterion."""
    errors: list[FieldError] = []
    words: tuple[str, ...] = ()
    if command.name is not None:
        words = directory.words_of(command.name)
        if not words or len(command.name) > MAX_NAME:
            errors.append(FieldError("name", messages.DIRECTORY_NAME_INVALID))
    siret = _digits(command.siret) if command.siret is not None else None
    if siret is not None and not _SIRET.fullmatch(siret):
        errors.append(FieldError("siret", messages.DIRECTORY_SIRET_INVALID))
    postcode = _digits(command.postcode) if command.postcode is not None else None
    if postcode is not None and not _POSTCODE.fullmatch(postcode):
        errors.append(FieldError("postcode", messages.DIRECTORY_POSTCODE_INVALID))
    town = directory.fold(command.town) if command.town is not None else None
    if command.town is not None and (len(town or "") < directory.TOWN_BUCKET or len(command.town) > MAX_TOWN):
        errors.append(FieldError("town", messages.DIRECTORY_TOWN_INVALID))
    if not 1 <= command.size <= directory.MAX_SIZE:
        errors.append(FieldError("size", messages.DIRECTORY_SIZE_INVALID.format(max=directory.MAX_SIZE)))
    if all(v is None for v in (command.name, command.siret, command.postcode, command.town)):
        errors.append(FieldError("criteria", messages.DIRECTORY_CRITERION_REQUIRED))
    if errors:
        raise InvalidInput(errors)
    return DirectoryQuery(words=words, siret=siret, postcode=postcode, town=town, size=command.size)


def search_structures(ports: Ports, command: SearchStructures) -> StructureResults:
    """One page of the public structures the criteria find, in the order of the criterion read (the SIRET, else
    the postcode, else the longest word, else the town), each with its services."""
    query = query_of(command)
    fingerprint = listing.fingerprint(*query.fingerprint())
    if command.cursor:
        after = listing.decode_cursor(command.cursor, fingerprint)
        if not after.startswith(query.prefix):
            raise InvalidInput([FieldError("cursor", messages.CURSOR_INVALID)])
        query = replace(query, after=after)
    read, more = ports.directory.read_index(query.partition, query.prefix, query.after, query.limit)
    page = directory.page_of(query, read, more)
    cursor = listing.encode_cursor(page.after, fingerprint) if page.after is not None else None
    partial = cursor is not None and len(page.entries) < query.size
    criteria = [n for n in ("name", "siret", "postcode", "town") if getattr(command, n) is not None]
    logger.info("directory searched", criteria=criteria, results=len(page.entries), items_read=page.items_read)
    return StructureResults(page.entries, cursor, query.size, partial, page.items_read)
