"""Cold start of each function of template.yaml, as a ratio to a baseline measured in the same run.

python -m bench.coldstart [--runs 9] [--bytecode]

Every sample is a fresh interpreter. It reads the template and puts the layers on ``sys.path`` (the same
preamble for every target, not timed), then times one thing:

- the baseline: ``import boto3; boto3.client("dynamodb")``, what any function that touches the table pays;
- a function: importing its handler module (``local_stack.template.load_handler_module``), then, timed apart
  and added ("ready to serve"), what its first request builds: ``bootstrap.prime`` (the table's client and
  ports, each route's request and response models), which is also SnapStart's priming hook.

The interpreter gets the environment the function gets in Lambda (``lambda_environment``): template.yaml's
variables (Globals, then its own), the variables Lambda sets (``LAMBDA_TASK_ROOT`` among them, so Powertools
behaves as in Lambda: Tracer enabled, POWERTOOLS_TRACE_DISABLED unset), eu-west-3 and dummy credentials;
nothing else from this process but PATH. Runs are interleaved (baseline, f1, f2, …, baseline, …) after one
unrecorded warm-up round, and the median of each target is reported with its peak RSS. A function is OK when
its "ready to serve" median is at most BUDGET times the baseline's.

The ratio compares CPU time (``time.process_time``: user + system time of the interpreter), not wall time:
importing is CPU-bound once files are in the page cache, and CPU time barely moves when other processes share
the machine, where wall time can double. (In Lambda, at 512 MB, a function gets about a third of a vCPU: its
init is CPU-bound there too.) Wall time is shown beside it.

The handler code is imported from the working tree, whose ``__pycache__`` Python writes and reuses as usual:
the figures are those of a package that ships byte-code. ``--bytecode`` measures what missing byte-code costs
(Lambda cannot write ``__pycache__`` under /opt or /var/task).

Figures are this machine's (a local CPython, not Lambda's arm64 3.13): compare ratios, not milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_stack.template import ROOT, Resolver, function_environment, load_template, resources_of_type

BUDGET = 1.40  # on the whole cold start: import and what the first request builds (ready)
RUNS = 9
TOP = 10
BASELINE = "baseline"
# The floor of a function that uses the table, with the libraries the project is built on: the baseline, plus
# pydantic (imported, one strict model built and used: settings are validated at cold start, every request by a
# strict model) and Powertools' Logger (every function logs through it). No such function can start faster.
FLOOR = "floor"
REGION = "eu-west-3"
MARK = "-- coldstart: timed part --"
# What Lambda's python3.13 runtime already holds: never shipped, so never copied into a measured layer.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")

CHILD = f"""
import json, resource, sys, time
from local_stack.template import load_handler_module, load_template, use_layers
template = load_template()
use_layers(template)
target = sys.argv[1]
sys.stderr.write({MARK!r} + "\\n")
sys.stderr.flush()
started, cpu_started = time.perf_counter(), time.process_time()
if target in ({BASELINE!r}, {FLOOR!r}):
    import boto3
    boto3.client("dynamodb")
