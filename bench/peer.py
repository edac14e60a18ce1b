"""``make bench-peer``: CPU per request of this project's handlers beside a peer's, django-helpdesk, in one run.

``python -m bench.peer --peer-python .venv-peer/bin/python [--sizes 100 1000] [--runs 31]``

Both sides run as child processes of this driver, one after the other, each printing JSON (their own logs go
to a null device): this project's side (``python -m bench.peer ours``) with this interpreter, the peer's
(``bench/peer_django.py``) with the peer's virtualenv (``requirements-peer.txt``, SQLite in a temporary
directory). The same operations on both, with a table of ``--sizes`` tickets all open and received by one
team, one in ten carrying the searched word:

| operation | here (real handler, in-memory adapters) | the peer (Django test client, staff agent) |
|---|---|---|
| create | ``POST /tickets`` (marie, submitted) | ``POST /api/tickets/`` |
| detail | ``GET /tickets/{n}`` (marie) | ``GET /api/tickets/<id>/`` |
| list of 25 | ``GET /tickets`` the support's « Tous sauf fermés », newest first | the ticket list screen's data |
| search, a word | ``GET /tickets/search`` words=…, the support's side | the list screen's keyword search |
| resolve with a comment | ``POST /tickets/{n}/answer`` (sophie) | ``POST /api/followups/``, new status resolved |

Here, a sample is ``time.process_time`` around the handler's call only (what Lambda bills: the event is built
before), the adapters' own CPU apart (every call to a port, timed); production's log level (INFO: Powertools'
JSON lines written, to a null device) and metrics (EMF lines, likewise), tracing off as it is off the peer.
The in-memory adapters page through sorted indexes as DynamoDB's do. What each request reads is counted on
moto in a separate pass (items DynamoDB examines: ``ScannedCount`` of the Queries, one per GetItem hit) at each
size; the peer's is SQLite's virtual-machine steps (``bench/peer_django.py``). CPU on moto is not reported:
moto runs DynamoDB's side in this process, which Lambda would not pay.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RARE = "xylophone"  # the peer's searched word, in one ticket of ten on both sides
OPERATIONS = ("create", "detail", "list of 25", "search, a word", "resolve with a comment")
SIZED = ("list of 25", "search, a word", "detail")


def _environment() -> None:
    """The tests' environment (dummy credentials, table name…), then production's log level and metrics."""
    import tests.conftest  # noqa: F401

    os.environ["POWERTOOLS_LOG_LEVEL"] = "INFO"
    os.environ.pop("POWERTOOLS_METRICS_DISABLED", None)
    from chorus_desk.observability import logger

    logger.setLevel("INFO")


class Clock:
    """CPU spent in the handler and, within it, in the ports."""

    def __init__(self) -> None:
        self.handler = 0.0
        self.ports = 0.0
        self.depth = 0

    @contextmanager
    def port_call(self) -> Iterator[None]:
        self.depth += 1
        started = time.process_time()
        try:
            yield
        finally:
            self.depth -= 1
            if self.depth == 0:
                self.ports += time.process_time() - started


class TimedPort:
    """A port whose every method call adds its CPU time to the clock."""

    def __init__(self, port: Any, clock: Clock) -> None:
        self._port, self._clock = port, clock

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._port, name)
        if not callable(method):
            return method

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self._clock.port_call():
                return method(*args, **kwargs)

        return timed


def tickets(first: int, count: int) -> list[Any]:
    """``count`` open tickets of other structures, received by the technical support."""
    from bench.following import SUPPORT, siret_of, ticket
    from chorus_desk.lifecycle import Status
    from chorus_desk.models import Person

    rng = random.Random(first)  # noqa: S311 (reproducible test data)
    author = Person(id="filler-user", name="Filler")
    made = []
    for n in range(first, first + count):
        t = ticket(n, siret_of(n % 997 + 1), f"Entreprise {n % 997}", author, SUPPORT, rng)
        extra = f" {RARE}" if n % 10 == 0 else ""
        content = t.content.model_copy(update={"description": (t.content.description or "") + extra})
        made.append(
            t.model_copy(
                update={
                    "status": Status.OPEN,
                    "submitted_at": t.created_at,
                    "recipient": SUPPORT,
                    "assignee": None,
                    "content": content,
                }
            )
        )
    return made


LIST_QUERY = {"side": "RECIPIENT", "tab": "ONGOING", "sort": "OPENED", "order": "DESC", "size": "25"}
SEARCH_QUERY = {"side": "RECIPIENT", "words": RARE}


def requests(api: Any, mine: list[int], theirs: list[int]) -> dict[str, Callable[[int], Any]]:
    """Each operation as a call of ``api``: the i-th sample's request."""
    return {
        "create": lambda _: api.create("marie"),
        "detail": lambda i: api.call("get_ticket", "marie", mine[i % len(mine)]),
        "list of 25": lambda _: api.call("list_tab", "sophie", query=LIST_QUERY),
        "search, a word": lambda _: api.call("search_tickets", "sophie", query=SEARCH_QUERY),
        "resolve with a comment": lambda i: api.call(
            "answer", "sophie", theirs[i], body={"text": "Voici la solution : renvoyez la facture."}
        ),
    }


