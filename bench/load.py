"""Load on the local stack: concurrent clients for a bounded time, then on to 10,000 requests for the memory.

``python -m bench.load [--clients 50] [--think 1.0] [--seconds 30] [--requests 10000] [--max-seconds 540]``

Starts ``python -m local_stack serve`` on a free loopback port (its own state file, no demo tickets; the
stream consumer mails every submission as in ``make dev``), gets marie's and sophie's IdTokens, then runs
``--clients`` threads, each in a loop of the desk's daily work, a think time of about ``--think`` seconds
between two requests (0 for clients that never pause):

    marie creates a ticket (POST /tickets) · marie opens her « Tous sauf fermés » tab (GET /tickets) ·
    sophie takes it in charge (POST …/take-in-charge) · sophie opens her « Actions requises » tab ·
    sophie answers with a solution (POST …/answer) · marie opens the ticket (GET /tickets/{n})

Phase 1 lasts ``--seconds``: requests per second, p50 / p99 latency and errors (any status but 2xx, or no
answer within ``--request-timeout``) are computed on it alone. Phase 2 goes on with the same clients until
``--requests`` requests in all, then the stack's memory (RSS of the process and its children) is read; the
run stops by itself after ``--max-seconds`` whatever happened, and the stack is stopped with SIGINT. Every
request goes to 127.0.0.1. Exit status 0 only with no error.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.soak import CREATION, _call, get_token, rss_mb, start_stack, stop_stack
from local_stack.aws import free_port

ROUTES = ("create", "list (marie)", "take in charge", "list (sophie)", "answer", "detail")


@dataclass
class Sample:
    route: str
    began: float  # monotonic
    ms: float
    status: int


@dataclass
class Load:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    budget: int = 0  # requests left to send in all

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or self.stop.is_set():
                return False
            self.budget -= 1
            return True

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def client(url: str, tokens: dict[str, str], load: Load, timeout: float, think: float, seed: int) -> None:
    """One client's loop of the desk's daily work, until the load stops or its budget is spent; between two
    requests it waits a think time drawn between half and one and a half times ``think`` (a person reading)."""
    rng = random.Random(seed)  # noqa: S311 (think times, not secrets)
    number: int | None = None
    step = 0
    while True:
        if think and load.stop.wait(rng.uniform(think / 2, think * 1.5)):
            return
        route = ROUTES[step % len(ROUTES)]
        if route != "create" and number is None:  # its ticket was not created: start again
            step, route = 0, "create"
        if not load.take():
            return
        request: tuple[str, str, str, dict[str, object] | None]
        match route:
            case "create":
                request = (f"{url}/tickets", tokens["marie"], "POST", CREATION)
            case "list (marie)":
                request = (f"{url}/tickets?side=EMITTER&tab=ONGOING", tokens["marie"], "GET", None)
            case "take in charge":
                request = (f"{url}/tickets/{number}/take-in-charge", tokens["sophie"], "POST", {})
            case "list (sophie)":
                request = (f"{url}/tickets?side=RECIPIENT&tab=ACTION", tokens["sophie"], "GET", None)
            case "answer":
                request = (f"{url}/tickets/{number}/answer", tokens["sophie"], "POST", {"text": "Voici la solution."})
            case _:
                request = (f"{url}/tickets/{number}", tokens["marie"], "GET", None)
        began = time.monotonic()
        target, token, method, body = request
        status, raw = _call(target, token, method, body, timeout)
        load.add(Sample(route, began, (time.monotonic() - began) * 1000, status))
        if route == "create":
            number = int(json.loads(raw)["number"]) if status == 201 else None
        step += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(samples: list[Sample], seconds: float) -> list[str]:
    if not samples:
        return ["no request answered"]
    latencies = [s.ms for s in samples]
    errors = Counter(s.status for s in samples if not 200 <= s.status < 300)
    lines = [
        f"requests: {len(samples):,} in {seconds:.1f} s = **{len(samples) / seconds:.0f} requests/s**",
        f"latency: p50 **{statistics.median(latencies):.0f} ms**, p99 **{percentile(latencies, 0.99):.0f} ms**, "
        f"max {max(latencies):.0f} ms",
        f"errors: **{sum(errors.values())}**" + (f" {dict(sorted(errors.items()))}" if errors else ""),
        "",
        "| request | count | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for route in ROUTES:
        mine = [s.ms for s in samples if s.route == route]
        if mine:
            lines.append(f"| {route} | {len(mine):,} | {statistics.median(mine):.0f} | {percentile(mine, 0.99):.0f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=540, help="sending stops after this time")
    parser.add_argument("--request-timeout", type=float, default=30, help="API Gateway gives up after 29 s")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a client waits between requests")
    parser.add_argument("--max-rss-mb", type=float, default=4000, help="stop sending when the stack uses more")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs the stack")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.max_seconds
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        port = free_port()
        process, state = start_stack(args.python, Path(folder), port, time.monotonic() + 120)
        load = Load(budget=args.requests)
        stopped_by = ""
        rss_after = rss_before = 0.0
        stop_seconds: float | None = None
        try:
            tokens = {user: get_token(args.python, state, user) for user in ("marie", "sophie")}
            url = f"http://127.0.0.1:{port}"
            rss_before = rss_mb(process.pid)
            threads = [
                threading.Thread(
                    target=client, args=(url, tokens, load, args.request_timeout, args.think, i), daemon=True
                )
                for i in range(args.clients)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            phase_end = started + args.seconds
            while any(t.is_alive() for t in threads):
                now = time.monotonic()
                if now > deadline:
                    stopped_by = "the time limit"
                    load.stop.set()
                elif (rss := rss_mb(process.pid)) > args.max_rss_mb:
                    stopped_by = f"the memory limit ({rss:.0f} MB)"
                    load.stop.set()
                time.sleep(0.5)
            for thread in threads:
                thread.join(timeout=args.request_timeout + 5)
            finished = time.monotonic()
            rss_after = rss_mb(process.pid)
        finally:
            if process.poll() is None:
                stop_seconds = stop_stack(process, timeout=120)
    first = [s for s in load.samples if s.began < phase_end]
    print(f"## Load on the local stack (`python -m bench.load`, {when})\n")
    print(
        f"{args.clients} concurrent clients (think time {args.think / 2:.1f}–{args.think * 1.5:.1f} s between two "
        f"requests), loopback, one local stack (`make dev`'s) on a {os.cpu_count()}-core "
        f"machine whose load average was {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (other work "
        "on it takes its share of the CPU).\n"
    )
    print(f"### The first {args.seconds:.0f} s\n")
    print("\n".join(summary(first, min(args.seconds, finished - started))))
    print(f"\n### All {len(load.samples):,} requests ({finished - started:.0f} s)\n")
    print("\n".join(summary(load.samples, finished - started)))
    print(
        f"\nstack memory (RSS, with its children): {rss_before:.0f} MB before, **{rss_after:.0f} MB** after "
        f"{len(load.samples):,} requests"
        + (f" (stopped by {stopped_by} before {args.requests:,})" if stopped_by else "")
    )
    if load.samples:
        growth = (rss_after - rss_before) / len(load.samples) * 1000
        print(f"memory growth: {growth:.1f} MB per 1,000 requests")
    print("stop after SIGINT: " + (f"{stop_seconds:.2f} s" if stop_seconds is not None else "killed"))
    errors = sum(1 for s in load.samples if not 200 <= s.status < 300)
    return 0 if errors == 0 else 1  # a run stopped by its time limit says so above


if __name__ == "__main__":
    sys.exit(main())
