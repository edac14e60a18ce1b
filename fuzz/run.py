"""`make fuzz`: schemathesis against local stacks of our own, once per signed-in user.

    .venv/bin/python -m fuzz.run [--seed N] [--max-examples N] [--users marie,sophie] [-- ST_RUN_OPTIONS]

For each user of the run (marie, an emitter; sophie, a recipient agent), all at once (`fuzz_all`):

1. start `python -m local_stack serve` on a free loopback port with its own temporary state file, so
   that every seeded run starts from the same demo data;
2. get real Cognito IdTokens for the user and for a peer of another organisation (`local_stack token`);
3. run `st run docs/openapi.json` (schemathesis, pinned in its own virtualenv .venv-fuzz) with a fixed
   seed, `--checks all` and the policy of fuzz/schemathesis.toml, the user's IdToken in the Authorization
   header, the peer for `object_level_authorization`, and --continue-on-failure so that one run lists
   every failure;
4. stop the stack whatever happened: Ctrl-C, SIGTERM, an error of the runner, and (Linux) even a
   SIGKILL of the runner, through the stack's parent-death signal.

Then print a short summary (test cases generated, failures by check, distinct failures) and exit 1 on
any failure: a server error (5xx), a response or status that the document does not allow, a request the
API should have refused or accepted, too few test cases, or a run over its time budget (exit 2 when the
runner could not run at all, 130 when interrupted). Everything schemathesis writes (JSON and NDJSON reports, its console
output), the stacks' logs and the list of distinct failures with their requests go to a report folder,
named at the end. The runner needs only the standard library: it runs on the app's .venv.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OPENAPI = ROOT / "docs" / "openapi.json"
POLICY = Path(__file__).resolve().with_name("schemathesis.toml")
DEFAULT_STACK_PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_ST = ROOT / ".venv-fuzz" / "bin" / "st"

DEFAULT_SEED = 20261125
# Checks that cannot apply to this API, with the reason in fuzz/schemathesis.toml ([checks.unsupported_method]).
# ensure_resource_availability (ST302): a conversation made by POST …/conversations exists, but its chat with an
# agent only once the user joins the queue; until then the chat's routes answer a right 404 (« Aucune discussion
# avec un agent n'a été ouverte dans cette conversation. »), which the stateful phase, linking the conversation's
# creation to them, reads as a created resource not found. schemathesis 4 applies no per-operation setting to
# that check in its stateful phase, so it is off for the run; every other check runs on every route.
EXCLUDED_CHECKS = ("unsupported_method", "ensure_resource_availability")
DEFAULT_USERS = ("marie", "sophie")
# Someone of another organisation, on the same side, who must not see what the user of a run owns
# (object_level_authorization).
PEERS = {
    "marie": "nora",  # Menuiserie Dupont / Boulangerie Martin, emitters
    "paul": "nora",
    "julie": "nora",
    "sophie": "ines",  # Chorus Pro technical support / DDFiP du Rhône, recipients
    "lucas": "ines",
}
ROLES = {
    "marie": "emitter: principal manager of Menuiserie Dupont",
    "sophie": "recipient: head of the Chorus Pro technical support",
}

LOOPBACK = "127.0.0.1"
STACK_START_TIMEOUT = 120.0
STACK_STOP_TIMEOUT = 30.0
SHOWN_FAILURES = 40
# Checks whose failure depends on the status alone, whatever the input: one line per status.
STATUS_ONLY = {"ST103"}  # undocumented status code


@dataclass
class Failure:
    """One failed check on one request, as schemathesis recorded it."""

    user: str
    code: str
    title: str
    check: str
    operation: str
    phase: str
    scenario: str
    status: int | None
    method: str
    url: str
    content_type: str
    body: str
    response: str
    rejected_fields: str
    message: str

    def key(self) -> tuple[str, ...]:
        """What makes two failures the same for triage."""
        if self.code in STATUS_ONLY or self.check == "unsupported_method":
            return (self.code, self.operation, str(self.status))
        if self.check == "positive_data_acceptance":  # which rule of the API the schema did not state
            return (self.code, self.operation, str(self.status), self.rejected_fields)
        if self.check == "not_a_server_error" and self.content_type not in ("", "application/json"):
            return (self.code, self.operation, str(self.status), self.content_type)
        return (self.code, self.operation, str(self.status), self.scenario, self.content_type)

    def shape(self) -> str:
        if self.code in STATUS_ONLY:
            return "undocumented status"
        if self.check == "unsupported_method":
            return "undeclared HTTP method"
        if self.check == "positive_data_acceptance" and self.rejected_fields:
            return f"schema-valid, rejected on {self.rejected_fields}"
        if self.content_type and self.content_type != "application/json":
            return f"{self.scenario} [Content-Type: {self.content_type}]"
        return self.scenario


@dataclass
class Outcome:
    user: str
    exit_code: int | None  # None: over its time budget, stopped
    seconds: float
    output: Path
    report: dict[str, Any] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def generated(self) -> int:
        return int(self.report.get("test_cases", {}).get("generated", 0))


# ------------------------------------------------------------------------------------------------ stack


@dataclass
class Stack:
    url: str
    state: Path
    log: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _detach_and_die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Its own process group (a Ctrl-C reaches the runner, which stops the stack itself) and, on Linux,
    SIGTERM when the runner dies without running its `finally` (SIGKILL, out of memory)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_stack(python: Path, folder: Path) -> Stack:
    folder.mkdir(parents=True, exist_ok=True)
    port, state, log = _free_port(), folder / "state.json", folder / "stack.log"
    command = [str(python), "-m", "local_stack", "serve", "--host", LOOPBACK, "--port", str(port)]
    command += ["--state-file", str(state)]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - the app's interpreter and our own module
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_detach_and_die_with_parent,  # noqa: PLW1509 - setsid and prctl only; no threads here
        )
    stack = Stack(f"http://{LOOPBACK}:{port}", state, log, process)
    deadline = time.monotonic() + STACK_START_TIMEOUT
    while "Ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(stack)
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"the local stack did not start:\n{tail}")
        time.sleep(0.2)
    return stack


def stop_stack(stack: Stack) -> None:
    """Ctrl-C, as a person would; SIGKILL if it has not stopped in time."""
    if stack.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        stack.process.send_signal(signal.SIGINT)
    try:
        stack.process.wait(timeout=STACK_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        stack.process.wait()


@contextlib.contextmanager
def running_stack(python: Path, folder: Path) -> Iterator[Stack]:
    stack = start_stack(python, folder)
    try:
        yield stack
    finally:
        stop_stack(stack)


def id_token(python: Path, stack: Stack, user: str) -> str:
    command = [str(python), "-m", "local_stack", "token", user, "--state-file", str(stack.state)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=60)  # noqa: S603
    return done.stdout.strip()


# ----------------------------------------------------------------------------------------- schemathesis


def write_config(folder: Path, tokens: dict[str, str], user: str, peer: str) -> Path:
    """The policy, plus [auth.wfc]: a Web Fuzzing Commons document with the user's and the peer's IdTokens."""
    wfc = folder / "auth.json"
    entries = [{"name": n, "fixedHeaders": [{"name": "Authorization", "value": tokens[n]}]} for n in (user, peer)]
    wfc.write_text(json.dumps({"auth": entries}, indent=2), encoding="utf-8")
    config = folder / "schemathesis.toml"
    auth = [
        "",
        "[auth.wfc]",
        f"path = {json.dumps(str(wfc))}",
        f"user = {json.dumps(user)}",
        f"peers = {json.dumps([user, peer])}",
        "",
    ]
    config.write_text(POLICY.read_text(encoding="utf-8") + "\n".join(auth), encoding="utf-8")
    return config


def st_command(st: Path, config: Path, url: str, reports: Path, args: argparse.Namespace) -> list[str]:
    command = [str(st), "--config-file", str(config), "--no-color", "run", str(OPENAPI), "--url", url]
    command += ["--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS)]
    command += ["--seed", str(args.seed), "--max-examples", str(args.max_examples)]
    command += ["--workers", "1", "--continue-on-failure", "--generation-database", "none"]
    command += ["--request-timeout", "30", "--report", "json,ndjson"]
    command += ["--report-json-path", str(reports / "report.json")]
    command += ["--report-ndjson-path", str(reports / "events.ndjson")]
    return command + list(args.st_args)


# The schemathesis processes running now, so that an interrupted runner stops them (each run waits in a thread).
_RUNS: set[subprocess.Popen[bytes]] = set()
_RUNS_LOCK = threading.Lock()


def _run_schemathesis(command: list[str], folder: Path, log: Path, timeout: float) -> int | None:
    """Its exit code, or None when it was stopped at the end of its time budget."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - the pinned schemathesis of .venv-fuzz
            command, cwd=folder, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
    with _RUNS_LOCK:
        _RUNS.add(process)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
    finally:
        with _RUNS_LOCK:
            _RUNS.discard(process)