def ours(sizes: list[int], runs: int) -> dict[str, dict[str, float]]:
    _environment()
    from unittest import mock

    from chorus_desk.adapters.memory import memory_ports
    from local_stack.template import load_template
    from tests import fixtures, support
    from tests.support import Api

    template = load_template()
    clock = Clock()
    real = support.handler_of  # type: ignore[attr-defined]

    def timed_handler_of(template: dict[str, Any], function: str) -> Any:
        handler = real(template, function)

        def timed(event: dict[str, Any], context: Any) -> Any:
            clock.ports = 0.0
            started = time.process_time()
            try:
                return handler(event, context)
            finally:
                clock.handler = time.process_time() - started

        return timed

    ports = memory_ports()
    fixtures.seed(ports)
    timed_ports = dataclasses.replace(
        ports, **{f.name: TimedPort(getattr(ports, f.name), clock) for f in dataclasses.fields(ports)}
    )
    api = Api(template, timed_ports)
    results: dict[str, dict[str, float]] = {}
    filled = 0

    def measure(request: Callable[[int], Any], count: int) -> dict[str, float]:
        handler, inside = [], []
        for i in range(count + 2):  # two unrecorded warm-up runs
            reply = request(i)
            assert reply.status in (200, 201), reply.body
            if i >= 2:
                handler.append(clock.handler * 1000)
                inside.append(clock.ports * 1000)
        return {"cpu_ms": statistics.median(handler), "adapter_ms": statistics.median(inside)}

    with mock.patch.object(support, "handler_of", timed_handler_of):
        mine = [int(api.create("marie").body["number"]) for _ in range(5)]
        for size in sizes:
            ports.reference.import_tickets(tickets(10_000 + filled, size - filled))
            filled = size
            calls = requests(api, mine, [])
            for name in SIZED:
                results[f"{name} ({size:,} tickets)"] = measure(calls[name], runs)
        theirs = list(range(10_000, 10_000 + runs + 2))
        calls = requests(api, mine, theirs)
        results["create"] = measure(calls["create"], runs)
        results["resolve with a comment"] = measure(calls["resolve with a comment"], runs)
    api.close()
    return results


def items_read(sizes: list[int]) -> dict[str, float]:
    """Items DynamoDB examines per request (moto), at each size: one request of each operation."""
    _environment()
    from moto import mock_aws

    from bench.bench import Examined, fresh_table
    from local_stack.template import load_template
    from tests.support import Api

    template = load_template()
    read: dict[str, float] = {}
    with mock_aws():
        ports, log = fresh_table(template)
        api = Api(template, ports)
        examined = Examined()
        log.client.meta.events.register("after-call.dynamodb.*", examined)
        mine = [int(api.create("marie").body["number"])]
        filled = 0
        for size in sizes:
            ports.reference.import_tickets(tickets(10_000 + filled, size - filled))
            filled = size
            calls = requests(api, mine, [10_000, 10_001])
            for name in SIZED:
                examined.items = 0
                assert calls[name](0).status == 200
                read[f"{name} ({size:,} tickets)"] = examined.items
        for name in ("create", "resolve with a comment"):
            examined.items = 0
            assert calls[name](0).status in (200, 201)
            read[name] = examined.items
        api.close()
    return read


