"""The in-process adapter of the ``CompanyRegistry`` port: establishments held in memory, for the local stack
and the tests, which must not depend on INSEE (no key, no network, no quota) yet need SIRETs both open and
closed. It answers as ``adapters.sirene`` does for the same data (``tests/test_sirene.py`` holds both to
the same answers): the establishment, ``UnknownEstablishment`` for a SIRET it does not hold, and
``RegistryUnavailable`` while it plays an outage (``available = False``, or ``fail_next``)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date

from chorus_desk import messages
from chorus_desk.errors import RegistryUnavailable, UnknownEstablishment
from chorus_desk.ports import Establishment

# The demo structures of the local stack (local_stack/demo.py, tests/fixtures.py) as INSEE would describe
# them (names in capitals, without accents, as the registry writes them), and a few establishments Chorus
# Pro does not know yet. Every SIRET has valid Luhn keys (chorus_desk.siret).
DEMO_ESTABLISHMENTS: tuple[Establishment, ...] = (
    Establishment("53453679200011", "MENUISERIE DUPONT", True, None, "12 RUE DES ARTISANS, 69003 LYON"),
    Establishment(
        "53453679200029", "MENUISERIE DUPONT", False, date(2025, 7, 1), "4 ALLEE DES SCIEURS, 69100 VILLEURBANNE"
    ),
    Establishment("41234567000019", "LES LOGES DU GREL", True, None, "2 CHEMIN DU GREL, 38200 VIENNE"),
    Establishment("80123456800013", "BOULANGERIE MARTIN", True, None, "27 GRANDE RUE, 69600 OULLINS"),
    Establishment("80123456800021", "BOULANGERIE MARTIN", False, date(2024, 3, 31), "3 PLACE DU MARCHE, 69600 OULLINS"),
    Establishment("21769001500011", "COMMUNE DE SAINT LEGER", True, None, "1 PLACE DE LA MAIRIE, 69870 SAINT LEGER"),
    Establishment("21769001500029", "COMMUNE DE SAINT LEGER", True, None, "8 RUE DES ATELIERS, 69870 SAINT LEGER"),
    Establishment(
        "21350002800013", "CENTRE HOSPITALIER DE VIENNE", True, None, "MONTEE DU DOCTEUR CHAPUIS, 38200 VIENNE"
    ),
    Establishment(
        "13000004500018",
        "DIRECTION DEPARTEMENTALE DES FINANCES PUBLIQUES DU RHONE",
        True,
        None,
        "3 RUE DE LA CHARITE, 69002 LYON",
    ),
    Establishment("73214569300014", "REGIE DES EAUX DU PILAT", False, date(2024, 12, 31), "LE BOURG, 42410 PELUSSIN"),
    Establishment("11000200300017", "MINISTERE DE LA JUSTICE", True, None, "13 PLACE VENDOME, 75001 PARIS"),
    Establishment("81234567600017", "CLAIRE FONTAINE", True, None, "5 IMPASSE DES LILAS, 69005 LYON"),
    Establishment("90123456700013", "SCIERIE DU PILAT", False, date(2023, 9, 30), "ROUTE DU CRET, 42410 PELUSSIN"),
)


class LocalRegistry:
    """``CompanyRegistry`` in a dict (by default the demo establishments). ``put`` adds or replaces some;
    ``available = False`` makes every lookup fail as an INSEE outage would, ``fail_next(n)`` only the next
    ``n``; ``lookups`` lists the SIRETs asked, in order."""

    def __init__(self, establishments: Iterable[Establishment] = DEMO_ESTABLISHMENTS) -> None:
        self._lock = threading.Lock()
        self._by_siret = {e.siret: e for e in establishments}
        self._failures = 0
        self.available = True
        self.lookups: list[str] = []

    def put(self, *establishments: Establishment) -> None:
        with self._lock:
            self._by_siret.update({e.siret: e for e in establishments})

    def fail_next(self, count: int = 1) -> None:
        with self._lock:
            self._failures = count

    def lookup(self, siret: str) -> Establishment:
        with self._lock:
            self.lookups.append(siret)
            failing = not self.available or self._failures > 0
            self._failures = max(0, self._failures - 1)
            found = self._by_siret.get(siret)
        if failing:
            raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE)
        if found is None:
            raise UnknownEstablishment(messages.ESTABLISHMENT_UNKNOWN.format(siret=siret[:32]), siret)
        return found
