"""Soak test of the local stack: memory and latency over many requests, then the time it takes to stop.

python -m bench.soak [--requests 10000]

Starts `python -m local_stack serve` on a free loopback port (its own state file, no demo tickets), gets
marie's token, then alternates ticket creations (POST /tickets) and reads (GET /tickets/{n}). Every
`--sample-every` requests it records the stack's RSS (the process and its children, /proc VmRSS) and the
median latency of that window, and prints a Markdown table; then the ratio "median of the last 100 /
median of the first 100", the maximum RSS, and how long SIGINT takes to stop the stack. Every step is
bounded in time, and the stack's memory (`--max-rss-mb`, checked every 50 requests): the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from local_stack.aws import free_port

ROOT = Path(__file__).resolve().parent.parent
CREATION = {
    "submit": True,
    "category": "FACTURES_EMISES",
    "subcategory": "MANDAT_DE_FACTURATION",
    "emitter_siret": "53453679200011",
    "title": "Activer le mandat de facturation",
    "description": "Notre sous-traitant doit facturer en notre nom.",
}


@dataclass
class Sample:
    requests: int
    rss_mb: float
    median_ms: float
    elapsed_s: float


@dataclass
class Soak:
    latencies_ms: list[float] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)
    stop_seconds: float | None = None
    finished: bool = False
    stopped_by: str = ""


def _children(pid: int) -> list[int]:
    """The descendants of pid (from /proc/<n>/stat)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of pid and its descendants, in MB (VmRSS of /proc/<pid>/status)."""
    total_kb = 0
    for each in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def _call(url: str, token: str, method: str, body: dict[str, object] | None, timeout: float) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  # loopback only
    request.add_header("Authorization", token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return int(reply.status), reply.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return 0, b""  # no answer in time (or the connection failed): counted as status 0


def start_stack(python: str, folder: Path, port: int, deadline: float) -> tuple[subprocess.Popen[bytes], Path]:
    """`python -m local_stack serve` on the port, once it has said "Ready."; its output goes to a log file."""
    state, log = folder / "state.json", folder / "stack.log"
    command = [python, "-m", "local_stack", "serve", "--port", str(port), "--state-file", str(state)]
    with log.open("wb") as output:
        process = subprocess.Popen([*command, "--no-demo-tickets"], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    while "Ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            tail = log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"the local stack did not start:\n{tail}")
        time.sleep(0.2)
    return process, state


def get_token(python: str, state: Path, user: str) -> str:
    command = [python, "-m", "local_stack", "token", user, "--state-file", str(state)]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def stop_stack(process: subprocess.Popen[bytes], timeout: float) -> float | None:
    """SIGINT, as Ctrl-C: the seconds until the process has exited, None if it had to be killed."""
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
    return time.monotonic() - started


def soak(
    url: str,
    token: str,
    pid: int,
    requests: int,
    sample_every: int,
    deadline: float,
    timeout: float,
    max_rss_mb: float = float("inf"),
) -> Soak:
    result = Soak()
    numbers: list[int] = []
    started = time.monotonic()
    for index in range(requests):
        if time.monotonic() > deadline:
            result.stopped_by = "the time limit"
            break
        if index % 50 == 0 and (rss := rss_mb(pid)) > max_rss_mb:
            result.stopped_by = f"the memory limit: {rss:.0f} MB after {index} requests"
            break
        create = index % 2 == 0 or not numbers
        begin = time.perf_counter()
        if create:
            status, raw = _call(f"{url}/tickets", token, "POST", CREATION, timeout)
        else:
            status, raw = _call(f"{url}/tickets/{numbers[(index // 2) % len(numbers)]}", token, "GET", None, timeout)
        result.latencies_ms.append((time.perf_counter() - begin) * 1000)
        if not 200 <= status < 300:
            result.failures[status] = result.failures.get(status, 0) + 1
        elif create:
            numbers.append(int(json.loads(raw)["number"]))
        done = index + 1
        if done % sample_every == 0 or done == requests:
            window = result.latencies_ms[-sample_every:]
            sample = Sample(done, rss_mb(pid), statistics.median(window), time.monotonic() - started)
            result.samples.append(sample)
            print(f"  {done} requests, {sample.rss_mb:.0f} MB, median {sample.median_ms:.1f} ms", file=sys.stderr)
    result.finished = len(result.latencies_ms) == requests
    return result


def report(result: Soak) -> str:
    lines = ["| requests | RSS MB | median latency ms (window) | elapsed s |", "|---:|---:|---:|---:|"]
    lines += [f"| {s.requests} | {s.rss_mb:.0f} | {s.median_ms:.1f} | {s.elapsed_s:.0f} |" for s in result.samples]
    lines.append("")
    latencies = result.latencies_ms
    if len(latencies) >= 200:
        first, last = statistics.median(latencies[:100]), statistics.median(latencies[-100:])
        lines.append(f"median of last 100 / median of first 100: {last:.1f} / {first:.1f} ms = {last / first:.2f}")
    if latencies:
        lines.append(f"max latency: {max(latencies):.0f} ms")
    if result.samples:
        lines.append(f"max RSS: {max(s.rss_mb for s in result.samples):.0f} MB")
    lines.append(f"requests sent: {len(latencies)}{f' (stopped by {result.stopped_by})' if result.stopped_by else ''}")
    if result.failures:
        lines.append(f"failed requests by status: {dict(sorted(result.failures.items()))}")
    if result.stop_seconds is None:
        lines.append("stop: did not stop after SIGINT, killed")
    else:
        lines.append(f"stop after SIGINT: {result.stop_seconds:.2f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--sample-every", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop sending requests after this time")
    parser.add_argument("--max-rss-mb", type=float, default=6000, help="stop sending when the stack uses more")
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs the stack")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.max_seconds
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        port = free_port()
        process, state = start_stack(args.python, Path(folder), port, time.monotonic() + 120)
        result = Soak()
        try:
            token = get_token(args.python, state, "marie")
            result = soak(
                f"http://127.0.0.1:{port}",
                token,
                process.pid,
                args.requests,
                args.sample_every,
                deadline,
                args.request_timeout,
                args.max_rss_mb,
            )
        finally:
            if process.poll() is None:
                result.stop_seconds = stop_stack(process, timeout=120)
    print(report(result))
    return 0 if result.finished and not result.failures else 1


if __name__ == "__main__":
    sys.exit(main())