def stop_runs() -> None:
    """Kill the schemathesis runs still going (an interrupted runner): their threads then end at once."""
    with _RUNS_LOCK:
        running = list(_RUNS)
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


def fuzz_as(user: str, stack: Stack, folder: Path, args: argparse.Namespace) -> Outcome:
    """One seeded run as `user`, on a stack of its own (started by `fuzz_all`, in `folder`)."""
    try:
        return _fuzz_as(user, stack, folder, args)
    finally:
        (folder / "auth.json").unlink(missing_ok=True)  # IdTokens, of a stack that is gone


def _fuzz_as(user: str, stack: Stack, folder: Path, args: argparse.Namespace) -> Outcome:
    output = folder / "st.txt"
    tokens = {name: id_token(args.stack_python, stack, name) for name in (user, PEERS[user])}
    command = st_command(args.st, write_config(folder, tokens, user, PEERS[user]), stack.url, folder, args)
    print(f"schemathesis as {user} (peer {PEERS[user]}) on {stack.url} …", flush=True)
    started = time.monotonic()
    # cwd: schemathesis and Hypothesis leave folders of their own (.hypothesis, …) where they run.
    exit_code = _run_schemathesis(command, folder, output, args.timeout)
    outcome = Outcome(user, exit_code, time.monotonic() - started, output)
    report, events = folder / "report.json", folder / "events.ndjson"
    if report.exists():
        with contextlib.suppress(ValueError):  # cut short by the time budget
            outcome.report = json.loads(report.read_text(encoding="utf-8"))
    if events.exists():
        outcome.failures = list(read_failures(events, user))
        if not outcome.failures and exit_code == 0:
            events.unlink()  # ~10 MB of passing requests
    print(
        f"  {user}: {outcome.generated} test cases in {outcome.seconds:.0f} s, exit code {outcome.exit_code}",
        flush=True,
    )
    return outcome


