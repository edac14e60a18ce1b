"""The embedded AWS of the local stack: a moto server on 127.0.0.1 and the template's resources in it."""

from __future__ import annotations

import functools
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any

import boto3

from local_stack.template import Resolver, resources_of_type, table_definition

REGION = "eu-west-3"
LOCAL_NAMES = {"DeskTable": "chorus-desk-local", "UserPool": "chorus-desk-local", "DeskApi": "chorus-desk-local"}


_WRITE_LOCK = threading.RLock()
_MUTATIONS = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")


def serialize_dynamodb_writes() -> None:
    """Make moto's DynamoDB writes isolated from each other, as DynamoDB's are.

    moto deep-copies a table when a TransactWriteItems starts and, if a condition fails, puts that copy
    back, with no lock: a failing transaction can undo a transaction or an UpdateItem that committed in
    the meantime. DynamoDB transactions are serializable; one lock around moto's writes restores that.
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in _MUTATIONS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        @functools.wraps(original)
        def serialized(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _WRITE_LOCK:
                return _original(self, *args, **kwargs)

        serialized._serialized = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, serialized)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def use_dummy_credentials(endpoint: str) -> None:
    """Every boto3 client of this process talks to the embedded server, never to AWS."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": endpoint,
        }
    )


def client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@dataclass(frozen=True)
class Identities:
    user_pool_id: str
    client_id: str


def create_tables(template: dict[str, Any], resolver: Resolver, endpoint: str) -> None:
    dynamodb = client("dynamodb", endpoint)
    for logical_id in resources_of_type(template, "AWS::DynamoDB::Table"):
        dynamodb.create_table(**table_definition(template, logical_id, resolver.ref(logical_id)))


def create_identities(template: dict[str, Any], resolver: Resolver, endpoint: str) -> Identities:
    """The user pool and app client as the template declares them.

    The local client additionally allows ADMIN_USER_PASSWORD_AUTH, so that ``token`` can sign a demo user
    in with one command; the deployed client only allows SRP.
    """
    cognito = client("cognito-idp", endpoint)
    ((pool_id, pool_spec),) = resources_of_type(template, "AWS::Cognito::UserPool").items()
    pool_props = resolver.resolve(pool_spec["Properties"])
    pool = cognito.create_user_pool(
        PoolName=pool_props["UserPoolName"],
        Policies=pool_props["Policies"],
        UsernameAttributes=pool_props["UsernameAttributes"],
        AutoVerifiedAttributes=pool_props["AutoVerifiedAttributes"],
        AdminCreateUserConfig=pool_props["AdminCreateUserConfig"],
        Schema=pool_props["Schema"],
    )["UserPool"]
    ((_, client_spec),) = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    client_props = resolver.resolve(client_spec["Properties"])
    app_client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_props["ClientName"],
        GenerateSecret=False,
        ExplicitAuthFlows=[*client_props["ExplicitAuthFlows"], "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        ReadAttributes=client_props["ReadAttributes"],
    )["UserPoolClient"]
    resolver.names[pool_id] = pool["Id"]
    return Identities(user_pool_id=pool["Id"], client_id=app_client["ClientId"])


def id_token(endpoint: str, identities: Identities, email: str, password: str) -> str:
    """Sign a user in and return the IdToken (what the Cognito authorizer of API Gateway expects)."""
    result = client("cognito-idp", endpoint).admin_initiate_auth(
        UserPoolId=identities.user_pool_id,
        ClientId=identities.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def ensure_user(user_pool_id: str, email: str, name: str, password: str, region: str) -> str:
    """Create (or find) a confirmed user with a permanent password in any pool, AWS or local; return its sub."""
    cognito = boto3.client("cognito-idp", region_name=region)
    try:
        user = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)
        attributes = user["UserAttributes"]
    except cognito.exceptions.UserNotFoundException:
        attributes = cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": name},
            ],
            MessageAction="SUPPRESS",
        )["User"]["Attributes"]
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True)
    return str(next(a["Value"] for a in attributes if a["Name"] == "sub"))
