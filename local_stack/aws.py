"""The embedded AWS of the local stack: a moto server on 127.0.0.1 and the template's resources in it."""

from __future__ import annotations

import copy
import functools
import inspect
import json
import os
import secrets
import socket
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from local_stack.template import Resolver, resources_of_type, table_definition

REGION = "eu-west-3"
LOCAL_NAMES = {
    "DeskTable": "chorus-desk-local",
    "UserPool": "chorus-desk-local",
    "DeskApi": "chorus-desk-local",
    "AttachmentsBucket": "chorus-desk-local-attachments",
}


_WRITE_LOCK = threading.RLock()
STREAM_RECORDS_KEPT = 10_000  # per table; a DynamoDB stream keeps 24 hours of them
SHARD_ITERATORS_KEPT = 1_000  # a shard iterator lives 15 minutes on AWS; the pollers use the latest only
MAILS_KEPT = 1_000  # the latest mails moto's SES keeps (GET /_local/mails)
_MUTATIONS = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")


def serialize_dynamodb_writes() -> None:
    """Make moto's DynamoDB writes isolated from each other, as DynamoDB's are.

    moto deep-copies a table when a TransactWriteItems starts and, if a condition fails, puts that copy
    back, with no lock: a failing transaction can undo a transaction or an UpdateItem that committed in
    the meantime. DynamoDB transactions are serializable; one lock around moto's writes restores that.

    The request handler is held to the same lock, not only the backend: moto builds an answer (UPDATED_NEW,
    ALL_NEW, ALL_OLD) from the live item after the backend call, and from an item it read before it, so a
    concurrent write could change what one request answers (two counters' hits both answering the same value).
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    for owner in (DynamoDBBackend, DynamoHandler):
        for name in _MUTATIONS:
            original = getattr(owner, name)
            if getattr(original, "_serialized", False):
                continue

            @functools.wraps(original)
            def serialized(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                with _WRITE_LOCK:
                    return _original(self, *args, **kwargs)

            serialized._serialized = True  # type: ignore[attr-defined]
            setattr(owner, name, serialized)


def patch_moto() -> None:
    """What a long-running moto server needs: no instance tracking, DynamoDB items answered without walking
    their shape, item-level transaction rollback, serialized writes, queries that do not sort the whole table,
    streams that keep their latest records only (and their readers' latest iterators), SES that keeps the
    latest mails only, Cognito that invites (and invites again) as AWS does."""
    stop_tracking_model_instances()
    serialize_attribute_values_as_they_are()
    roll_back_transactions_item_by_item()
    query_one_partition()
    trim_streams()
    forget_old_shard_iterators()
    keep_latest_mails()
    invite_as_cognito()


def _untracked_new(cls: type, *_args: Any, **_kwargs: Any) -> Any:
    return object.__new__(cls)


def stop_tracking_model_instances() -> None:
    """Stop moto from keeping every model object it ever created.

    moto's BaseModel.__new__ appends each instance (every DynamoDB item, stream record, deep copy of a
    table…) to a list of its class, for its dashboard and its reset; in a server that is never reset nothing
    leaves it. The local stack uses neither: without the list, what is no longer used is freed.
    """
    from moto.core.common_models import BaseModel

    BaseModel.__new__ = staticmethod(_untracked_new)  # type: ignore[method-assign]


def _json_native(value: Any) -> bool:
    """Whether ``value`` is already what DynamoDB's JSON carries: strings (numbers are strings there too), booleans,
    lists and maps of them; no bytes, no number object, no model to pick attributes from."""
    if isinstance(value, str | bool) or value is None:
        return True
    if isinstance(value, list):
        return all(_json_native(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_native(v) for k, v in value.items())
    return False


def serialize_attribute_values_as_they_are() -> None:
    """Answer DynamoDB's attribute values as moto holds them.

    moto 5.2 serializes every response by walking the service's shapes: for each attribute value of each item
    it looks up, through alias providers, every member an ``AttributeValue`` may have (S, N, B, SS, … M, L).
    Under load that walk took 246 of 886 samples of the local stack (py-spy, ``python -m bench.load --clients
    5``). moto already holds a value in DynamoDB's JSON form (``{"S": "…"}``, ``{"M": {…}}``): a value made of
    JSON types only is written as it is; one holding bytes (a binary attribute, which JSON carries in base64)
    still takes moto's own way.
    """
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure
    if getattr(original, "_as_they_are", False):
        return

    @functools.wraps(original)
    def structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if shape.name == "AttributeValue" and isinstance(value, dict) and _json_native(value):
            serialized[self.get_serialized_name(shape, key)] = value
            return
        original(self, serialized, value, shape, key)

    structure._as_they_are = True  # type: ignore[attr-defined]
    BaseJSONSerializer._serialize_type_structure = structure  # type: ignore[method-assign]


def trim_streams() -> None:
    """Keep the latest STREAM_RECORDS_KEPT records of each table's stream, as DynamoDB keeps 24 hours of them.

    moto keeps every record (an image of each item written) for ever. The dropped ones move the shard's first
    sequence number on (the trim horizon), so the next numbers stay the same. A reader whose iterator points
    at a record trimmed meanwhile gets ``TrimmedDataAccessException``, as from DynamoDB Streams: its position
    is lost, it must start again from the trim horizon (or the latest record).
    """
    from moto.core.exceptions import JsonRESTError
    from moto.dynamodb.models.table import StreamShard

    original, original_get = StreamShard.add, StreamShard.get
    if getattr(original, "_trimmed", False):
        return

    class TrimmedDataAccessException(JsonRESTError):
        def __init__(self) -> None:
            super().__init__("TrimmedDataAccessException", "The data you are trying to access has been trimmed.")

    @functools.wraps(original)
    def add(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        excess = len(self.items) - STREAM_RECORDS_KEPT
        if excess > STREAM_RECORDS_KEPT // 10:  # by tenths: not a list shift on every write
            del self.items[:excess]
            self.starting_sequence_number += excess

    @functools.wraps(original_get)
    def get(self: Any, start: int, quantity: int) -> list[dict[str, Any]]:
        if start < self.starting_sequence_number:  # moto would fail an assert
            raise TrimmedDataAccessException
        return list(original_get(self, start, quantity))

    add._trimmed = True  # type: ignore[attr-defined]
    StreamShard.add = add  # type: ignore[method-assign]
    StreamShard.get = get  # type: ignore[method-assign]


def forget_old_shard_iterators() -> None:
    """Keep the latest SHARD_ITERATORS_KEPT shard iterators of each streams backend.

    moto keeps every iterator it hands out (GetShardIterator, and each GetRecords answer's next one) for ever:
    a stream poller asking a few times a second would fill the memory. AWS lets an iterator expire after 15
    minutes; a poller only ever uses the one it was given last.
    """
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

    original = ShardIterator.get
    if getattr(original, "_bounded", False):
        return

    @functools.wraps(original)
    def get(self: Any, limit: int = 1000) -> dict[str, Any]:
        answer: dict[str, Any] = original(self, limit)
        _forget_oldest(self.streams_backend.shard_iterators, SHARD_ITERATORS_KEPT)
        return answer

    original_issue = DynamoDBStreamsBackend.get_shard_iterator

    @functools.wraps(original_issue)
    def get_shard_iterator(self: Any, *args: Any, **kwargs: Any) -> Any:
        iterator = original_issue(self, *args, **kwargs)
        _forget_oldest(self.shard_iterators, SHARD_ITERATORS_KEPT)
        return iterator

    get._bounded = True  # type: ignore[attr-defined]
    ShardIterator.get = get  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_shard_iterator = get_shard_iterator  # type: ignore[method-assign]


def _forget_oldest(entries: dict[str, Any], kept: int) -> None:
    """Drop the oldest entries of an insertion-ordered dict beyond ``kept``, by tenths (not on every call)."""
    excess = len(entries) - kept
    if excess > kept // 10:
        for key in list(entries)[:excess]:  # list(dict) copies at once: other threads may add meanwhile
            entries.pop(key, None)


def keep_latest_mails() -> None:
    """Keep the latest MAILS_KEPT mails in moto's SES (it keeps every mail sent, for ever)."""
    from moto.ses.models import SESBackend

    for name in ("send_email", "send_raw_email", "send_templated_email"):
        original = getattr(SESBackend, name)
        if getattr(original, "_bounded", False):
            continue

        @functools.wraps(original)
        def send(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            message = _original(self, *args, **kwargs)
            excess = len(self.sent_messages) - MAILS_KEPT
            if excess > MAILS_KEPT // 10:
                del self.sent_messages[:excess]
            return message

        send._bounded = True  # type: ignore[attr-defined]
        setattr(SESBackend, name, send)


# Cognito's own invitation message, when the pool's AdminCreateUserConfig gives no InviteMessageTemplate.
COGNITO_INVITATION_SUBJECT = "Your temporary password"
COGNITO_INVITATION_MESSAGE = "Your username is {username} and temporary password is {####}."


def _unsupported_user_state(username: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    error = JsonRESTError(
        "UnsupportedUserStateException", f"Resend not possible. {username} status is not FORCE_CHANGE_PASSWORD."
    )
    error.code = 400
    return error


def _temporary_password() -> str:
    """A temporary password any pool's password policy accepts (lower, upper, digit, symbol, 16 characters)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12)) + "aA1!"


def _status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))


def _send_invitation(backend: Any, pool: Any, user: Any, username: str, password: str) -> None:
    """The invitation mail Cognito sends, through SES as the pool's EmailConfiguration says (DEVELOPER: from its
    ``From``, in the region of its ``SourceArn``). With Cognito's default sender, nothing reaches the local SES."""
    configuration = pool.extended_config.get("EmailConfiguration") or {}
    if configuration.get("EmailSendingAccount") != "DEVELOPER":
        return
    from moto.ses.models import ses_backends

    arn = str(configuration.get("SourceArn", "")).split(":")
    region = arn[3] if len(arn) > 3 and arn[3] else backend.region_name
    template = (pool.extended_config.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    address = user.attribute_lookup.get("email") or username

    def filled(text: str) -> str:
        return text.replace("{username}", address).replace("{####}", password)

    ses_backends[backend.account_id][region].send_email(
        source=configuration.get("From") or arn[-1].rsplit("/", 1)[-1],
        subject=filled(template.get("EmailSubject") or COGNITO_INVITATION_SUBJECT),
        body=filled(template.get("EmailMessage") or COGNITO_INVITATION_MESSAGE),
        destinations={"ToAddresses": [address]},
    )


def invite_as_cognito() -> None:
    """Make moto's AdminCreateUser invite as Cognito does.

    moto sends no invitation, and ``MessageAction=RESEND`` creates a second user with the same address. AWS
    sends the invitation mail (unless ``SUPPRESS``); RESEND sends it again to the existing account with a new
    temporary password if the account still waits for activation (``FORCE_CHANGE_PASSWORD``), answers
    ``UnsupportedUserStateException`` for any other account and ``UserNotFoundException`` for no account.
    The mail goes through SES when the pool's EmailConfiguration says DEVELOPER (``_send_invitation``).
    """
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.core.utils import utcnow

    original: Any = CognitoIdpBackend.admin_create_user
    if getattr(original, "_invites", False):
        return

    @functools.wraps(original)
    def admin_create_user(
        self: Any,
        user_pool_id: str,
        username: str,
        message_action: str | None,
        temporary_password: str | None,
        attributes: list[dict[str, str]],
    ) -> Any:
        pool = self.describe_user_pool(user_pool_id)
        if message_action == "SUPPRESS":
            return original(self, user_pool_id, username, message_action, temporary_password, attributes)
        if message_action != "RESEND":
            password = temporary_password or _temporary_password()
            user = original(self, user_pool_id, username, message_action, password, attributes)
            _send_invitation(self, pool, user, username, password)
            return user
        user = self.admin_get_user(user_pool_id, username)  # UserNotFoundException for no account
        if _status(user) != "FORCE_CHANGE_PASSWORD":
            raise _unsupported_user_state(username)
        user.password = temporary_password or _temporary_password()
        user.last_modified_date = utcnow()
        _send_invitation(self, pool, user, username, user.password)
        return user

    admin_create_user._invites = True  # type: ignore[attr-defined]
    CognitoIdpBackend.admin_create_user = admin_create_user  # type: ignore[method-assign]


@dataclass
class _Undo:
    """What a transaction is about to change: the items it writes as they were, and where its tables' streams
    stood (the sequence number of their next record)."""

    items: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)  # table, hash key, range key, old item
    streams: list[tuple[Any, int]] = field(default_factory=list)  # shard, next sequence number

    def remember(self, table: Any, hash_key: Any, range_key: Any) -> None:
        shard = table.stream_shard
        if shard is not None and all(s is not shard for s, _ in self.streams):
            self.streams.append((shard, shard.starting_sequence_number + len(shard.items)))
        self.items.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))

    def restore(self) -> None:
        for table, hash_key, range_key, old in reversed(self.items):
            if table.range_key_attr is None:
                if old is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = old
                continue
            bucket = table.items[hash_key]
            if old is not None:
                bucket[range_key] = old
                continue
            bucket.pop(range_key, None)
            if not bucket:
                del table.items[hash_key]
        for shard, next_number in self.streams:
            del shard.items[max(0, next_number - shard.starting_sequence_number) :]


