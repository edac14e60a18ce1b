"""``make bench-peer``: CPU per request of this project's handlers beside a peer's, django-helpdesk, in one run.

``python -m bench.peer --peer-python .venv-peer/bin/python [--sizes 100 1000] [--runs 31]``
(``python -m bench.peer profile --route search_tickets --sizes 100 --runs 200``: where one route's CPU goes)

Both sides run as child processes of this driver, each answering its commands one JSON line at a time (their
own logs go to a null device): this project's side (``python -m bench.peer ours``) with this interpreter, the
peer's (``bench/peer_django.py --serve``) with the peer's virtualenv (``requirements-peer.txt``, SQLite in a
temporary directory). They take turns, operation by operation, ``--rounds`` times each, so that whatever else
runs on the machine weighs on both alike. The same operations on both, with a table of ``--sizes`` tickets all
open and received by one team, one in ten carrying the searched word:

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


def serve_ours() -> None:
    """This desk's side as a worker of the driver: one command a line on stdin (``seed <size>``, ``measure
    <operation> <runs>``), one JSON answer a line on the protocol stream; everything the functions print (their
    log lines, at INFO) goes to the null device."""
    protocol = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # the handlers' log lines, whatever stream object they hold
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
    filled = 0
    resolved = 0  # the seeded open tickets are answered in turn, each once
    with mock.patch.object(support, "handler_of", timed_handler_of):
        mine = [int(api.create("marie").body["number"]) for _ in range(5)]
        for line in sys.stdin:
            command, *arguments = line.split("\t")
            if command == "seed":
                size = int(arguments[0])
                ports.reference.import_tickets(tickets(10_000 + filled, size - filled))
                filled = size
                answer: dict[str, Any] = {"seeded": filled}
            else:
                name, runs = arguments[0], int(arguments[1])
                theirs = list(range(10_000 + resolved, 10_000 + resolved + runs + 1))
                if name == "resolve with a comment":
                    resolved += runs + 1
                request = requests(api, mine, theirs)[name]
                cpu, inside = [], []
                for i in range(runs + 1):  # one unrecorded warm-up
                    reply = request(i)
                    assert reply.status in (200, 201), reply.body
                    if i:
                        cpu.append(clock.handler * 1000)
                        inside.append(clock.ports * 1000)
                answer = {"cpu_ms": cpu, "adapter_ms": inside}
            protocol.write(json.dumps(answer) + "\n")
            protocol.flush()
    api.close()


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


def profile(route: str, size: int, runs: int) -> None:
    """Where one route's CPU goes (cProfile, ``runs`` requests at ``size`` tickets), the heaviest callees first."""
    import cProfile
    import io
    import pstats

    _environment()
    from chorus_desk.adapters.memory import memory_ports
    from local_stack.template import load_template
    from tests import fixtures
    from tests.support import Api

    ports = memory_ports()
    fixtures.seed(ports)
    ports.reference.import_tickets(tickets(10_000, size))
    api = Api(load_template(), ports)
    query = SEARCH_QUERY if route == "search_tickets" else LIST_QUERY
    for _ in range(3):
        api.call(route, "sophie", query=query)
    profiler = cProfile.Profile()
    with open(os.devnull, "w") as null:
        saved, sys.stdout = sys.stdout, null
        profiler.enable()
        for _ in range(runs):
            api.call(route, "sophie", query=query)
        profiler.disable()
        sys.stdout = saved
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    print(text.getvalue())


ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'common'}{os.pathsep}{ROOT}"}


class Worker:
    """One side, a child process answering the driver's commands one line at a time."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, *words: object) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("\t".join(str(w) for w in words) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"{self.process.args!r} stopped (exit status {self.process.wait()})")
        return json.loads(answer)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def interleaved(peer_python: str, sizes: list[int], runs: int, rounds: int) -> tuple[Any, Any, str]:
    """Both sides measured in turn, operation by operation and round by round, so that what else runs on the
    machine weighs on both alike: {row: {cpu_ms, adapter_ms}} for each side (medians of every round's samples),
    and the peer's name. The peer also reports its SQLite steps per request."""
    here = Worker([sys.executable, "-m", "bench.peer", "ours"])
    peer = Worker([peer_python, str(ROOT / "bench" / "peer_django.py"), "--serve"])
    mine: dict[str, dict[str, float]] = {}
    theirs: dict[str, dict[str, float]] = {}
    try:
        per_round = max(1, runs // rounds)

        def both(row: str, name: str) -> None:
            samples: dict[str, dict[str, list[float]]] = {"here": {}, "peer": {}}
            steps = 0.0
            for _ in range(rounds):
                for side, worker in (("here", here), ("peer", peer)):
                    answer = worker.ask("measure", name, per_round)
                    for key in ("cpu_ms", "adapter_ms"):
                        samples[side].setdefault(key, []).extend(answer[key])
                    steps = answer.get("db_steps", steps)
            mine[row] = {k: statistics.median(v) for k, v in samples["here"].items()}
            theirs[row] = {k: statistics.median(v) for k, v in samples["peer"].items()} | {"db_steps": steps}

        for size in sizes:
            here.ask("seed", size)
            peer.ask("seed", size)
            for name in SIZED:
                both(f"{name} ({size:,} tickets)", name)
        both("create", "create")
        both("resolve with a comment", "resolve with a comment")
        name = peer.ask("name")["peer"]
    finally:
        here.close()
        peer.close()
    return mine, theirs, str(name)


def run_child(command: list[str], out: Path, timeout: float) -> Any:
    """Run a child with its stdout (log lines) to the null device; its JSON from ``out``."""
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True, timeout=timeout, env=ENV)
    return json.loads(out.read_text())


def ratio(peer: float, here: float) -> str:
    return f"{peer / here:.1f}×" if here else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", nargs="?", choices=("compare", "ours", "reads", "profile"), default="compare")
    parser.add_argument("--route", default="search_tickets", help="profile: list_tab or search_tickets")
    parser.add_argument("--peer-python", default=str(ROOT / ".venv-peer" / "bin" / "python"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--rounds", type=int, default=3, help="turns each side takes per operation")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.kind == "profile":
        profile(args.route, args.sizes[0], args.runs)
        return 0
    if args.kind == "ours":
        serve_ours()
        return 0
    if args.kind == "reads":
        args.out.write_text(json.dumps(items_read(args.sizes)))
        return 0
    sizes = [str(s) for s in args.sizes]
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    here, theirs, peer_name = interleaved(args.peer_python, args.sizes, args.runs, args.rounds)
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as folder:
        reads_out = Path(folder) / "reads.json"
        command = [sys.executable, "-m", "bench.peer", "reads", "--sizes", *sizes, "--out", str(reads_out)]
        reads = run_child(command, reads_out, 1200)
    print(f"## CPU per request, this desk beside {peer_name} (`make bench-peer`, {began})\n")
    print(
        f"Both sides interleaved, {args.rounds} rounds of {max(1, args.runs // args.rounds)} requests per operation "
        f"and side (medians of all); load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n"
    )
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
