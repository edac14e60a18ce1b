"""`python -m local_stack seed-demo` puts the demo directory into a deployed stack (here: moto)."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest

from chorus_desk.adapters.dynamodb import dynamodb_ports
from local_stack import demo
from local_stack.__main__ import main
from tests.support import CallLog


@pytest.fixture
def pool(aws: CallLog, template: dict[str, Any]) -> str:
    spec = template["Resources"]["UserPool"]["Properties"]
    return str(
        boto3.client("cognito-idp").create_user_pool(
            PoolName="chorus-desk-dev", UsernameAttributes=spec["UsernameAttributes"], Schema=spec["Schema"]
        )["UserPool"]["Id"]
    )


def test_seed_demo_creates_users_and_their_memberships_and_can_run_twice(pool: str) -> None:
    arguments = ["seed-demo", "--table-name", os.environ["TABLE_NAME"], "--user-pool-id", pool]
    assert main(arguments) == 0
    assert main(arguments) == 0  # idempotent: users found again, items overwritten

    cognito = boto3.client("cognito-idp")
    users = cognito.list_users(UserPoolId=pool)["Users"]
    assert len(users) == len(demo.USERS)
    marie = cognito.admin_get_user(UserPoolId=pool, Username="marie.dupont@menuiserie-dupont.example")
    sub = next(a["Value"] for a in marie["UserAttributes"] if a["Name"] == "sub")
    directory = dynamodb_ports(os.environ["TABLE_NAME"]).directory
    profile, memberships = directory.load_user(sub)
    assert profile is not None
    assert profile.name == "Marie Dupont"
    assert [(m.org.id, m.role.value) for m in memberships] == [("53453679200011", "PRINCIPAL_MANAGER")]
    assert directory.load_structure("21769001500011") is not None
