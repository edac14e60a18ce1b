"""The local stack's command line around its state file and its life: a second stack on a busy port (or on
the same state file) fails at once in one line and leaves the running stack's state file alone; a state
file left by a crash, or unreadable, gives one line, never a traceback; `make dev` stops with make."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from local_stack.aws import free_port
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]
START_TIMEOUT = 90
STOP_TIMEOUT = 20


@dataclass
class Running:
    port: int
    state: Path
    log: Path
    process: subprocess.Popen[bytes]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """Start a command that runs a stack; return once the stack has said "Ready."."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while "Ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local stack did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    return process


def serve(port: int, state: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "local_stack", "serve", "--port", str(port), "--state-file", str(state)]
    return start([*command, "--no-demo-tickets"], log)


def cli(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "local_stack", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def one_line(text: str) -> str:
    """The message, checked to be one line and no traceback."""
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(finished.stdout)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("stack")
    port, state = free_port(), folder / "state.json"
    process = serve(port, state, folder / "stack.log")
    yield Running(port, state, folder / "stack.log", process)
    stop(process)


def test_a_second_stack_on_a_busy_port_fails_at_once_and_leaves_the_state_file(stack: Running) -> None:
    before = stack.state.read_bytes()
    started = time.monotonic()
    second = cli("serve", "--port", str(stack.port), "--state-file", str(stack.state), "--no-demo-tickets")
    elapsed = time.monotonic() - started
    assert second.returncode != 0
    assert f"Port {stack.port} is already in use" in one_line(second.stderr)
    assert elapsed < 10, "the port must be checked before moto starts and the demo data is seeded"
    assert stack.state.read_bytes() == before
    assert stack.process.poll() is None
    token = cli("token", "marie", "--state-file", str(stack.state))
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2  # a JWT


def test_a_second_stack_on_the_same_state_file_is_refused(stack: Running) -> None:
    before = stack.state.read_bytes()
    port = free_port()
    second = cli("serve", "--port", str(port), "--state-file", str(stack.state), "--no-demo-tickets")
    assert second.returncode != 0
    message = one_line(second.stderr)
    assert f"pid {stack.process.pid}" in message
    assert str(stack.state) in message
    assert stack.state.read_bytes() == before
    assert port_is_free(port)


def test_token_from_the_state_file_of_a_crashed_stack(stack: Running, tmp_path: Path) -> None:
    state = json.loads(stack.state.read_text())
    left = tmp_path / "state.json"
    left.write_text(json.dumps(state | {"pid": dead_pid()}))
    result = cli("token", "marie", "--state-file", str(left))
    assert result.returncode == 1
    assert "not running" in one_line(result.stderr)
    assert left.exists(), "only the stack that wrote the state file deletes it"


@pytest.mark.parametrize(
    "content",
    [b"{", b"[]", b'{"api": "http://127.0.0.1:1"}', b"\xff\xfe\x00", b""],
    ids=["truncated", "a list", "missing fields", "not text", "empty"],
)
def test_token_from_an_unreadable_state_file(content: bytes, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(content)
    result = cli("token", "marie", "--state-file", str(state))
    assert result.returncode == 1
    assert "state file" in one_line(result.stderr)


def test_token_without_a_stack(tmp_path: Path) -> None:
    result = cli("token", "marie", "--state-file", str(tmp_path / "state.json"))
    assert result.returncode == 1
    assert "not running" in one_line(result.stderr)


@pytest.mark.parametrize("leftover", ["crashed", "corrupt"])
def test_serve_replaces_a_leftover_state_file_and_deletes_only_its_own(
    leftover: str, stack: Running, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    if leftover == "crashed":
        state.write_text(json.dumps(json.loads(stack.state.read_text()) | {"pid": dead_pid()}))
    else:
        state.write_text('{"api": ')
    log = tmp_path / "stack.log"
    process = serve(free_port(), state, log)
    try:
        output = log.read_text()
        assert "Traceback" not in output
        assert sum("Replacing" in line for line in output.splitlines()) == 1
        assert json.loads(state.read_text())["pid"] == process.pid
        # Another stack takes the state file over (as a running one would): it is not this one's to delete.
        taken = json.loads(stack.state.read_text())
        state.write_text(json.dumps(taken))
    finally:
        stop(process)
    assert process.returncode == 0
    assert json.loads(state.read_text()) == taken


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_make_dev_stops_when_make_is_signalled(signum: signal.Signals, tmp_path: Path) -> None:
    """`make dev` in the background, then `kill -INT|-TERM|-KILL <make pid>`: make passes SIGTERM on but
    only waits on SIGINT (a terminal signals the whole group), and SIGKILL leaves the stack an orphan; in
    every case the stack stops, and make too."""
    port, state, log = free_port(), tmp_path / "state.json", tmp_path / "make.log"
    # -o web: the portal is not built again. `make dev` builds it first, and Vite empties web/dist while it builds,
    # so the browser tests running beside this one were served « Portail de support – non construit » (CI's run).
    make = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "web", "dev"]
    make += [f"PORT={port}", f"STATE={state}"]
    process = start(make, log)
    stack_pid = json.loads(state.read_text())["pid"]
    assert stack_pid != process.pid
    deadline = time.monotonic() + STOP_TIMEOUT
    try:
        os.kill(process.pid, signum)
        process.wait(STOP_TIMEOUT)
        while alive(stack_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.kill()
        if alive(stack_pid):
            os.kill(stack_pid, signal.SIGKILL)
            pytest.fail(f"the stack (pid {stack_pid}) outlived make:\n{log.read_text()}")
    output = log.read_text()
    assert "Local stack stopped." in output
    assert "Traceback" not in output
    assert port_is_free(port)
    assert not state.exists()