def child(kind: str, sizes: list[int], runs: int, out: Path) -> None:
    result: dict[str, Any] = ours(sizes, runs) if kind == "ours" else items_read(sizes)
    out.write_text(json.dumps(result))


def run_child(command: list[str], out: Path | None, timeout: float) -> Any:
    """Run a side with its stdout (its log lines) to the null device; its JSON from ``out``, or its stdout."""
    with tempfile.TemporaryFile() as captured:
        stdout: Any = subprocess.DEVNULL if out is not None else captured
        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'common'}{os.pathsep}{ROOT}"}
        subprocess.run(command, cwd=ROOT, stdout=stdout, check=True, timeout=timeout, env=env)
        if out is not None:
            return json.loads(out.read_text())
        captured.seek(0)
        return json.loads(captured.read().decode().strip().splitlines()[-1])


def ratio(peer: float, here: float) -> str:
    return f"{peer / here:.1f}×" if here else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", nargs="?", choices=("compare", "ours", "reads"), default="compare")
    parser.add_argument("--peer-python", default=str(ROOT / ".venv-peer" / "bin" / "python"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.kind != "compare":
        child(args.kind, args.sizes, args.runs, args.out)
        return 0
    sizes = [str(s) for s in args.sizes]
    common = ["--sizes", *sizes, "--runs", str(args.runs)]
    began = time.strftime("%Y-%m-%d %H:%M")
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as folder:
        mine_out, reads_out = Path(folder) / "ours.json", Path(folder) / "reads.json"
        here = run_child([sys.executable, "-m", "bench.peer", "ours", *common, "--out", str(mine_out)], mine_out, 900)
        reads = run_child(
            [sys.executable, "-m", "bench.peer", "reads", *common, "--out", str(reads_out)], reads_out, 900
        )
        peer = run_child([args.peer_python, str(ROOT / "bench" / "peer_django.py"), *common], None, 1800)
    theirs = peer["results"]
    print(f"## CPU per request, this desk beside {peer['peer']} (run of {began}, median of {args.runs})\n")
    print(
        "| operation | here: CPU ms (of which adapters) | peer: CPU ms (of which SQL) | peer / here "
        "| here: items read (DynamoDB, moto) | peer: SQLite VM steps |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    rows = [f"{name} ({int(s):,} tickets)" for name in OPERATIONS if name in SIZED for s in sizes]
    rows = ["create", *rows, "resolve with a comment"]
    for row in rows:
        h, p = here[row], theirs[row]
        print(
            f"| {row} | {h['cpu_ms']:.2f} ({h['adapter_ms']:.2f}) | {p['cpu_ms']:.2f} ({p['adapter_ms']:.2f}) "
            f"| {ratio(p['cpu_ms'], h['cpu_ms'])} | {reads[row]:.0f} | {p['db_steps']:.0f} |"
        )
    print("\nRead cost as the table grows (last size / first size):\n")
    print("| operation | here: items read | peer: SQLite VM steps | here: CPU | peer: CPU |")
    print("|---|---:|---:|---:|---:|")
    first, last = f"({int(sizes[0]):,} tickets)", f"({int(sizes[-1]):,} tickets)"
    for name in SIZED:
        a, b = f"{name} {first}", f"{name} {last}"
        print(
            f"| {name} | {ratio(reads[b], reads[a])} | {ratio(theirs[b]['db_steps'], theirs[a]['db_steps'])} "
            f"| {ratio(here[b]['cpu_ms'], here[a]['cpu_ms'])} | {ratio(theirs[b]['cpu_ms'], theirs[a]['cpu_ms'])} |"
        )
    worst = min(theirs[r]["cpu_ms"] / here[r]["cpu_ms"] for r in rows)
    print(f"\nsmallest peer / here ratio: {worst:.1f}× (target: at least 10× on every operation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