def fuzz_all(users: list[str], folder: Path, args: argparse.Namespace) -> list[Outcome]:
    """Every user's run at once, each on its own stack. A run is a ping-pong between its stack and schemathesis
    (about one core), so two users take the time of one on two cores. The stacks are started here, before any
    thread (their `preexec_fn` must not run beside threads), and stopped whatever happens."""
    with contextlib.ExitStack() as stacks:
        started = {user: stacks.enter_context(running_stack(args.stack_python, folder / user)) for user in users}
        pool = ThreadPoolExecutor(max_workers=len(users), thread_name_prefix="fuzz")
        try:
            futures = [pool.submit(fuzz_as, user, started[user], folder / user, args) for user in users]
            return [future.result() for future in futures]
        finally:
            stop_runs()  # interrupted (Ctrl-C, SIGTERM, a run's error): no run outlives the runner
            pool.shutdown(wait=True, cancel_futures=True)


def _payload(raw: Any) -> bytes | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and "$base64" in raw:
        try:
            return base64.b64decode(raw["$base64"])
        except (binascii.Error, ValueError):
            return None
    return (raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)).encode()


def _text(raw: Any, limit: int = 300) -> str:
    """A recorded payload on one short line: as text when it is UTF-8, else as bytes."""
    data = _payload(raw)
    if data is None:
        return ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = repr(data)
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


def _rejected_fields(raw: Any) -> str:
    """The fields a 400 of ours names in `errors`."""
    data = _payload(raw)
    try:
        errors = json.loads(data or b"").get("errors") or []
    except (ValueError, AttributeError):
        return ""
    return ", ".join(sorted({str(e.get("field")) for e in errors if isinstance(e, dict)}))


