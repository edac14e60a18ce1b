"""The portal's bench (bench/portal.py, make bench) measures what it says: the gzip weight of the build's
JavaScript split into the DSFR's own and the portal's, what index.html loads first, a route called twice, the
signed-in session as the portal's sign-in keeps it; and it stops plainly when there is no build to measure."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest

from bench import portal

OURS = b"export const a = 1;\n" * 400
DSFR = b"/* dsfr */ var x = 2;\n" * 300
CSS = b".fr-btn { color: #000091; }\n" * 200


def build(folder: Path) -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="fr"><head>'
        '<script type="module" crossorigin src="/assets/index-AbCd1234.js"></script>'
        '<link rel="modulepreload" crossorigin href="/assets/dsfr-9f8E_7d6.js">'
        '<link rel="stylesheet" crossorigin href="/assets/index-Zx9-Yw8v.css">'
        '<link rel="icon" href="/favicon.svg"></head><body></body></html>',
        encoding="utf-8",
    )
    (folder / "assets" / "index-AbCd1234.js").write_bytes(OURS)
    (folder / "assets" / "later-Qw3rTy12.js").write_bytes(OURS[:100])  # a screen loaded on demand
    (folder / "assets" / "dsfr-9f8E_7d6.js").write_bytes(DSFR)
    (folder / "assets" / "index-Zx9-Yw8v.css").write_bytes(CSS)
    (folder / "favicon.svg").write_bytes(b"<svg/>")
    return folder


def gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9, mtime=0))


def test_without_a_build_the_bench_says_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"index\.html is missing: build the portal first \(make web\)"):
        portal.assets(tmp_path / "dist")


def test_the_javascript_is_weighed_gzip_the_dsfr_apart(tmp_path: Path) -> None:
    dist = build(tmp_path / "dist")
    found = {a.key: a for a in portal.assets(dist)}
    assert set(found) == {
        "assets/index-AbCd1234.js",
        "assets/later-Qw3rTy12.js",
        "assets/dsfr-9f8E_7d6.js",
        "assets/index-Zx9-Yw8v.css",
    }
    assert found["assets/dsfr-9f8E_7d6.js"].origin == "dsfr"
    assert {found[k].origin for k in ("assets/index-AbCd1234.js", "assets/later-Qw3rTy12.js")} == {"portal"}
    assert (found["assets/index-AbCd1234.js"].raw, found["assets/index-AbCd1234.js"].gzipped) == (len(OURS), gz(OURS))

    assert portal.first_loaded(dist) == {
        "assets/index-AbCd1234.js",
        "assets/dsfr-9f8E_7d6.js",
        "assets/index-Zx9-Yw8v.css",
    }
    report = "\n".join(portal.size_report(list(found.values()), portal.first_loaded(dist)))
    ours = gz(OURS) + gz(OURS[:100])
    assert f"| JavaScript, the portal's | 2 | {(len(OURS) + 100) / 1024:.1f} | {ours / 1024:.1f} |" in report
    assert f"| JavaScript, the DSFR's own | 1 | {len(DSFR) / 1024:.1f} | {gz(DSFR) / 1024:.1f} |" in report
    assert f"the portal's JavaScript: {ours / 1024:.1f} KB gzip, target ≤ 150 KB: met" in report


def test_over_the_budget_the_report_says_missed(tmp_path: Path) -> None:
    heavy = portal.Asset("assets/index-AbCd1234.js", "js", "portal", 900_000, portal.JS_BUDGET + 1)
    assert "target ≤ 150 KB: MISSED" in "\n".join(portal.size_report([heavy], set()))


def test_a_route_called_twice_for_the_same_data_is_named() -> None:
    calls = ["GET /api/me", "GET /api/tickets?tab=DRAFTS", "GET /api/me", "GET /api/tickets?tab=ONGOING"]
    assert portal.duplicates(calls) == ["GET /api/me"]
    assert portal.duplicates(calls[1:]) == []


def test_the_session_is_kept_as_the_portal_sign_in_keeps_it() -> None:
    payload = base64.urlsafe_b64encode(json.dumps({"cognito:username": "8c1f-marie"}).encode()).rstrip(b"=")
    signed_in = {"idToken": f"h.{payload.decode()}.s", "accessToken": "a.b.c", "refreshToken": "r"}
    prefix = "CognitoIdentityServiceProvider.client123"
    assert portal.session_storage("client123", signed_in) == {
        f"{prefix}.LastAuthUser": "8c1f-marie",
        f"{prefix}.8c1f-marie.idToken": signed_in["idToken"],
        f"{prefix}.8c1f-marie.accessToken": "a.b.c",
        f"{prefix}.8c1f-marie.refreshToken": "r",
        f"{prefix}.8c1f-marie.clockDrift": "0",
    }


def test_what_the_largest_paint_waited_for_is_listed_in_the_order_the_simulation_ends_it() -> None:
    graph = {
        "cpu_ms": 382,
        "requests": [
            {"url": "http://127.0.0.1:3000/", "start_ms": 0, "end_ms": 640, "bytes": 1403},
            {"url": "http://127.0.0.1:3000/assets/index-AbCd1234.js", "start_ms": 640, "end_ms": 1591, "bytes": 43208},
            {"url": "http://127.0.0.1:3000/api/tickets?tab=DRAFTS", "start_ms": 1591, "end_ms": 1842, "bytes": 984},
        ],
    }
    assert portal.lcp_waited_for({"lcp_graph": graph}) == [
        "  the LCP waited for (simulated ms, KB): / 0→640 (1.4 KB), /assets/index-AbCd1234.js 640→1591 (42.2 KB), "
        "/api/tickets?tab=DRAFTS 1591→1842 (1.0 KB); CPU 382 ms"
    ]
    assert portal.lcp_waited_for({"lcp_graph": None}) == []  # a run Lighthouse could not simulate
