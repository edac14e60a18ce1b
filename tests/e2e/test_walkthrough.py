"""The docs' curl sessions, run as written: docs/walkthrough.md, then the README's walk-through, each as ONE bash
script (`set -euo pipefail`) against a local stack of its own, and each `# → …` comment held to what the command
printed.

How a page is read. Its ```bash blocks, in order, are cut into statements (a statement ends where `bash -n` says
the lines so far parse); a marker is printed between two statements, so each statement's output is known. A block
whose first line is `# needs: <branch>` is left out (the lead removes the marker when that branch is merged).
What a `# → …` comment promises, on the statement's own line or on the comment lines right after it:
- a leading three-digit number is the HTTP status the statement's curl got (the test's `curl` wrapper writes each
  status to stderr; a statement that prints `%{http_code}` itself is read from its output);
- text in double quotes or in « » is printed as shown (`…` stands for what varies).
And what no comment may leave unsaid: any 5xx fails, and a 4xx must be announced by its statement's comment.

Only the environment differs from a reader's terminal: the page's `API=http://127.0.0.1:3000` points at the test's
stack, `STATE` names its state file (`make token` and `make mail` read it), and `make` runs the Makefile's own
targets without rebuilding the shared virtualenv (`-o .venv/.installed`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.stack import Stack, start_stack
from tests.support import ROOT

WALKTHROUGH = ROOT / "docs" / "walkthrough.md"
README = ROOT / "README.md"
DEFAULT_API = "API=http://127.0.0.1:3000"
BLOCK = re.compile(r"^```bash\n(.*?)^```[ \t]*$", re.S | re.M)
NEEDS = re.compile(r"\A# needs: (\S+)")
ARROW = re.compile(r"(?:^|\s)# → (.*)$")
STATUS = re.compile(r"(\d{3})\b")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
GUILLEMETS = re.compile(r"«\s*(.*?)\s*»")
ELLIPSIS = re.compile(r"…|\.\.\.")
HTTP_MARK = re.compile(r"@@HTTP (\d{3})@@\n?")
STEP_MARK = re.compile(r"\n@@STEP (\d+)@@\n")
END_MARK = "\n@@END@@\n"
BASH = shutil.which("bash") or "/bin/bash"
TIMEOUT = 900  # seconds for a whole page: the structures' state machine and the mails are the slow parts

PREAMBLE = r"""set -euo pipefail
exec 2>&1
make() { command make -o .venv/.installed "$@"; }
curl() {
  local argument
  for argument in "$@"; do
    case $argument in -w|--write-out) command curl "$@"; return;; esac
  done
  command curl -w '%{stderr}@@HTTP %{http_code}@@\n' "$@"
}
"""


@dataclass
class Statement:
    code: str
    line: int  # where it starts in the page, 1-based
    expectations: list[str] = field(default_factory=list)


def parses(lines: list[str]) -> bool:
    """Whether the lines are complete bash (a trailing backslash, pipe or unclosed quote is not)."""
    if lines[-1].rstrip().endswith("\\"):
        return False
    source = "\n".join(lines) + "\n"
    checked = subprocess.run([BASH, "-n"], input=source, capture_output=True, text=True, check=False)
    return checked.returncode == 0


def statements(page: str) -> tuple[list[Statement], list[str]]:
    """The statements of the page's bash blocks in order, each with its `# →` comments; and what was left out."""
    found: list[Statement] = []
    skipped: list[str] = []
    for block in BLOCK.finditer(page):
        body = block.group(1)
        first_line = page.count("\n", 0, block.start(1)) + 1
        needs = NEEDS.match(body)
        if needs:
            skipped.append(f"line {first_line}: needs {needs.group(1)}")
            continue
        lines = body.splitlines()
        pending: list[str] = []
        start = 0
        for index, line in enumerate(lines):
            pending.append(line)
            if not parses(pending):
                continue
            arrows = [m.group(1).strip() for m in (ARROW.search(text) for text in pending) if m]
            if all(not text.strip() or text.lstrip().startswith("#") for text in pending):
                if arrows:  # a comment line after a statement says what it printed
                    assert found, f"line {first_line + index}: a `# →` comment before any statement"
                    found[-1].expectations += arrows
            else:
                found.append(Statement("\n".join(pending), first_line + start, arrows))
            pending, start = [], index + 1
        assert not pending, f"line {first_line + start}: the block ends inside a statement:\n" + "\n".join(pending)
    return found, skipped


def script(steps: list[Statement], api: str) -> str:
    text = PREAMBLE
    for number, step in enumerate(steps):
        text += f"printf '\\n@@STEP {number}@@\\n'\n{step.code}\n"
    text += f"printf '{END_MARK.encode('unicode_escape').decode()}'\n"
    assert text.count(DEFAULT_API) == 1, f"the page must set {DEFAULT_API} once"
    return text.replace(DEFAULT_API, f"API={api}")


def readable(output: str) -> str:
    """The output as a person reads it: JSON's escapes undone."""
    output = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), output)
    return output.replace('\\"', '"').replace("\\/", "/")


def promised_texts(expectation: str) -> list[str]:
    """What a `# →` comment says is printed: its double-quoted and « »-quoted texts, cut at each `…`."""
    quoted = QUOTED.findall(expectation)
    rest = QUOTED.sub(" ", expectation)
    texts = [*quoted, *GUILLEMETS.findall(rest)]
    return [piece.strip() for text in texts for piece in ELLIPSIS.split(text.replace('\\"', '"')) if piece.strip()]


