"""Logger, Tracer and Metrics, created once for every function (service name from POWERTOOLS_SERVICE_NAME).

The Tracer does not patch botocore when a function starts: Lambda's active tracing records each invocation
without it, and a function that never calls AWS (the catalogue) would pay for the patch (it imports botocore)
at every cold start. ``trace_aws_calls`` patches it where AWS clients are built (``bootstrap``), so the
DynamoDB calls still appear as subsegments.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer(auto_patch=False)


def trace_aws_calls() -> None:
    """Record the AWS SDK's calls as X-Ray subsegments (a no-op when tracing is disabled)."""
    tracer.patch(("botocore",))


metrics = Metrics()


def mask_email(email: str | None) -> str | None:
    """``marie.dupont@exemple.fr`` → ``m***@exemple.fr``: enough to correlate, not enough to identify."""
    if not email or "@" not in email:
        return None if email is None else "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