def _transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's TransactWriteItems, undone on failure by putting back only the items it wrote.

    moto 5 deep-copies every table a transaction names before it starts, which takes longer as the table and
    its stream grow. Same checks, errors and cancellation reasons as moto's; a validation error or a failed
    condition leaves every item, and the stream, as they were.
    """
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = _Undo()
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []  # (code, message, item) per entry
    try:
        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException
            old_item: dict[str, Any] | None = None
            try:
                kind, op = next(iter(entry.items()))
                if kind not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                expressions = {
                    "condition_expression": op.get("ConditionExpression"),
                    "expression_attribute_names": op.get("ExpressionAttributeNames"),
                    "expression_attribute_values": op.get("ExpressionAttributeValues"),
                }
                if kind == "Put":
                    table = backend.get_table(table_name)
                    key = {name: op["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name}
                else:
                    key = op["Key"]
                target = (str(table_name), str(dict(sorted(key.items()))))
                if target in targets:
                    raise MultipleTransactionsException()
                targets.add(target)
                current = backend.get_item(table_name, key)
                condition = expressions["condition_expression"]
                if condition is not None and not get_filter_expression(
                    condition, expressions["expression_attribute_names"], expressions["expression_attribute_values"]
                ).expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=old_item)
                if kind != "ConditionCheck":
                    table = backend.get_table(table_name)
                    undo.remember(table, *backend.get_keys_value(table, key))
                if kind == "Put":
                    backend.put_item(table_name, op["Item"], **expressions)
                elif kind == "Delete":
                    backend.delete_item(table_name, key, **expressions)
                elif kind == "Update":
                    backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expressions)
                errors.append((None, None, None))
            except MockValidationException:
                raise
            except ConditionalCheckFailed as error:
                errors.append(("ConditionalCheckFailed", str(error.message), old_item))
            except Exception as error:  # moto reports any other failure of an entry as its cancellation reason
                errors.append((type(error).__name__, str(error), old_item))
    except BaseException:
        undo.restore()
        raise
    if any(code is not None for code, _, _ in errors):
        undo.restore()
        raise TransactionCanceledException(errors)


def roll_back_transactions_item_by_item() -> None:
    """Put `_transact_write_items` in place of moto's TransactWriteItems, serialized like moto's other writes
    (the undo is only right if no other write comes in between)."""
    from moto.dynamodb.models import DynamoDBBackend

    if not getattr(DynamoDBBackend.transact_write_items, "_item_rollback", False):

        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            _transact_write_items(self, transact_items)

        transact_write_items._item_rollback = True  # type: ignore[attr-defined]
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    serialize_dynamodb_writes()


class _QueryView:
    """A table as moto's Table.query sees it, with `all_items` narrowed to what the query can return.

    moto 5 sorts every item of the table on each Query, then keeps the partition's (or the index's) items and
    sorts those: the time of a Query grows with the table. On the table's key, the partition's items are
    enough; on an index, all items unsorted (moto sorts the matching ones on every key of the index and of
    the table, so the order is the same).
    """

    def __init__(self, table: Any, partition: Any) -> None:
        self._table = table
        self._partition = partition

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        items = self._table.items
        if self._partition is None:
            buckets = items.values()
        else:
            bucket = items.get(self._partition)
            buckets = [] if bucket is None else [bucket]
        if self._table.range_key_attr is None:
            return list(buckets)
        return [item for bucket in buckets for item in bucket.values()]


def query_one_partition() -> None:
    """Make moto's Query on a table's key read that partition only, and on an index skip the table-wide sort."""
    from moto.dynamodb.models.table import Table

    original: Any = Table.query
    if getattr(original, "_one_partition", False):
        return
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        partition = None if arguments.get("index_name") else arguments.get("hash_key")
        return original(_QueryView(self, partition), *args, **kwargs)

    query._one_partition = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]


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


def configure_moto(endpoint: str, config: Mapping[str, Any]) -> None:
    """Change the running moto server's configuration (``POST /moto-api/config``): e.g. Step Functions that
    really execute, Lambda without Docker."""
    import urllib.request

    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps(config).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        reply.read()


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
        table = dynamodb.create_table(**table_definition(template, logical_id, resolver.ref(logical_id)))
        if table["TableDescription"].get("LatestStreamArn"):
            resolver.attributes[f"{logical_id}.StreamArn"] = table["TableDescription"]["LatestStreamArn"]


def generate_secret_string(spec: dict[str, Any]) -> str:
    """A value as Secrets Manager generates it for a secret's ``GenerateSecretString`` (32 characters of every
    kind by default), put under ``GenerateStringKey`` of ``SecretStringTemplate`` if the template asks."""
    kinds = [
        ("ExcludeLowercase", string.ascii_lowercase),
        ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits),
        ("ExcludePunctuation", string.punctuation),
    ]
    alphabet = "".join(chars for flag, chars in kinds if not spec.get(flag)) + (" " if spec.get("IncludeSpace") else "")
    alphabet = "".join(c for c in alphabet if c not in str(spec.get("ExcludeCharacters", "")))
    value = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "GenerateStringKey" not in spec:
        return value
    document = json.loads(spec.get("SecretStringTemplate", "{}"))
    document[spec["GenerateStringKey"]] = value
    return json.dumps(document)


def create_secrets(template: dict[str, Any], resolver: Resolver, endpoint: str) -> None:
    """The template's secrets, named as it names them, with a value generated as it asks; Ref gives the ARN."""
    manager = client("secretsmanager", endpoint)
    for logical_id, spec in resources_of_type(template, "AWS::SecretsManager::Secret").items():
        props = resolver.resolve(spec.get("Properties", {}))
        value = props.get("SecretString") or generate_secret_string(props.get("GenerateSecretString", {}))
        created = manager.create_secret(
            Name=props.get("Name", logical_id), Description=props.get("Description", ""), SecretString=value
        )
        resolver.names[logical_id] = created["ARN"]


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


