from __future__ import annotations

import json

import pytest

from chorus_desk.observability import logger, mask_email
from tests.support import Api


@pytest.mark.parametrize(
    ("email", "masked"),
    [("marie.dupont@menuiserie-dupont.example", "m***@menuiserie-dupont.example"), ("x", "***"), (None, None)],
)
def test_mask_email(email: str | None, masked: str | None) -> None:
    assert mask_email(email) == masked


def test_logs_carry_the_user_id_and_never_an_email_in_clear(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    logger.setLevel("INFO")
    try:
        api.create("marie", submit=True)
    finally:
        logger.setLevel("CRITICAL")
    # Render the captured records with the function's own JSON formatter, as CloudWatch would get them.
    lines = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records if r.name == logger.name]
    created = next(line for line in lines if line.get("message") == "ticket action applied")
    assert created["contact"] == "c***@menuiserie-dupont.example"
    assert created["user_id"].startswith("00000000-")
    assert "contact@menuiserie-dupont.example" not in json.dumps(lines)
