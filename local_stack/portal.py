"""The portal on the local stack's origin: the built single-page portal (web/dist), its settings, and the
user pool's endpoint the browser signs in with, in front of the API gateway.

    /                      index.html (the portal routes by the URL's fragment: #/tickets/12)
    /suivi                 index.html too: the status page the mails link to (<StatusPageUrl>#<token>)
    /assets/…              the build's files (hashed names: cached for a year), gzip when the browser takes it
    /config.json           the portal's settings: the API's base, the user pool and its endpoint
    /_local/cognito        Cognito's JSON API for the browser, SRP checked (local_stack/cognito_srp.py)
    /api/…                 the API, as CloudFront forwards it in AWS (the prefix removed)
    anything else          the API at its usual paths (/me, /tickets…, /docs, /_local/…), as before

The pages carry the security headers the portal is served with in AWS (a strict Content-Security-Policy: no
inline script or style, frame-ancestors 'none'), so that the browser tests see what production enforces.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from local_stack.template import ROOT

DIST = ROOT / "web" / "dist"
API_PREFIX = "/api"
COGNITO_PATH = "/_local/cognito"
PAGES = ("/", "/index.html", "/suivi", "/suivi/")
COMPRESSED = {".js", ".css", ".svg", ".html", ".json", ".webmanifest"}


def content_security_policy(connect: tuple[str, ...] = ()) -> str:
    """The portal's CSP: its own origin for everything, no inline script or style, no framing."""
    sources = " ".join(("'self'", *connect))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            # The captcha's sound is a data: URI (POST /public/captcha), played by an <audio> element.
            "media-src 'self' data:",
            f"connect-src {sources}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def security_headers(connect: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers of every portal file (CloudFront adds HSTS in AWS; the local stack is plain HTTP)."""
    return {
        "Content-Security-Policy": content_security_policy(connect),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


MISSING_BUILD = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Portail de support – non construit</title></head>
<body><main><h1>Le portail n'est pas construit</h1>
<p>Lancez <code>make web</code> (ou <code>make dev</code>, qui le construit), puis rechargez cette page.
L'API répond déjà à ses adresses habituelles.</p></main></body></html>"""


class Portal:
    """WSGI application: the portal's files and settings, the user pool's endpoint, then the API gateway."""

    def __init__(
        self,
        gateway: Callable[..., Any],
        config: Mapping[str, Any],
        cognito: Callable[[Request], Response] | None = None,
        dist: Path = DIST,
        connect: tuple[str, ...] = (),
    ) -> None:
        self._gateway = gateway
        self._config = json.dumps(dict(config), ensure_ascii=False).encode()
        self._cognito = cognito
        self._dist = dist
        self._headers = security_headers(connect)
        self._gzipped: dict[Path, bytes] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            # As CloudFront's /api/* behaviour does: the API sees its own paths.
            environ = {**environ, "PATH_INFO": path[len(API_PREFIX) :] or "/"}
            return self._gateway(environ, start_response)
        if path == COGNITO_PATH and self._cognito is not None:
            return self._cognito(Request(environ))(environ, start_response)
        if method in ("GET", "HEAD"):
            response = self._static(path, Request(environ))
            if response is not None:
                return response(environ, start_response)
        return self._gateway(environ, start_response)

    def _static(self, path: str, request: Request) -> Response | None:
        if path == "/config.json":
            return self._file_response(self._config, "application/json", "no-store", request, None)
        if path in PAGES:
            index = self._dist / "index.html"
            if not index.is_file():
                return Response(MISSING_BUILD, status=503, content_type="text/html; charset=utf-8")
            return self._file_response(index.read_bytes(), "text/html; charset=utf-8", "no-cache", request, index)
        if path.startswith("/assets/"):
            file = (self._dist / path.lstrip("/")).resolve()
            assets = (self._dist / "assets").resolve()
            if assets not in file.parents or not file.is_file():
                return Response(b"", status=404)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                kind += "; charset=utf-8"
            return self._file_response(file.read_bytes(), kind, "public, max-age=31536000, immutable", request, file)
        return None

    def _file_response(self, body: bytes, kind: str, cache: str, request: Request, file: Path | None) -> Response:
        headers = {**self._headers, "Cache-Control": cache, "Vary": "Accept-Encoding"}
        suffix = file.suffix if file is not None else ".json"
        if suffix in COMPRESSED and "gzip" in request.headers.get("Accept-Encoding", ""):
            if file is None:
                body = gzip.compress(body, mtime=0)
            else:
                if file not in self._gzipped or file.name == "index.html":
                    self._gzipped[file] = gzip.compress(body, compresslevel=9, mtime=0)
                body = self._gzipped[file]
            headers["Content-Encoding"] = "gzip"
        return Response(body, status=200, content_type=kind, headers=headers)