def _header(headers: Any, name: str) -> str:
    for key, values in (headers or {}).items():
        if key.lower() == name.lower():
            return str(values[0] if isinstance(values, list) and values else values)
    return ""


def _scenario(case: dict[str, Any]) -> str:
    meta = case.get("meta") or {}
    data = (meta.get("phase") or {}).get("data") or {}
    description = data.get("description")
    if description:
        return "; ".join(line.strip().lstrip("- ") for line in str(description).splitlines() if line.strip())
    components = meta.get("components") or {}
    negative = sorted(where for where, info in components.items() if (info or {}).get("mode") == "negative")
    mode = (meta.get("generation") or {}).get("mode", "?")
    return f"{mode} data" + (f" (invalid {', '.join(negative)})" if negative else "")


def read_failures(events: Path, user: str) -> Iterator[Failure]:
    """Every failed check of the NDJSON event stream, with the request and the response it was about."""
    with events.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                finished = json.loads(line).get("ScenarioFinished")
            except ValueError:  # the last line of a run stopped by its time budget
                continue
            if not finished:
                continue
            recorder = finished.get("recorder") or {}
            for case_id, checks in (recorder.get("checks") or {}).items():
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    case = ((recorder.get("cases") or {}).get(case_id) or {}).get("value") or {}
                    interaction = (recorder.get("interactions") or {}).get(case_id) or {}
                    request = interaction.get("request") or {}
                    response = interaction.get("response") or {}
                    yield Failure(
                        user=user,
                        code=str(failure.get("code", "?")),
                        title=str(failure.get("title", check.get("name", "?"))),
                        check=str(check.get("name", "?")),
                        operation=f"{case.get('method', '?')} {case.get('path', '?')}",
                        phase=str(finished.get("phase", "?")),
                        scenario=_scenario(case),
                        status=response.get("status_code"),
                        method=str(request.get("method", case.get("method", "?"))),
                        url=str(request.get("uri", "")),
                        content_type=_header(request.get("headers"), "Content-Type"),
                        body=_text(request.get("body")),
                        response=_text(response.get("content"), 200),
                        rejected_fields=_rejected_fields(response.get("content")),
                        message=" / ".join(str(failure.get("message", "")).splitlines()[:3]),
                    )


# ----------------------------------------------------------------------------------------------- report


def distinct(failures: list[Failure]) -> list[tuple[Failure, int]]:
    """One entry per distinct failure (see Failure.key), with how often it came up."""
    counts = Counter(f.key() for f in failures)
    first: dict[tuple[str, ...], Failure] = {}
    for f in failures:
        first.setdefault(f.key(), f)
    return sorted(((first[k], n) for k, n in counts.items()), key=lambda p: (p[0].code, p[0].operation, p[0].key()))


def write_failure_list(folder: Path, outcomes: list[Outcome]) -> Path:
    path = folder / "failures.txt"
    with path.open("w", encoding="utf-8") as out:
        for outcome in outcomes:
            out.write(f"# {outcome.user}: {len(distinct(outcome.failures))} distinct failures\n\n")
            for f, n in distinct(outcome.failures):
                out.write(f"{f.code} {f.title} ×{n} [{f.check}, {f.phase} phase]\n")
                out.write(f"  {f.operation} -> {f.status}   {f.shape()}\n")
                out.write(
                    f"  request: {f.method} {f.url}  Content-Type: {f.content_type or '-'}  body: {f.body or '-'}\n"
                )
                out.write(f"  response: {f.response or '-'}\n  {f.message}\n\n")
    return path