def create_queues(template: dict[str, Any], resolver: Resolver, endpoint: str) -> None:
    """The template's SQS queues (the on-failure destinations); Ref gives the URL, GetAtt the ARN and name."""
    sqs = client("sqs", endpoint)
    for logical_id, spec in resources_of_type(template, "AWS::SQS::Queue").items():
        props = resolver.resolve(spec.get("Properties", {}))
        attributes = {
            k: str(props[k]).lower() if isinstance(props[k], bool) else str(props[k])
            for k in _QUEUE_ATTRIBUTES
            if k in props
        }
        name = props.get("QueueName", logical_id)
        resolver.names[logical_id] = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle rule as CloudFormation writes it, as the S3 API takes it (the properties the desk uses)."""
    translated: dict[str, Any] = {"Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "Id" in rule:
        translated["ID"] = rule["Id"]
    if "ExpirationInDays" in rule:
        translated["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        translated["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    if "NoncurrentVersionExpirationInDays" in rule:
        translated["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])}
    return translated


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CORS rule as CloudFormation writes it, as the S3 API takes it."""
    names = {
        "Id": "ID",
        "AllowedOrigins": "AllowedOrigins",
        "AllowedMethods": "AllowedMethods",
        "AllowedHeaders": "AllowedHeaders",
        "ExposedHeaders": "ExposeHeaders",
        "MaxAge": "MaxAgeSeconds",
    }
    return {names[k]: int(v) if k == "MaxAge" else v for k, v in rule.items() if k in names}