if target == {FLOOR!r}:
    import pydantic
    from aws_lambda_powertools import Logger
    class Floor(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid", strict=True)
        name: str
        size: int = 0
    Floor.model_validate({{"name": "x"}})
    Logger(service="floor")
elif target != {BASELINE!r}:
    handler = load_handler_module(template, target)
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
if target not in ({BASELINE!r}, {FLOOR!r}):
    from chorus_desk import bootstrap
    bootstrap.prime_as_registered()  # what its first request builds: clients, route models
ready = time.process_time() - cpu_started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
print(json.dumps({{"ms": elapsed * 1000, "cpu_ms": cpu * 1000, "ready_cpu_ms": ready * 1000, "rss_mb": peak,
                  "files": files}}))
"""

# --bytecode: import a handler from copies of the function code and of its layer (no local_stack involved).
CHILD_TREE = """
import importlib.util, json, sys, time
task, layer, module = sys.argv[1:4]
sys.path[:0] = [task, layer]
started = time.process_time()
spec = importlib.util.spec_from_file_location(module, f"{task}/{module}.py")
handler = importlib.util.module_from_spec(spec)
sys.modules[module] = handler
spec.loader.exec_module(handler)
elapsed = time.process_time() - started
files = [str(getattr(m, "__file__", "")) for m in list(sys.modules.values())]
print(json.dumps({"ms": elapsed * 1000, "modules": sum(f.startswith((task, layer)) for f in files)}))
"""


class ColdStartError(RuntimeError):
    """A target could not be imported with its Lambda environment."""


@dataclass(frozen=True)
class Stats:
    cpu_ms: float  # median CPU time of the import
    wall_ms: float  # median wall time of the import
    rss_mb: float  # median peak RSS of the interpreter
    ready_cpu_ms: float  # median CPU time of the import plus the AWS clients its first request builds


@dataclass(frozen=True)
class Measurements:
    baseline: Stats
    functions: dict[str, Stats]
    failures: dict[str, str]  # function -> last line of its error
    floor: Stats | None = None  # the baseline plus pydantic and Powertools' Logger (FLOOR)

    def floor_ratio(self) -> float:
        return self.floor.cpu_ms / self.baseline.cpu_ms if self.floor else float("nan")

    def ratio(self, function: str) -> float:  # the handler import alone
        return self.functions[function].cpu_ms / self.baseline.cpu_ms

    def ready_ratio(self, function: str) -> float:
        return self.functions[function].ready_cpu_ms / self.baseline.cpu_ms


def _base_environment() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(ROOT),
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    }


def lambda_environment(template: dict[str, Any], function: str) -> dict[str, str]:
    """The environment of the function's process in Lambda: the variables Lambda sets, then template.yaml's
    (Globals, then the function's own), with dummy credentials. Nothing is inherited but PATH."""
    props = template["Resources"][function]["Properties"]
    memory = props.get("MemorySize", template.get("Globals", {}).get("Function", {}).get("MemorySize", 128))
    return {
        **_base_environment(),
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
        "LAMBDA_TASK_ROOT": str(ROOT / props["CodeUri"]),
        "_HANDLER": props["Handler"],
        **function_environment(template, function, Resolver(template)),
    }


def _run(target: str, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", CHILD, target], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _error_line(stderr: str) -> str:
    """The exception of a traceback, on one line with the details some exceptions print after it."""
    starts = [m.start() for m in re.finditer(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b", stderr, re.MULTILINE)]
    if not starts:
        return _last_line(stderr)
    text = " / ".join(line.strip() for line in stderr[starts[-1] :].splitlines() if line.strip())
    return text if len(text) <= 300 else text[:299] + "…"


def cold_import(target: str, env: dict[str, str]) -> dict[str, Any]:
    """Import a handler (or run the baseline) in a fresh interpreter; its figures, or ColdStartError."""
    done = _run(target, env)
    if done.returncode != 0:
        raise ColdStartError(f"{target}: {_error_line(done.stderr)}")
    sample: dict[str, Any] = json.loads(_last_line(done.stdout))
    return sample


def collect(runs: int = RUNS, template: dict[str, Any] | None = None) -> Measurements:
    """Interleaved fresh-interpreter runs of the baseline and of every function, after one warm-up round."""
    template = template or load_template()
    functions = list(resources_of_type(template, "AWS::Serverless::Function"))
    envs = {f: lambda_environment(template, f) for f in functions}
    envs[BASELINE] = envs[FLOOR] = {**_base_environment(), "LAMBDA_TASK_ROOT": str(ROOT)}
    targets = [BASELINE, FLOOR, *functions]
    samples: dict[str, list[dict[str, Any]]] = {target: [] for target in targets}
    failures: dict[str, str] = {}
    for round_number in range(runs + 1):
        for target in targets:
            if target in failures:
                continue
            try:
                sample = cold_import(target, envs[target])
            except ColdStartError as error:
                if target in (BASELINE, FLOOR):
                    raise
                failures[target] = str(error)
                continue
            if round_number > 0:  # round 0 warms the disk cache and writes the byte-code
                samples[target].append(sample)

    def stats(target: str) -> Stats:
        return Stats(
            statistics.median(s["cpu_ms"] for s in samples[target]),
            statistics.median(s["ms"] for s in samples[target]),
            statistics.median(s["rss_mb"] for s in samples[target]),
            statistics.median(s.get("ready_cpu_ms", s["cpu_ms"]) for s in samples[target]),
        )

    return Measurements(stats(BASELINE), {f: stats(f) for f in functions if f not in failures}, failures, stats(FLOOR))


def measure(runs: int = RUNS) -> dict[str, float]:
    """Each function's median handler import CPU time divided by the baseline's (same run, interleaved)."""
    result = collect(runs)
    if result.failures:
        raise ColdStartError("; ".join(result.failures.values()))
    return {function: result.ratio(function) for function in result.functions}


@dataclass(frozen=True)
class ImportCost:
    module: str
    cumulative_ms: float  # the module and everything it imported first
    self_ms: float
    imported_by: str  # the module whose import triggered it ("" for the handler itself)


def import_times(function: str, template: dict[str, Any] | None = None) -> list[ImportCost]:
    """Every module the handler import loads, costliest first, from ``-X importtime`` (one run)."""
    template = template or load_template()
    done = _run(function, lambda_environment(template, function), "-X", "importtime")
    if done.returncode != 0:
        raise ColdStartError(f"{function}: {_error_line(done.stderr)}")
    timed = done.stderr.split(MARK, 1)[1]
    lines = re.findall(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", timed, re.MULTILINE)
    # importtime prints a module after its imports, indented by depth: read backwards, parents come first.
    costs: list[ImportCost] = []
    stack: list[tuple[int, str]] = []  # (depth, module) of the ancestors of the current line
    for own, cumulative, indent, module in reversed(lines):
        depth = len(indent)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        costs.append(ImportCost(module, int(cumulative) / 1000, int(own) / 1000, stack[-1][1] if stack else ""))
        stack.append((depth, module))
    return sorted(costs, key=lambda cost: cost.cumulative_ms, reverse=True)


# ---------------------------------------------------------------------------------------------------- --bytecode


def _site_packages() -> list[Path]:
    return [Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")]


def _layer_entries(template: dict[str, Any], function: str) -> set[Path]:
    """The site-packages entries (package folders, single modules) the handler imports, but the runtime's."""
    entries = set()
    for file in cold_import(function, lambda_environment(template, function))["files"]:
        if not file:
            continue
        path = Path(file).resolve()
        for site in _site_packages():
            if path.is_relative_to(site):
                top = site / path.relative_to(site).parts[0]
                if not top.name.startswith(RUNTIME_PACKAGES):
                    entries.add(top)
    return entries


def _copy_tree(template: dict[str, Any], function: str, into: Path) -> tuple[Path, Path]:
    task, layer = into / "task", into / "layer"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / template["Resources"][function]["Properties"]["CodeUri"], task, ignore=ignore)
    layer.mkdir()
    for spec in resources_of_type(template, "AWS::Serverless::LayerVersion").values():
        for package in (ROOT / spec["Properties"]["ContentUri"]).iterdir():
            if package.is_dir() and (package / "__init__.py").exists():
                shutil.copytree(package, layer / package.name, ignore=ignore)
    for entry in _layer_entries(template, function):
        if entry.is_dir():
            shutil.copytree(entry, layer / entry.name, ignore=ignore)
        else:
            shutil.copy2(entry, layer / entry.name)
    return task, layer


def bytecode_cost(function: str = "TicketsFunction", runs: int = RUNS) -> tuple[float, float, int]:
    """Median handler import CPU ms from a tree without any byte-code, then from the same tree compiled
    (``compileall --invalidation-mode unchecked-hash``, as the build does), and the modules the tree served.
    The runtime's packages (boto3…) keep their byte-code in both cases, as in Lambda."""
    template = load_template()
    env = {**lambda_environment(template, function), "PYTHONDONTWRITEBYTECODE": "1"}
    module = template["Resources"][function]["Properties"]["Handler"].rpartition(".")[0]
    with tempfile.TemporaryDirectory() as scratch:
        bare = _copy_tree(template, function, Path(scratch) / "bare")
        compiled = _copy_tree(template, function, Path(scratch) / "compiled")
        for tree in compiled:
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(tree)],
                check=True,
            )
        times: dict[int, list[float]] = {0: [], 1: []}
        modules = 0
        for round_number in range(runs + 1):
            for index, (task, layer) in enumerate((bare, compiled)):
                done = subprocess.run(
                    [sys.executable, "-c", CHILD_TREE, str(task), str(layer), module],
                    cwd=scratch,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    raise ColdStartError(f"{function}: {_error_line(done.stderr)}")
                sample = json.loads(_last_line(done.stdout))
                modules = sample["modules"]
                if round_number > 0:
                    times[index].append(sample["ms"])
        if any((Path(scratch) / "bare").rglob("__pycache__")):
            raise ColdStartError("byte-code was written into the tree measured without it")
    return statistics.median(times[0]), statistics.median(times[1]), modules


# ---------------------------------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"samples per target (default {RUNS})")
    parser.add_argument("--bytecode", action="store_true", help="also measure a layer shipped without byte-code")
    args = parser.parse_args(argv)

    template = load_template()
    result = collect(args.runs, template)
    print(f"## Cold start: ready to serve, in a fresh interpreter (median of {args.runs}, interleaved)\n")
    print(f'budget ≤ {BUDGET:.2f}× the baseline (`import boto3; boto3.client("dynamodb")`)\n')
    print("| target | import CPU ms | wall ms | peak RSS MB | import ratio | ready CPU ms | ready ratio | budget |")
    print("|---|---|---|---|---|---|---|---|")
    base = result.baseline
    print(
        f"| baseline: boto3 + DynamoDB client | {base.cpu_ms:.0f} | {base.wall_ms:.0f} | {base.rss_mb:.0f} "
        "| 1.00× | | | |"
    )
    floor = result.floor
    if floor is not None:
        print(
            f"| floor: the baseline + pydantic (one strict model) + Powertools' Logger | {floor.cpu_ms:.0f} "
            f"| {floor.wall_ms:.0f} | {floor.rss_mb:.0f} | {result.floor_ratio():.2f}× | | | |"
        )
    for function in resources_of_type(template, "AWS::Serverless::Function"):
        if function in result.failures:
            print(f"| {function} | import fails: `{result.failures[function]}` | | | | | | FAILS |")
            continue
        stats, ready = result.functions[function], result.ready_ratio(function)
        verdict = "OK" if ready <= BUDGET else "OVER"
        print(
            f"| {function} | {stats.cpu_ms:.0f} | {stats.wall_ms:.0f} | {stats.rss_mb:.0f} "
            f"| {result.ratio(function):.2f}× | {stats.ready_cpu_ms:.0f} | {ready:.2f}× | {verdict} |"
        )
    print(
        "\n*Ready* adds to the import what a function's first request builds (`bootstrap.prime`: boto3, the "
        "table's client and ports, every route's models): the whole cold start; the budget applies to it."
    )
    print(
        f"\nThe floor ({result.floor_ratio():.2f}×) is the least a function that uses the table can cost with the "
        "project's libraries: boto3 and the table's client, pydantic (settings validated at cold start, strict "
        "request models) and Powertools' Logger. "
        + (
            f"It is over the {BUDGET:.2f}× budget: no function that uses the table can meet it with them."
            if result.floor_ratio() > BUDGET
            else f"It is within the {BUDGET:.2f}× budget."
        )
    )

    tickets = "TicketsFunction"
    if tickets in result.functions:
        print(f"\n## Top {TOP} imports of {tickets} by cumulative time (`-X importtime`, one run)\n")
        print("| module | cumulative ms | self ms | imported by |")
        print("|---|---|---|---|")
        for cost in import_times(tickets, template)[:TOP]:
            parent = f"`{cost.imported_by}`" if cost.imported_by else "the handler"
            print(f"| `{cost.module}` | {cost.cumulative_ms:.0f} | {cost.self_ms:.1f} | {parent} |")

    if args.bytecode:
        without, with_, modules = bytecode_cost(tickets, args.runs)
        print(f"\n## Byte-code: {tickets} imported from a copy of its code and layer (median of {args.runs})\n")
        print("| layer and function code | import CPU ms |")
        print("|---|---|")
        print(f"| sources only, no `__pycache__` (PYTHONDONTWRITEBYTECODE=1) | {without:.0f} |")
        print(f"| with byte-code (compileall, unchecked-hash) | {with_:.0f} |")
        print(
            f"\n{modules} modules come from the copy; missing byte-code costs {without - with_:.0f} ms "
            f"({without / with_:.2f}×) on this machine."
        )

    print(f"\n(Python {sys.version.split()[0]} on this machine; Lambda's arm64 figures differ, the ratios hold.)")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
