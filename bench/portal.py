"""`make bench` (the portal, issue 21 point 7): what the portal ships and what its pages cost.

python -m bench.portal [--pages bench/portal_pages.json] [--dist web/dist] [--no-lighthouse]

1. JavaScript and CSS shipped: every .js and .css file of the build (web/dist), raw and gzip (level 9, as the local
   stack serves them; CloudFront's gzip or brotli are close), the JavaScript split into the DSFR's own (the build
   puts it in dsfr-<hash>.js: web/vite.config.ts) and the portal's, against the target: the portal's JavaScript
   at most 150 KB gzip. Also what index.html loads first (its scripts, module preloads and styles).
2. It starts a local stack with its demo data (`python -m local_stack serve`, which serves web/dist on the API's
   origin, gzip), signs the pages' users in (Cognito in the embedded moto: the tokens are put into the tab's
   sessionStorage as the portal's sign-in keeps them), then for each page of --pages (data: add a screen there):
   - the API calls one load makes (the requests the browser sends to the API), and any route called twice for the
     same data (same method, path and query);
   - Lighthouse 12.2.3 (bench/lighthouse, Node 20, CHROME_PATH: Debian's Chromium) on a simulated mobile:
     performance, accessibility and best practices, against the targets 95, 100 and 100, with the audits that
     fail and the JavaScript, CSS and total bytes transferred; the median of --runs runs (3) by performance, as
     the scores move with the machine's load; and what the largest contentful paint waited for in Lighthouse's
     simulation of the phone (the requests of the graph it times, with their simulated end and bytes).

It reports; it does not fail on a target missed (make bench is a measure, not a test). It fails when it cannot
measure: no build, no Chromium, no Lighthouse installed, a stack that does not start.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from local_stack.aws import free_port

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "dist"
PAGES = ROOT / "bench" / "portal_pages.json"
LIGHTHOUSE = ROOT / "bench" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
JS_BUDGET = 150 * 1024  # the portal's own JavaScript, gzip, the DSFR's left out (issue 21)
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
KB = 1024


class BenchError(SystemExit):
    """What keeps the bench from measuring, said plainly (exit status 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bench.portal: {message}")


# ------------------------------------------------------------------------------------------ sizes
@dataclass(frozen=True)
class Asset:
    key: str  # path under dist/
    kind: str  # "js" or "css"
    origin: str  # "dsfr" (the design system's own) or "portal"
    raw: int
    gzipped: int


def assets(dist: Path) -> list[Asset]:
    if not (dist / "index.html").is_file():
        raise BenchError(f"{dist / 'index.html'} is missing: build the portal first (make web)")
    found = []
    for path in sorted(dist.rglob("*")):
        kind = {".js": "js", ".mjs": "js", ".css": "css"}.get(path.suffix)
        if kind is None or not path.is_file():
            continue
        body = path.read_bytes()
        origin = "dsfr" if path.name.lower().startswith("dsfr") else "portal"
        key = path.relative_to(dist).as_posix()
        found.append(Asset(key, kind, origin, len(body), len(gzip.compress(body, compresslevel=9, mtime=0))))
    return found


def first_loaded(dist: Path) -> set[str]:
    """What index.html makes the browser fetch before anything runs: scripts, module preloads, style sheets."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    keys = set()
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
        if tag.startswith("<link") and not re.search(r'rel="(?:stylesheet|modulepreload)"', tag):
            continue
        match = re.search(r'(?:src|href)="/?([^"?#]+)"', tag)
        if match and match.group(1).endswith((".js", ".mjs", ".css")):
            keys.add(match.group(1))
    return keys


def size_report(found: list[Asset], initial: set[str]) -> list[str]:
    def total(items: list[Asset]) -> tuple[int, int]:
        return sum(a.raw for a in items), sum(a.gzipped for a in items)

    lines = ["| shipped | files | raw KB | gzip KB |", "|---|---:|---:|---:|"]
    groups = (
        ("JavaScript, the portal's", [a for a in found if a.kind == "js" and a.origin == "portal"]),
        ("JavaScript, the DSFR's own", [a for a in found if a.kind == "js" and a.origin == "dsfr"]),
        ("CSS (the DSFR's styles and the portal's)", [a for a in found if a.kind == "css"]),
        ("loaded first by index.html (JS and CSS)", [a for a in found if a.key in initial]),
    )
    for label, items in groups:
        raw, gz = total(items)
        lines.append(f"| {label} | {len(items)} | {raw / KB:.1f} | {gz / KB:.1f} |")
    ours = total([a for a in found if a.kind == "js" and a.origin == "portal"])[1]
    verdict = "met" if ours <= JS_BUDGET else "MISSED"
    lines += ["", f"the portal's JavaScript: {ours / KB:.1f} KB gzip, target ≤ {JS_BUDGET / KB:.0f} KB: {verdict}"]
    largest = sorted(found, key=lambda a: a.gzipped, reverse=True)[:5]
    lines.append("largest files (gzip KB): " + ", ".join(f"{a.key} {a.gzipped / KB:.1f}" for a in largest))
    return lines


# ------------------------------------------------------------------------------------------ the local stack
def start_stack(folder: Path, port: int, deadline: float) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """`python -m local_stack serve` with its demo data on the port, once it has said "Ready."."""
    state, log = folder / "state.json", folder / "stack.log"
    command = [sys.executable, "-m", "local_stack", "serve", "--port", str(port), "--state-file", str(state)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    while "Ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(process)
            raise BenchError(f"the local stack did not start:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    return process, json.loads(state.read_text(encoding="utf-8"))


def stop_stack(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tokens(state: dict[str, Any], alias: str) -> dict[str, str]:
    """The demo user's IdToken, AccessToken and RefreshToken from the stack's user pool."""
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=state["aws_endpoint"],
        region_name=str(state["user_pool_id"]).split("_", 1)[0],
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106  # the embedded moto's dummy credentials
    )
    answer = cognito.admin_initiate_auth(
        UserPoolId=state["user_pool_id"],
        ClientId=state["client_id"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": state["users"][alias], "PASSWORD": state["password"]},
    )["AuthenticationResult"]
    return {"idToken": answer["IdToken"], "accessToken": answer["AccessToken"], "refreshToken": answer["RefreshToken"]}


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def session_storage(client_id: str, signed_in: dict[str, str]) -> dict[str, str]:
    """The session as amazon-cognito-identity-js keeps it in the tab (CognitoIdentityServiceProvider.<client>.…),
    so the portal starts signed in, as after its own sign-in."""
    username = str(claims(signed_in["idToken"])["cognito:username"])
    prefix = f"CognitoIdentityServiceProvider.{client_id}"
    items = {f"{prefix}.LastAuthUser": username, f"{prefix}.{username}.clockDrift": "0"}
    items.update({f"{prefix}.{username}.{name}": value for name, value in signed_in.items()})
    return items


def api_get(base: str, path: str, id_token: str) -> Any:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": id_token})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  # loopback only
        return json.loads(answer.read())


def pick(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


# ------------------------------------------------------------------------------------------ the pages
def run_browser(job: dict[str, Any], folder: Path) -> dict[str, Any]:
    if not (LIGHTHOUSE / "node_modules" / "lighthouse").is_dir():
        raise BenchError("Lighthouse is not installed: npm ci --prefix bench/lighthouse (make bench-web does it)")
    if shutil.which("node") is None:
        raise BenchError("Node.js is missing (Node 20: Lighthouse 12.2.3 runs on it)")
    path = folder / "job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    command = ["node", str(LIGHTHOUSE / "run.mjs"), str(path)]
    environment = {**os.environ, "CHROME_PATH": CHROME}
    run = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=1800, env=environment)
    if run.returncode != 0:
        raise BenchError(f"the browser run failed:\n{run.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def lcp_waited_for(audit: dict[str, Any]) -> list[str]:
    """The requests Lighthouse's simulation made the largest contentful paint wait for (every request started
    before it: their bytes share the phone's bandwidth), in the order they end, and the graph's CPU time."""
    graph = audit.get("lcp_graph")
    if not graph:
        return []

    def path(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    requests = [f"{path(r['url'])} {r['start_ms']}→{r['end_ms']} ({r['bytes'] / KB:.1f} KB)" for r in graph["requests"]]
    return [f"  the LCP waited for (simulated ms, KB): {', '.join(requests) or 'no request'}; CPU {graph['cpu_ms']} ms"]


def duplicates(calls: list[str]) -> list[str]:
    return sorted({call for call in calls if calls.count(call) > 1})


def pages_report(result: dict[str, Any]) -> list[str]:
    lines = ["| page | API calls | distinct | called twice |", "|---|---:|---:|---|"]
    for page in result["pages"]:
        twice = duplicates(page["calls"])
        lines.append(
            f"| {page['name']} | {len(page['calls'])} | {len(set(page['calls']))} | {', '.join(twice) or 'none'} |"
        )
    lines.append("")
    for page in result["pages"]:
        lines.append(f"{page['name']} ({page['heading'] or page['title']}): {', '.join(page['calls']) or 'no call'}")
        lines += [f"  console: {text}" for text in page["console"]]
    audited = [p for p in result["pages"] if "audit" in p]
    if not audited:
        return lines
    first = audited[0]["audit"]
    lines += [
        "",
        f"Lighthouse {first['lighthouse']}, simulated mobile ({first['chrome']}), the median of "
        f"{len(first['performance_runs'])} runs a page",
        "",
        "| page | performance | accessibility | best practices | FCP ms | LCP ms | TBT ms | CLS "
        "| JS KB | CSS KB | total KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in audited:
        audit, scores, metrics = page["audit"], page["audit"]["scores"], page["audit"]["metrics"]
        transfer = audit["transfer"]

        def ms(name: str, values: dict[str, Any] = metrics) -> str:
            return "–" if values[name] is None else f"{values[name]:.0f}"

        lines.append(
            f"| {page['name']} | {scores['performance']} | {scores['accessibility']} | {scores['best-practices']} "
            f"| {ms('fcp_ms')} | {ms('lcp_ms')} | {ms('tbt_ms')} | {(metrics['cls'] or 0):.3f} "
            f"| {transfer['script'] / KB:.1f} | {transfer['stylesheet'] / KB:.1f} | {transfer['total'] / KB:.1f} |"
        )
    lines.append("")
    for page in audited:
        scores = page["audit"]["scores"]
        missed = [f"{c} {scores[c]} < {t}" for c, t in TARGETS.items() if scores[c] is None or scores[c] < t]
        lines.append(f"{page['name']}: targets {'met' if not missed else 'MISSED: ' + '; '.join(missed)}")
        if page["audit"]["runtime_error"]:
            lines.append(f"  Lighthouse: {page['audit']['runtime_error']}")
        runs = page["audit"]["performance_runs"]
        if len(runs) > 1:
            lines.append(f"  performance of each run: {', '.join(str(r) for r in runs)} (the median run is shown)")
        for failing in page["audit"]["failing"]:
            detail = f" ({failing['display']})" if failing["display"] else ""
            lines.append(f"  {failing['category']}: {failing['id']}, {failing['title']}{detail}")
        lines += lcp_waited_for(page["audit"])
    return lines


def measure(pages_file: Path, lighthouse: bool, runs: int, port: int) -> list[str]:
    spec = json.loads(pages_file.read_text(encoding="utf-8"))
    if lighthouse and not Path(CHROME).is_file():
        raise BenchError(f"no Chromium at {CHROME} (apt-get install chromium, or CHROME_PATH)")
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        folder = Path(tmp)
        process, state = start_stack(folder, port, time.monotonic() + 120)
        try:
            base = f"http://127.0.0.1:{port}"
            signed: dict[str, dict[str, str]] = {}
            for alias in {p["as"] for p in spec["pages"] if p["as"]} | {v["as"] for v in spec["values"].values()}:
                signed[alias] = tokens(state, alias)
            values = {
                name: pick(api_get(base, value["get"], signed[value["as"]]["idToken"]), value["pick"])
                for name, value in spec["values"].items()
            }
            job = {
                "chromePath": CHROME,
                "lighthouse": lighthouse,
                "runs": runs,
                "apiPrefixes": [f"{base}/api/"],
                "pages": [
                    {
                        "name": page["name"],
                        "url": base + page["path"].format(**values),
                        "storage": session_storage(state["client_id"], signed[page["as"]]) if page["as"] else {},
                    }
                    for page in spec["pages"]
                ],
            }
            return pages_report(run_browser(job, folder))
        finally:
            stop_stack(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The portal's weight, API calls per page and Lighthouse scores.")
    parser.add_argument("--pages", type=Path, default=PAGES, help="the pages to open (JSON: bench/portal_pages.json)")
    parser.add_argument("--dist", type=Path, default=DIST, help="the portal's build")
    parser.add_argument("--no-lighthouse", action="store_true", help="sizes and API calls only")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median one is shown)")
    parser.add_argument("--port", type=int, default=0, help="the local stack's port (default: a free one)")
    args = parser.parse_args(argv)
    found = assets(args.dist)  # first: no build, nothing else to measure
    print("## The portal: JavaScript and CSS shipped (web/dist)\n")
    print("\n".join(size_report(found, first_loaded(args.dist))))
    started = time.monotonic()
    lines = measure(args.pages, not args.no_lighthouse, args.runs, args.port or free_port())
    print("\n## The portal's pages: API calls per load, Lighthouse on a simulated mobile\n")
    print("\n".join(lines))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