def check(step: Statement, output: str) -> list[str]:
    """What the statement's output breaks of its promises, and of the rules every statement keeps."""
    statuses = [int(code) for code in HTTP_MARK.findall(output)]
    printed = HTTP_MARK.sub("", output)
    if "http_code" in step.code:  # the statement prints the status itself
        statuses += [int(code) for code in re.findall(r"(?m)^(\d{3})(?: |$)", printed)]
    text = readable(printed)
    announced: set[int] = set()
    problems: list[str] = []
    for expectation in step.expectations:
        status = STATUS.match(expectation)
        if status:
            announced.add(int(status.group(1)))
            if int(status.group(1)) not in statuses:
                problems.append(f"status {status.group(1)} promised, got {statuses or 'none'}")
        problems += [f"not printed: {piece!r}" for piece in promised_texts(expectation) if piece not in text]
    problems += [f"server error {code}" for code in statuses if code >= 500]
    unannounced = [code for code in statuses if 400 <= code < 500 and code not in announced]
    problems += [f"{code} with no `# → {code}` comment" for code in unannounced]
    return problems


def run_page(page: Path, stack: Stack, tmp_path: Path) -> None:
    steps, skipped = statements(page.read_text(encoding="utf-8"))
    assert steps, f"no bash block in {page}"
    if skipped:
        warnings.warn(f"{page.name}: blocks left out: {', '.join(skipped)}", stacklevel=2)
    log = tmp_path / f"{page.stem}.out"
    environment = {**os.environ, "STATE": str(stack.state)}
    with log.open("wb") as output:
        try:
            ran = subprocess.run(
                [BASH, "-c", script(steps, stack.url)],
                cwd=ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT,
                check=False,
            )
            returncode: int | str = ran.returncode
        except subprocess.TimeoutExpired:
            returncode = f"timeout after {TIMEOUT} s"
    printed = log.read_text(encoding="utf-8", errors="replace")
    parts = STEP_MARK.split(printed)  # ["", "0", out0, "1", out1, …]
    outputs = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    problems: list[str] = []
    for number, step in enumerate(steps):
        if number not in outputs:
            break
        shown = f"{step.code}\n--- printed:\n{outputs[number]}"
        problems += [f"{page.name}:{step.line}: {problem}\n{shown}" for problem in check(step, outputs[number])]
    if END_MARK not in printed:
        last = max(outputs, default=-1)
        where = f"{page.name}:{steps[last].line}:\n{steps[last].code}" if last >= 0 else "the preamble"
        tail = outputs.get(last, printed)[-3000:]
        problems.append(f"the script stopped ({returncode}) at {where}\n--- printed:\n{tail}")
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    folder = tmp_path / "stack"
    folder.mkdir()
    started = start_stack(folder)
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


@pytest.mark.e2e
@pytest.mark.enable_socket
def test_the_walkthrough_runs_as_one_script(stack: Stack, tmp_path: Path) -> None:
    run_page(WALKTHROUGH, stack, tmp_path)


@pytest.mark.e2e
@pytest.mark.enable_socket
def test_the_readme_walkthrough_runs_as_one_script(stack: Stack, tmp_path: Path) -> None:
    run_page(README, stack, tmp_path)


# The reading itself, without a stack: a promise the output breaks is reported.


def test_statements_are_cut_where_bash_says_and_carry_their_comments() -> None:
    page = (
        "```bash\n"
        "N=$(curl -s $API/x -d '{\n"
        '  "a": 1}\' | field n)   # → 201\n'
        "curl -s $API/y \\\n"
        "  -d x\n"
        "# → 400 « Le titre est obligatoire. »\n"
        "# commentary only\n"
        "```\n"
        "```bash\n# needs: next-lists\ncurl -s $API/z\n```\n"
    )
    steps, skipped = statements(page)
    assert [(s.line, s.expectations) for s in steps] == [(2, ["201"]), (4, ["400 « Le titre est obligatoire. »"])]
    assert skipped == ["line 10: needs next-lists"]


def test_a_broken_promise_an_unannounced_4xx_and_a_5xx_are_reported() -> None:
    step = Statement("curl -s $API/tickets/1", 1, ['404 {"message": "Le ticket n° … est introuvable."}'])
    assert check(step, '@@HTTP 404@@\n{"message":"Le ticket n° 1 est introuvable."}') == []
    assert check(step, '@@HTTP 404@@\n{"message":"Autre chose."}') == [
        "not printed: 'Le ticket n°'",
        "not printed: 'est introuvable.'",
    ]
    assert check(step, '@@HTTP 200@@\n{"message":"Le ticket n° 1 est introuvable."}') == [
        "status 404 promised, got [200]"
    ]
    silent = Statement("curl -s $API/x", 1, [])
    assert check(silent, "@@HTTP 400@@\n{}") == ["400 with no `# → 400` comment"]
    assert check(silent, "@@HTTP 503@@\n{}") == ["server error 503"]
    printed_itself = Statement("curl -s -o /dev/null -w '%{http_code}\\n' $API/x", 1, ["204"])
    assert check(printed_itself, "204\n") == []
