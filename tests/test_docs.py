"""The docs stay true to the code and to each other: docs/api.md lists the routes of docs/openapi.json with their
success statuses, docs/deploy.md the parameters of template.yaml with their defaults, every relative link of the
README and of docs/ leads to a file and a heading that exist, and the README stays a door (docs/decisions.md,
2026-12-07, « The README is a door »)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from local_stack.template import load_template
from tests.support import ROOT

DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = [README, *sorted(DOCS.rglob("*.md"))]
OPENAPI = json.loads((DOCS / "openapi.json").read_text(encoding="utf-8"))
METHODS = {"get", "post", "put", "patch", "delete"}
README_MAX_BYTES = 15 * 1024
# Written by other parts of the same issues, in parallel: a link to them may wait for their merge.
PENDING: set[str] = set()
PARAMETER = re.compile(r"^\| `([A-Za-z0-9]+)` \| (?:`([^`]*)`|empty) \|", re.M)
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| ([0-9, ]+) \|", re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)


def documented_routes() -> dict[tuple[str, str], set[int]]:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    rows = ROW.findall(text)
    routes = {(method, path): {int(code) for code in codes.split(",")} for method, path, codes in rows}
    assert len(routes) == len(rows), "a route is listed twice in docs/api.md"
    return routes


def contract_routes() -> dict[tuple[str, str], set[int]]:
    return {
        (method.upper(), path): {int(code) for code in operation["responses"] if int(code) < 400}
        for path, operations in OPENAPI["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    }


def test_the_api_page_lists_every_route_of_the_contract_with_its_success_statuses() -> None:
    documented, contract = documented_routes(), contract_routes()
    assert sorted(set(contract) - set(documented)) == [], "routes of docs/openapi.json missing from docs/api.md"
    assert sorted(set(documented) - set(contract)) == [], "routes in docs/api.md that docs/openapi.json lacks"
    assert {route: codes for route, codes in documented.items() if codes != contract[route]} == {}, (
        "success statuses that docs/api.md and docs/openapi.json do not share"
    )


def test_the_deploy_page_lists_every_parameter_of_the_template_with_its_default() -> None:
    documented = {name: default or "" for name, default in PARAMETER.findall((DOCS / "deploy.md").read_text("utf-8"))}
    template = {name: str(spec.get("Default", "")) for name, spec in load_template()["Parameters"].items()}
    assert sorted(set(template) - set(documented)) == [], "parameters missing from docs/deploy.md"
    assert sorted(set(documented) - set(template)) == [], "parameters in docs/deploy.md that template.yaml lacks"
    assert {name: value for name, value in documented.items() if value != template[name]} == {}, "other defaults"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    return found


def test_slugs_follow_github() -> None:
    assert slug("Structures: activate — a machine") == "structures-activate--a-machine"
    assert slug("Lifecycle events on the desk's bus") == "lifecycle-events-on-the-desks-bus"
    assert slug("`make bench` (« Rechercher »)") == "make-bench--rechercher-"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_a_heading(page: Path) -> None:
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        name = file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else str(file)
        if not file.exists():
            if name not in PENDING:
                broken.append(f"{target}: no file {name}")
            continue
        if anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {name}")
    assert broken == []


def test_the_readme_is_a_door() -> None:
    assert len(README.read_bytes()) <= README_MAX_BYTES
