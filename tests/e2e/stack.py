"""The local stack for the end-to-end tests: `python -m local_stack serve` started on a free port with its own
state file, and HTTP calls to it with real Cognito IdTokens (the token command)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_stack.aws import free_port
from tests.iam_recorder import stack_command
from tests.support import ROOT


@dataclass
class Stack:
    url: str
    state: Path
    log: Path
    process: subprocess.Popen[bytes]
    tokens: dict[str, str]

    def token(self, user: str) -> str:
        if user not in self.tokens:
            command = [sys.executable, "-m", "local_stack", "token", user, "--state-file", str(self.state)]
            self.tokens[user] = subprocess.run(
                command, cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout.strip()
        return self.tokens[user]

    def http(
        self, method: str, path: str, user: str | None = None, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if user is not None:
            request.add_header("Authorization", self.token(user))
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, raw, reply_headers = reply.status, reply.read(), dict(reply.headers)
        except urllib.error.HTTPError as error:
            status, raw, reply_headers = error.code, error.read(), dict(error.headers)
        kind = reply_headers.get("Content-Type", "")
        payload = json.loads(raw) if raw and "json" in kind else raw.decode()
        return status, payload, reply_headers

    def mails(self) -> list[dict[str, Any]]:
        """The mails the stack sent so far, oldest first (the local-only route over moto's SES)."""
        status, mails, _ = self.http("GET", "/_local/mails")
        assert status == 200, mails
        assert isinstance(mails, list)
        return mails

    def wait_for_mail(self, to: str | None, subject: str, timeout: float = 30) -> dict[str, Any]:
        """The latest mail to ``to`` (to anyone: ``None``) whose subject contains ``subject``: the stream consumer
        sends it a moment after the action, so ask until it is there or the deadline passes."""
        deadline = time.monotonic() + timeout
        while True:
            mails = self.mails()
            found = [m for m in mails if to in (None, m["to"]) and subject in m["subject"]]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                sent = [(m["to"], m["subject"]) for m in mails]
                pytest.fail(f"no mail to {to} about {subject!r} within {timeout} s; sent: {sent}")
            time.sleep(0.1)


def start_stack(folder: Path, *options: str, ignore_sigint: bool = False) -> Stack:
    """`python -m local_stack serve` on a free port, once it has said "Ready."."""
    port, state, log = free_port(), folder / "state.json", folder / "stack.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            stack_command("local_stack", "serve", "--port", str(port), "--state-file", str(state), *options),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            # As a shell's background job: started with SIGINT ignored.
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None,  # noqa: PLW1509
        )
    deadline = time.monotonic() + 90
    while "Ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local stack did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    return Stack(f"http://127.0.0.1:{port}", state, log, process, {})
