"""Logger, Tracer and Metrics, created once for every function (service name from POWERTOOLS_SERVICE_NAME)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


def mask_email(email: str | None) -> str | None:
    """``marie.dupont@exemple.fr`` → ``m***@exemple.fr``: enough to correlate, not enough to identify."""
    if not email or "@" not in email:
        return None if email is None else "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
