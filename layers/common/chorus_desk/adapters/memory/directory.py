"""``Directory`` in memory: users, memberships, structures, teams and the structures' search index."""

from __future__ import annotations

from chorus_desk import directory
from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.directory import Entry
from chorus_desk.models import Membership, OrgRef, Structure, Team, UserProfile


class MemoryDirectory:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]:
        with self._store.lock:
            memberships = sorted(self._store.memberships.get(user_id, {}).items())
            return self._store.users.get(user_id), [m for _, m in memberships]

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]:
        with self._store.lock:
            found = []
            for user_id, by_org in sorted(self._store.memberships.items()):
                membership = by_org.get(org.key)
                if membership is not None and user_id in self._store.users:
                    found.append((self._store.users[user_id], membership))
            return found

    def load_structure(self, siret: str) -> Structure | None:
        with self._store.lock:
            structure = self._store.structures.get(siret)
        if structure is None:
            return None
        return structure.model_copy(update={"services": tuple(sorted(structure.services, key=lambda s: s.code))})

    def load_team(self, team_id: str) -> Team | None:
        with self._store.lock:
            return self._store.teams.get(team_id)

    def read_index(self, partition: str, prefix: str, after: str | None, limit: int) -> tuple[list[Entry], bool]:
        """The entries the stored structures have in the index (``directory.entries_of``), read as the Query
        reads them: in key order, after ``after``, up to ``limit``; ``True`` when the limit was reached."""
        with self._store.lock:
            structures = list(self._store.structures.values())
        found = sorted(
            (e for s in structures for e in directory.entries_of(s) if e.partition == partition),
            key=lambda e: e.key,
        )
        found = [e for e in found if e.key.startswith(prefix) and (after is None or e.key > after)]
        read = found[:limit]
        return read, len(read) == limit