def bucket_configuration(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The S3 calls that give a new bucket the configuration its template declares (resolved), in order.

    Not applied: anything else the template may declare (the bucket policy included: moto does not enforce
    one, and its DenyNonTls would refuse the local endpoint's plain HTTP anyway). moto stores lifecycle rules
    but never expires an object.
    """
    calls: list[tuple[str, dict[str, Any]]] = []
    if "PublicAccessBlockConfiguration" in props:
        block = props["PublicAccessBlockConfiguration"]
        calls.append(("put_public_access_block", {"PublicAccessBlockConfiguration": block}))
    if "OwnershipControls" in props:
        calls.append(("put_bucket_ownership_controls", {"OwnershipControls": props["OwnershipControls"]}))
    if "BucketEncryption" in props:
        rules = [
            {
                "ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                **({"BucketKeyEnabled": bool(r["BucketKeyEnabled"])} if "BucketKeyEnabled" in r else {}),
            }
            for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        calls.append(("put_bucket_encryption", {"ServerSideEncryptionConfiguration": {"Rules": rules}}))
    if "VersioningConfiguration" in props:
        calls.append(("put_bucket_versioning", {"VersioningConfiguration": props["VersioningConfiguration"]}))
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
        calls.append(("put_bucket_lifecycle_configuration", {"LifecycleConfiguration": {"Rules": rules}}))
    if "CorsConfiguration" in props:
        rules = [_cors_rule(r) for r in props["CorsConfiguration"]["CorsRules"]]
        calls.append(("put_bucket_cors", {"CORSConfiguration": {"CORSRules": rules}}))
    if props.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
        # What the local stack's EventBridge (local_stack/events.py) reads on the bucket to publish its events.
        notification: dict[str, Any] = {"EventBridgeConfiguration": {}}
        calls.append(("put_bucket_notification_configuration", {"NotificationConfiguration": notification}))
    return calls


def create_buckets(template: dict[str, Any], resolver: Resolver, endpoint: str) -> dict[str, str]:
    """The template's S3 buckets, configured as declared; Ref gives the name (``BucketName``, else the local
    name, else one made from the logical id). Returns the names by logical id."""
    s3 = client("s3", endpoint)
    names = {}
    for logical_id, spec in resources_of_type(template, "AWS::S3::Bucket").items():
        props = resolver.resolve(spec.get("Properties", {}))
        name = props.get("BucketName") or resolver.names.get(logical_id) or f"chorus-desk-local-{logical_id.lower()}"
        s3.create_bucket(Bucket=str(name), CreateBucketConfiguration={"LocationConstraint": resolver.region})
        for operation, arguments in bucket_configuration(props):
            getattr(s3, operation)(Bucket=str(name), **arguments)
        resolver.names[logical_id] = names[logical_id] = str(name)
    return names


def allow_browser_origins(endpoint: str, bucket: str, origins: list[str]) -> None:
    """Let the portal the local stack serves post files straight to ``bucket`` from the browser, as it does in AWS
    where the template's CORS rule names the portal's origin (CorsOrigin). Locally the portal's origin is the
    stack's own address, known only once it listens: it joins the origins of each of the bucket's CORS rules.
    (Joined, not a rule of its own: moto refuses a preflight at the first rule whose origins do not match.)"""
    s3 = client("s3", endpoint)
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    for rule in rules:
        rule["AllowedOrigins"] = [*rule["AllowedOrigins"], *(o for o in origins if o not in rule["AllowedOrigins"])]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


def local_origins(host: str, port: int) -> list[str]:
    """The addresses a browser may open the local stack at: the one it listens on, and localhost for 127.0.0.1."""
    origins = [f"http://{host}:{port}"]
    if host == "127.0.0.1":
        origins.append(f"http://localhost:{port}")
    return origins


def create_event_buses(template: dict[str, Any], resolver: Resolver, endpoint: str) -> dict[str, str]:
    """The template's own EventBridge buses (the default bus always exists); Ref gives the name. Returns the
    names by logical id."""
    events = client("events", endpoint)
    names = {}
    for logical_id, spec in resources_of_type(template, "AWS::Events::EventBus").items():
        name = str(resolver.resolve(spec.get("Properties", {})).get("Name", logical_id))
        events.create_event_bus(Name=name)
        resolver.names[logical_id] = names[logical_id] = name
    return names


def create_mail_identity(resolver: Resolver, endpoint: str) -> str:
    """The SES identity the mail function sends as (MailIdentity, else the MailSender address), verified."""
    identity = resolver.ref("MailIdentity") or resolver.ref("MailSender")
    client("sesv2", endpoint).create_email_identity(EmailIdentity=identity)
    return identity


def create_identities(template: dict[str, Any], resolver: Resolver, endpoint: str) -> Identities:
    """The user pool and app client as the template declares them.

    The local client additionally allows ADMIN_USER_PASSWORD_AUTH, so that ``token`` can sign a demo user
    in with one command; the deployed client only allows SRP. MFA (``MfaConfiguration``, ``EnabledMfas``: in
    Cognito's API, the pool's MFA configuration) and the attributes a user may write are the template's.
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
        UserAttributeUpdateSettings=pool_props["UserAttributeUpdateSettings"],
        Schema=pool_props["Schema"],
        # How the pool sends its mails: through the local SES (invitations, local_stack.aws.invite_as_cognito).
        **({"EmailConfiguration": pool_props["EmailConfiguration"]} if "EmailConfiguration" in pool_props else {}),
    )["UserPool"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        MfaConfiguration=pool_props["MfaConfiguration"],
        SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in pool_props["EnabledMfas"]},
    )
    ((_, client_spec),) = resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
    client_props = resolver.resolve(client_spec["Properties"])
    app_client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_props["ClientName"],
        GenerateSecret=False,
        ExplicitAuthFlows=[*client_props["ExplicitAuthFlows"], "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        ReadAttributes=client_props["ReadAttributes"],
        WriteAttributes=client_props["WriteAttributes"],
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


def ensure_invited(user_pool_id: str, email: str, name: str, region: str) -> None:
    """An account invited and never activated (« FORCE_CHANGE_PASSWORD »): whose activation link the assistant
    can send again. Sent nothing now (``SUPPRESS``); left as it is if it exists."""
    cognito = boto3.client("cognito-idp", region_name=region)
    try:
        cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)
    except cognito.exceptions.UserNotFoundException:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name}],
            MessageAction="SUPPRESS",
        )


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
