"""The IAM check of a whole run (``make pytest``'s second step: ``pytest -m iam tests/test_iam.py``): every AWS call
the functions' handlers made across the suite (tests/iam_recorder.py, in ``$IAM_CALLS_DIR``) is allowed by its
function's role as SAM's translator makes it of template.yaml, and every permission of every role was used by a
call or has a written reason (tests/iam_policy.py). Never passes on no record."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.iam_policy import Report, check, load_records
from tests.iam_recorder import ENVIRONMENT_VARIABLE

pytestmark = pytest.mark.iam


@pytest.fixture(scope="module")
def report() -> Report:
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    if not folder:
        pytest.fail(f"{ENVIRONMENT_VARIABLE} is not set: run `make pytest`, which records the calls, then checks them")
    records, names = load_records(Path(folder))
    if not records:
        pytest.fail(f"no AWS call recorded in {folder}: the run recorded nothing, so nothing is proved")
    return check(records, names)


def test_every_call_of_every_function_is_allowed_by_its_role(report: Report) -> None:
    assert not report.denied, "\n".join(report.denied)


def test_every_permission_of_every_role_is_used_or_has_a_written_reason(report: Report) -> None:
    assert not report.unused, "\n".join(report.unused)