def summarize(outcomes: list[Outcome], args: argparse.Namespace) -> list[str]:
    """Print the summary; return why the run failed (nothing: it passed)."""
    reasons: list[str] = []
    print(f"\n=== fuzz summary: schemathesis, seed {args.seed}, up to {args.max_examples} examples per operation/phase")
    for outcome in outcomes:
        report = outcome.report
        print(
            f"\n{outcome.user} ({ROLES.get(outcome.user, 'signed in')}): {outcome.generated} test cases, "
            f"{report.get('test_cases', {}).get('unique_failures', '?')} unique failures, "
            f"{len(report.get('errors', []))} errors, {outcome.seconds:.0f} s"
        )
        for failure in report.get("failures", []):
            print(f"  {failure.get('code')} {failure.get('title')}: {failure.get('count')}")
        for error in report.get("errors", []):
            print(f"  error: {json.dumps(error, ensure_ascii=False)[:300]}")
        failures = distinct(outcome.failures)
        groups: dict[tuple[str, str, str], list[str]] = {}
        for f, _ in failures:
            groups.setdefault((f.code, str(f.status), f.shape()), []).append(f.operation)
        if groups:
            print(f"  {len(failures)} distinct failures; check, status, input: operations")
        for (code, status, shape), operations in list(groups.items())[:SHOWN_FAILURES]:
            print(f"    {code} {status} {shape}: {', '.join(sorted(set(operations)))}")
        if len(groups) > SHOWN_FAILURES:
            print(f"    … and {len(groups) - SHOWN_FAILURES} more (see failures.txt)")
        if outcome.exit_code is None:
            reasons.append(f"{outcome.user}: stopped after {args.timeout:.0f} s (time budget)")
        elif outcome.exit_code != 0:
            reasons.append(f"{outcome.user}: schemathesis found failures (exit code {outcome.exit_code})")
        if not report:
            reasons.append(f"{outcome.user}: no report (see {outcome.output})")
        elif outcome.generated < args.min_cases:
            reasons.append(f"{outcome.user}: {outcome.generated} test cases, fewer than {args.min_cases}")
    return reasons


# ------------------------------------------------------------------------------------------------- main


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `finally` that stops the stack


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fuzz.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="schemathesis/Hypothesis seed")
    # 60 keeps `make test` under 20 minutes on CI's two cores with every route fuzzed as both users (100 took about
    # six minutes); `make fuzz FUZZ_ARGS="--max-examples 200"` goes deeper.
    parser.add_argument("--max-examples", type=int, default=60, help="per operation and phase (st run -n)")
    parser.add_argument("--users", default=",".join(DEFAULT_USERS), help=f"one run each, among {', '.join(PEERS)}")
    parser.add_argument("--min-cases", type=int, default=1000, help="fail a run that generates fewer test cases")
    parser.add_argument("--timeout", type=float, default=240, help="seconds allowed to each schemathesis run")
    parser.add_argument("--report-dir", type=Path, help="where everything goes (default: a new temporary folder)")
    parser.add_argument("--stack-python", type=Path, default=DEFAULT_STACK_PYTHON, help="the app's python (.venv)")
    parser.add_argument("--st", type=Path, default=DEFAULT_ST, help="schemathesis's CLI (.venv-fuzz)")
    parser.add_argument("st_args", nargs="*", help="more `st run` options, after --")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    if unknown := [u for u in users if u not in PEERS]:
        print(f"No peer known for {', '.join(unknown)}: choose among {', '.join(PEERS)}.", file=sys.stderr)
        return 2
    for tool in (args.stack_python, args.st):
        if not tool.exists():
            print(f"{tool} is missing: `make fuzz` installs it.", file=sys.stderr)
            return 2
    folder: Path = args.report_dir or Path(tempfile.mkdtemp(prefix="chorus-desk-fuzz-"))
    # Ctrl-C and SIGTERM unwind through the `finally` that stops the stack, even when a shell started the
    # runner in the background with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    try:
        outcomes = fuzz_all(users, folder, args)
    except KeyboardInterrupt:
        print("fuzz: interrupted; the stacks are stopped.", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"fuzz: could not run: {error}", file=sys.stderr)
        return 2
    reasons = summarize(outcomes, args)
    print(f"\n{sum(o.generated for o in outcomes)} test cases in all, {time.monotonic() - started:.0f} s.")
    print(f"Reports, schemathesis's output and the stacks' logs: {folder}")
    print(f"Every distinct failure with its request and response: {write_failure_list(folder, outcomes)}")
    if reasons:
        print("fuzz: FAILED — " + "; ".join(reasons))
        return 1
    print("fuzz: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
