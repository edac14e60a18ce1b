"""The headers CloudFront puts on every answer of the portal (template.yaml's PortalHeadersPolicy), for a local
server of the portal to send the same ones, so that a browser test sees the policy production enforces.

Two differences, both for plain HTTP on the loopback: the CSP's connect-src names the local origins given (the
API, Cognito and S3 are the local stack's, on its own origin or moto's) instead of AWS's, and neither
``upgrade-insecure-requests`` nor HSTS is sent (the first would send the page's own requests to an https:// the
local stack does not serve; browsers ignore the second over HTTP anyway).
"""

from __future__ import annotations

from typing import Any

from local_stack.template import Resolver, load_template

LOCAL_ONLY_DROPPED = ("upgrade-insecure-requests",)


def csp_directives(policy: str) -> list[tuple[str, list[str]]]:
    directives = []
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives.append((name.lower(), sources))
    return directives


def portal_headers(template: dict[str, Any] | None = None, connect: tuple[str, ...] = ()) -> dict[str, str]:
    """The portal's response headers, as CloudFront sends them, with the local connect-src (``'self'`` and
    ``connect``)."""
    template = template or load_template()
    config = Resolver(template).resolve(template["Resources"]["PortalHeadersPolicy"]["Properties"])
    config = config["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    directives = []
    for name, sources in csp_directives(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]):
        if name in LOCAL_ONLY_DROPPED:
            continue
        served = ["'self'", *connect] if name == "connect-src" else sources
        directives.append(" ".join([name, *served]))
    headers = {
        "Content-Security-Policy": "; ".join(directives),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    headers.update({item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]})
    return headers
