"""The IAM check: the functions' roles as SAM translates template.yaml, and the recorded AWS calls of their
handlers (tests/iam_recorder.py) evaluated against them (docs/decisions.md « IAM proved against the code »).

- ``roles``: each function's role (inline statements, SAM policy templates expanded by the translator, and the
  managed policies' ARNs), intrinsics resolved with the names the calls used.
- ``requests_of``: what IAM authorizes for one recorded call: actions, resource ARNs and the condition keys the
  roles use (``dynamodb:LeadingKeys``, ``s3:prefix``, ``ses:FromAddress``). S3 answers a GET or HEAD of a
  missing key with 404 only to a caller who may list that key (``s3:ListBucket`` with ``s3:prefix`` = the key),
  else 403: a recorded call that got "no such key" needs that too.
- ``check``: the problems: a call no statement allows, a permission (statement × action × resource, or a value
  of a condition) that no call used and no written reason (``REASONS``) explains.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from local_stack.template import Resolver, load_template
from tests.iam_recorder import name_references

ROOT = Path(__file__).resolve().parent.parent
SAM_PYTHON = Path(os.environ.get("SAM_PYTHON", ROOT / ".venv-sam" / "bin" / "python"))
ACCOUNT = "123456789012"  # moto's account, in which every recorded call was made
REGION = "eu-west-3"
SECRET_SUFFIX = "-AbCdEf"  # Secrets Manager appends six random characters to a secret's name in its ARN
MISSING = {"NoSuchKey", "404", "NotFound"}
CONDITION_KEYS = {"dynamodb:LeadingKeys", "s3:prefix", "ses:FromAddress"}
NO_VALUE = object()

STALE_COPY = "-as-it-was"

# Permissions no recorded call uses, each with its reason: (function or "*", statement id, what) → reason. The
# statement id is its Sid (or, for a statement SAM wrote, the policy's name); "what" is None (the whole
# statement), an action, a resource pattern, a condition value or, for "managed", a managed policy's ARN.
REASONS: dict[tuple[str, str, str | None], str] = {
    ("*", "managed", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"): (
        "the Lambda runtime writes the function's logs with it (SAM attaches it to every function)"
    ),
    ("*", "managed", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"): (
        "Tracing: Active: the runtime and the Tracer send the function's segments to X-Ray with it"
    ),
    ("MailFunction", "managed", "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"): (
        "Lambda's event source mapping reads the table's stream with the function's role (SAM attaches it)"
    ),
    ("MailFunction", "MailFunctionTicketEventsSQSPolicy", None): (
        "the stream's event source mapping sends a failed batch's coordinates to the on-failure queue with the "
        "function's role (SAM writes it for DestinationConfig.OnFailure)"
    ),
    ("EventsFunction", "managed", "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"): (
        "Lambda's event source mapping reads the table's stream with the function's role (SAM attaches it)"
    ),
    ("EventsFunction", "EventsFunctionTicketHistorySQSPolicy", None): (
        "the stream's event source mapping sends a failed batch's coordinates to the on-failure queue with the "
        "function's role (SAM writes it for DestinationConfig.OnFailure)"
    ),
    ("AttachmentsFunction", "AttachmentsFunctionEventInvokeConfigOnFailureSQSPolicy", None): (
        "Lambda sends an event whose check failed three times to the on-failure queue with the function's role "
        "(SAM writes it for EventInvokeConfig.DestinationConfig.OnFailure)"
    ),
    ("AutoCloseFunction", "ReadTickets", "dynamodb:GetItem"): (
        "a closing whose version condition failed reads the ticket item by key to tell its own re-sent transaction "
        "from another's action (adapters.dynamodb.tickets `_write`); tests/test_autoclose.py races a closing against "
        "the emitter's acceptance through the use case, not the handler (the competitor's calls are no function's)"
    ),
    ("InvitationsFunction", "InvitationsFunctionEventInvokeConfigOnFailureSQSPolicy", None): (
        "Lambda sends a resend request that failed three times to the on-failure queue with the function's role "
        "(SAM writes it for EventInvokeConfig.DestinationConfig.OnFailure)"
    ),
    ("AssistantFunction", "AssistantFunctionRolePolicy1", None): (
        "the signed-in assistant hands « renvoyer le lien d'activation » over on DeskBus through the same adapter "
        "and use case as the public one, whose PutEvents tests/test_invitations.py records; its handler tests "
        "give it the in-memory requests"
    ),
    ("AssistantFunction", "AssistantFunctionRolePolicy2", None): (
        "the signed-in assistant counts resends under the pseudonym key read by the same adapter as the public "
        "assistant's (recorded by tests/test_invitations.py); its handler tests give it a fixed key"
    ),
    ("PublicFunction", "PublicDeletesCaptchas", "IDEMPOTENCY#*"): (
        "a refused non-connected request sent with an Idempotency-Key frees its key (api/idempotency.py deletes "
        "the in-progress record); recorded on the tickets function by tests/test_idempotency.py, the same code"
    ),
    ("PublicChatFunction", "PublicChatFunctionRolePolicy1", None): (
        "the public chat counts an address's chats and messages under the pseudonym key read by the same adapter as "
        "the public assistant's and the non-connected form's (recorded by tests/test_invitations.py); its handler "
        "tests give it a fixed key"
    ),
    ("*", "SireneKey", None): (
        "the INSEE key is read only with CompanyRegistry=INSEE; the tests and the local stack run the LOCAL "
        "registry (no key, no network), and tests/test_sirene.py reads the key through the adapter itself"
    ),
}


# ----------------------------------------------------------------------------------------------- the roles
@dataclass(frozen=True)
class Statement:
    function: str
    id: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)


@dataclass
class Role:
    function: str
    statements: list[Statement]
    managed: list[str]


@lru_cache(maxsize=4)
def translated_template(variant: str | None = None) -> dict[str, Any]:
    """template.yaml (or ``variant``, a template as JSON) as SAM's translator makes it, run by the SAM CLI's
    interpreter (tests/iam_translate.py)."""
    if not SAM_PYTHON.exists():
        raise RuntimeError(f"{SAM_PYTHON} is missing: `make validate` installs the SAM CLI's virtualenv")
    result = subprocess.run(
        [str(SAM_PYTHON), str(ROOT / "tests" / "iam_translate.py"), *(["-"] if variant is not None else [])],
        input=variant,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "AWS_DEFAULT_REGION": REGION},
    )
    if result.returncode != 0:
        raise RuntimeError(f"SAM's translator failed:\n{result.stderr}")
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class _Resolver(Resolver):
    """local_stack's resolver, with what the translated roles use besides: the partition, ``AWS::NoValue``,
    the user pool's and the secrets' ARNs."""

    def ref(self, name: str) -> Any:
        if name == "AWS::Partition":
            return "aws"
        if name == "AWS::NoValue":
            return NO_VALUE
        return super().ref(name)

    def _attribute(self, resource: str, attribute: str) -> str:
        kind = self.template["Resources"][resource]["Type"]
        if kind == "AWS::Cognito::UserPool" and attribute == "Arn":
            return f"arn:aws:cognito-idp:{self.region}:{self.account}:userpool/{self.ref(resource)}"
        return super()._attribute(resource, attribute)


def resolver_for(names: Mapping[str, str], template: dict[str, Any]) -> _Resolver:
    """A resolver of the translated ``template`` with the names a process gave its functions."""
    parameters: dict[str, str] = {}
    resources: dict[str, str] = {}
    for variable, target in name_references(load_template()).items():
        if variable not in names:
            continue
        value = names[variable]
        if target in template.get("Parameters", {}):
            parameters[target] = value
        elif template["Resources"].get(target, {}).get("Type") == "AWS::SecretsManager::Secret":
            resources[target] = value if value.startswith("arn:") else _secret_arn(value, REGION)
        else:
            resources[target] = value
    return _Resolver(template, parameters=parameters, names=resources, region=REGION, account=ACCOUNT)


def _secret_arn(name: str, region: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}{SECRET_SUFFIX}"


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _as_list(value) if v is not NO_VALUE)


def roles(names: Mapping[str, str], variant: str | None = None) -> dict[str, Role]:
    """Every function's role, resolved with ``names`` (environment variable → value), as SAM translates
    template.yaml (or ``variant``)."""
    template = translated_template(variant)
    resolver = resolver_for(names, template)
    found = {}
    for function, spec in template["Resources"].items():
        if spec["Type"] != "AWS::Lambda::Function":
            continue
        role_id = spec["Properties"]["Role"]["Fn::GetAtt"][0]
        role = template["Resources"][role_id]
        if "Condition" in role and not resolver.condition(role["Condition"]):
            continue
        statements = []
        for policy in role["Properties"].get("Policies", []):
            if "Condition" in policy and not resolver.condition(policy["Condition"]):
                continue
            document = resolver.resolve(policy["PolicyDocument"])
            for index, raw in enumerate(_as_list(document["Statement"])):
                if raw is NO_VALUE:
                    continue
                if "NotAction" in raw or "NotResource" in raw:
                    raise ValueError(f"{function}: NotAction / NotResource are not evaluated by this check")
                conditions = tuple(
                    (operator, key, _strings(values))
                    for operator, keys in (raw.get("Condition") or {}).items()
                    for key, values in keys.items()
                )
                suffix = "" if len(_as_list(document["Statement"])) == 1 else f"#{index}"
                statements.append(
                    Statement(
                        function=function,
                        id=raw.get("Sid") or f"{policy['PolicyName']}{suffix}",
                        effect=raw["Effect"],
                        actions=_strings(raw["Action"]),
                        resources=_strings(raw["Resource"]),
                        conditions=conditions,
                    )
                )
        managed = [str(arn) for arn in _strings(resolver.resolve(role["Properties"].get("ManagedPolicyArns", [])))]
        found[function] = Role(function, statements, managed)
    return found


# -------------------------------------------------------------------------------------------- the requests
@dataclass(frozen=True)
class Request:
    """One authorization IAM makes for a call."""

    action: str
    resource: str
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def values(self, key: str) -> tuple[str, ...] | None:
        for name, values in self.context:
            if name == key:
                return values
        return None

    def __str__(self) -> str:
        context = ", ".join(f"{k}={list(v)}" for k, v in self.context)
        return f"{self.action} on {self.resource}" + (f" with {context}" if context else "")


class Unknown(Exception):
    """A recorded call this check cannot translate into IAM requests (extend ``requests_of``)."""


def _partition_key(index: str | None) -> str:
    props = load_template()["Resources"]["DeskTable"]["Properties"]
    schema = props["KeySchema"]
    if index is not None:
        (schema,) = [i["KeySchema"] for i in props["GlobalSecondaryIndexes"] if i["IndexName"] == index]
    (hash_key,) = [k["AttributeName"] for k in schema if k["KeyType"] == "HASH"]
    return str(hash_key)


def _leading(keys: Iterable[Mapping[str, str]], index: str | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    attribute = _partition_key(index)
    values = []
    for key in keys:
        if attribute not in key:
            raise Unknown(f"no {attribute} value in {dict(key)}")
        values.append(key[attribute])
    return (("dynamodb:LeadingKeys", tuple(dict.fromkeys(values))),)


_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


def _dynamodb(operation: str, call: Mapping[str, Any], region: str) -> list[Request]:
    def table_arn(table: str) -> str:
        # tests/test_faults_inactivation.py serves stale index pages from a copy of the table as it was: the
        # function's call is the same Query on its own table.
        table = table.removesuffix(STALE_COPY)
        return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}"

    if operation in {"TransactWriteItems", "TransactGetItems"}:
        return [
            Request(
                f"dynamodb:{_TRANSACT.get(item['kind'], 'GetItem')}", table_arn(item["table"]), _leading(item["keys"])
            )
            for item in call["items"]
        ]
    if operation in {"BatchWriteItem", "BatchGetItem"}:
        return [
            Request(f"dynamodb:{operation}", table_arn(table), _leading(keys)) for table, keys in call["tables"].items()
        ]
    index = call.get("index")
    resource = table_arn(call["table"]) + (f"/index/{index}" if index else "")
    if operation in {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"}:
        return [Request(f"dynamodb:{operation}", resource, _leading(call["keys"], index))]
    return [Request(f"dynamodb:{operation}", resource)]


def _s3(operation: str, call: Mapping[str, Any], outcome: str) -> list[Request]:
    bucket = call["bucket"]
    objects = f"arn:aws:s3:::{bucket}"
    if operation in {"GetObject", "HeadObject"}:
        found = [Request("s3:GetObject", f"{objects}/{call['key']}")]
        if outcome in MISSING:  # S3 says 404 only to whom may list the key; else 403
            found.append(Request("s3:ListBucket", objects, (("s3:prefix", (call["key"],)),)))
        return found
    if operation in {"PutObject", "DeleteObject"}:
        return [Request(f"s3:{operation}", f"{objects}/{call['key']}")]
    if operation == "DeleteObjects":  # authorized object by object
        return [Request("s3:DeleteObject", f"{objects}/{key}") for key in call["keys"]]
    if operation == "CopyObject":
        source = unquote(call["source"].split("?", 1)[0])
        return [Request("s3:GetObject", f"arn:aws:s3:::{source}"), Request("s3:PutObject", f"{objects}/{call['key']}")]
    if operation in {"ListObjectsV2", "ListObjects"}:
        prefix = call.get("prefix")
        return [Request("s3:ListBucket", objects, (("s3:prefix", (prefix,)),) if prefix is not None else ())]
    raise Unknown(f"s3 {operation}")


def requests_of(record: Mapping[str, Any]) -> list[Request]:
    """What IAM authorizes for one recorded call."""
    service, operation, call = record["service"], record["operation"], record["call"]
    region = record.get("region") or REGION
    if service == "dynamodb":
        return _dynamodb(operation, call, region)
    if service == "s3":
        return _s3(operation, call, record["outcome"])
    if service in {"sesv2", "ses"} and operation in {"SendEmail", "SendRawEmail"}:
        sender = call.get("FromEmailAddress") or call.get("Source")
        address = re.sub(r"^.*<([^>]+)>\s*$", r"\1", str(sender))
        action = "ses:SendEmail" if service == "sesv2" else f"ses:{operation}"
        context = (("ses:FromAddress", (address,)),)
        found = [Request(action, f"arn:aws:ses:{region}:{ACCOUNT}:identity/{address}", context)]
        if call.get("ConfigurationSetName"):
            name = call["ConfigurationSetName"]
            found.append(Request(action, f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{name}", context))
        return found
    if service == "secretsmanager":
        secret = str(call["SecretId"])
        return [
            Request(f"secretsmanager:{operation}", secret if secret.startswith("arn:") else _secret_arn(secret, region))
        ]
    if service == "ssm":
        name = str(call["Name"])
        return [
            Request(
                f"ssm:{operation}",
                f"arn:aws:ssm:{region}:{ACCOUNT}:parameter{'' if name.startswith('/') else '/'}{name}",
            )
        ]
    if service == "stepfunctions" and operation == "StartExecution":
        return [Request("states:StartExecution", str(call["stateMachineArn"]))]
    if service == "cognito-idp":
        return [
            Request(f"cognito-idp:{operation}", f"arn:aws:cognito-idp:{region}:{ACCOUNT}:userpool/{call['UserPoolId']}")
        ]
    if service == "events" and operation == "PutEvents":
        return [
            Request(
                "events:PutEvents",
                bus if bus.startswith("arn:") else f"arn:aws:events:{region}:{ACCOUNT}:event-bus/{bus}",
            )
            for bus in call["buses"]
        ]
    if service == "sqs":
        queue = str(call["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
        return [Request(f"sqs:{operation}", f"arn:aws:sqs:{region}:{ACCOUNT}:{queue}")]
    if service == "apigatewaymanagementapi" and operation in MANAGEMENT_METHODS:
        api, stage = management_stage(str(call["endpoint"]))
        method = MANAGEMENT_METHODS[operation]
        resource = f"arn:aws:execute-api:{region}:{ACCOUNT}:{api}/{stage}/{method}/@connections/{call['ConnectionId']}"
        return [Request("execute-api:ManageConnections", resource)]
    raise Unknown(f"{service} {operation}")


# The WebSocket API's management API (the live chat's pushes): each call is execute-api:ManageConnections on
# <api id>/<stage>/<method>/@connections/<connection id>.
MANAGEMENT_METHODS = {"PostToConnection": "POST", "GetConnection": "GET", "DeleteConnection": "DELETE"}


def management_stage(endpoint: str) -> tuple[str, str]:
    """The API id and stage a management client talks to: ``https://<api>.execute-api.<region>.amazonaws.com/<stage>``,
    or the local stack's stand-in, ``http://127.0.0.1:<port>/_local/chat/<api>/<stage>``."""
    found = re.match(r"^https?://([^./]+)\.execute-api\.[^/]+/([^/]+)/?$", endpoint)
    local = re.match(r"^https?://[^/]+/_local/chat/([^/]+)/([^/]+)/?$", endpoint)
    match = found or local
    if match is None:
        raise Unknown(f"management API endpoint {endpoint}")
    return match.group(1), match.group(2)


# ------------------------------------------------------------------------------------------- the evaluation
def _like(pattern: str, value: str) -> bool:
    """IAM's wildcards (``*`` any characters, ``/`` included; ``?`` one), case-sensitive."""
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _action_matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _condition_holds(operator: str, key: str, patterns: tuple[str, ...], request: Request) -> bool:
    if key not in CONDITION_KEYS:
        raise Unknown(f"condition key {key} (this check evaluates {sorted(CONDITION_KEYS)})")
    qualifier, _, test = operator.rpartition(":")
    match = {"StringEquals": str.__eq__, "StringLike": _like}
    negated = test in {"StringNotEquals", "StringNotLike"}
    base = test.replace("Not", "") if negated else test
    if base not in match:
        raise Unknown(f"condition operator {operator}")

    def one(value: str) -> bool:
        return any(match[base](p, value) for p in patterns)

    values = request.values(key)
    if qualifier == "ForAllValues":
        result = all(one(v) for v in values or ())  # an absent key holds: IAM's known trap, kept
    elif qualifier == "ForAnyValue":
        result = any(one(v) for v in values or ())
    elif qualifier:
        raise Unknown(f"condition operator {operator}")
    elif values is None:
        return negated  # a single-valued condition on an absent key fails (a negated one holds)
    else:
        result = any(one(v) for v in values)
    return not result if negated else result


def matches(statement: Statement, request: Request) -> bool:
    return (
        any(_action_matches(a, request.action) for a in statement.actions)
        and any(_like(r, request.resource) for r in statement.resources)
        and all(_condition_holds(op, key, values, request) for op, key, values in statement.conditions)
    )


def allowing(role: Role, request: Request) -> list[Statement]:
    """The statements that allow ``request`` (none if a statement denies it)."""
    matching = [s for s in role.statements if matches(s, request)]
    if any(s.effect == "Deny" for s in matching):
        return []
    return [s for s in matching if s.effect == "Allow"]


# ------------------------------------------------------------------------------------------------ the check
@dataclass
class Usage:
    """What the allowed requests used of each statement: (statement id, action, resource's position) and
    (statement id, condition key, value's position). Positions, not resolved names: the local stack and the
    in-process tests give the same resources other names."""

    used: set[tuple[str, str, int]] = field(default_factory=set)

    def mark(self, statement: Statement, request: Request) -> None:
        for action in statement.actions:
            if _action_matches(action, request.action):
                for position, resource in enumerate(statement.resources):
                    if _like(resource, request.resource):
                        self.used.add((statement.id, action, position))
        for _, key, patterns in statement.conditions:
            for value in request.values(key) or ():
                for position, pattern in enumerate(patterns):
                    if _like(pattern, value) or pattern == value:
                        self.used.add((statement.id, key, position))


def permissions(role: Role) -> Iterator[tuple[Statement | None, str, int, str]]:
    """Every permission of a role, as (statement, action or condition key, position, resource or value); a
    managed policy as (None, "managed", 0, its ARN)."""
    for statement in role.statements:
        if statement.effect != "Allow":
            continue
        for action in statement.actions:
            for position, resource in enumerate(statement.resources):
                yield statement, action, position, resource
        for _, key, patterns in statement.conditions:
            if key == "ses:FromAddress":
                continue  # one address, the sender: used whenever the statement is
            for position, pattern in enumerate(patterns):
                yield statement, key, position, pattern
    for arn in role.managed:
        yield None, "managed", 0, arn


def reason(function: str, statement_id: str, *what: str) -> str | None:
    """The written reason for a permission no call used: keyed by function (or "*"), statement id, and None
    or a pattern of the action, condition key, resource or value."""
    for (owner, statement, item), text in REASONS.items():
        if (owner in (function, "*") and statement == statement_id) and (
            item is None or any(fnmatch.fnmatchcase(w, item) for w in what)
        ):
            return text
    return None


def load_records(folder: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The recorded calls of every process, and the names each set of them was made with."""
    records: list[dict[str, Any]] = []
    names: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("calls-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            if "function" in entry:
                records.append(entry)
            else:
                names[entry["names"]] = entry["values"]
    return records, names


@dataclass
class Report:
    denied: list[str] = field(default_factory=list)  # calls a role does not allow, or the check cannot evaluate
    unused: list[str] = field(default_factory=list)  # permissions no call used and no reason explains

    @property
    def problems(self) -> list[str]:
        return self.denied + self.unused


def check(records: list[dict[str, Any]], names: Mapping[str, Mapping[str, str]], variant: str | None = None) -> Report:
    """Every recorded call against its function's role (as SAM translates template.yaml, or ``variant``), named
    by function, call, test and the permission it needs; then every permission against the calls."""
    report = Report()
    usage: dict[str, Usage] = {}
    role_sets: dict[str, dict[str, Role]] = {}
    seen: set[tuple[str, str]] = set()
    for record in records:
        names_id = record["names"]
        if names_id not in role_sets:
            role_sets[names_id] = roles(names.get(names_id, {}), variant)
        function = record["function"]
        role = role_sets[names_id].get(function)
        if role is None:
            report.denied.append(f"{function}: no such function in template.yaml (call {record['operation']})")
            continue
        try:
            requests = requests_of(record)
        except Unknown as unknown:
            report.denied.append(f"{function}: the check cannot translate {unknown} into IAM (tests/iam_policy.py)")
            continue
        used = usage.setdefault(function, Usage())
        for request in requests:
            try:
                statements = allowing(role, request)
            except Unknown as unknown:
                report.denied.append(f"{function}: the check cannot evaluate {unknown}")
                continue
            if not statements:
                problem = (
                    f"{function}: {record['service']} {record['operation']} ({record['outcome']}) needs "
                    f"{request}, which its role does not allow (test: {record.get('test') or 'unknown'})"
                )
                if (function, str(request)) not in seen:  # once per function and request, with its first test
                    seen.add((function, str(request)))
                    report.denied.append(problem)
                continue
            for statement in statements:
                used.mark(statement, request)
    # Usage is counted by statement id and position, the same whatever the names: one set of roles lists them.
    listed = next(iter(role_sets.values()), None) or roles({}, variant)
    for function in sorted(listed):
        report.unused += unused_permissions(listed[function], usage.get(function, Usage()))
    return report


def unused_permissions(role: Role, usage: Usage) -> list[str]:
    problems = []
    for statement, kind, position, what in permissions(role):
        if statement is None:
            if not reason(role.function, "managed", what):
                problems.append(f"{role.function}: managed policy {what} has no written reason (tests/iam_policy.py)")
            continue
        if (statement.id, kind, position) in usage.used or reason(role.function, statement.id, kind, what):
            continue
        label = f"{kind} value {what!r}" if kind in CONDITION_KEYS else f"{kind} on {what}"
        problems.append(
            f"{role.function}: {statement.id} grants {label}, which no recorded call used and no reason explains "
            "(REASONS in tests/iam_policy.py)"
        )
    return problems


def main() -> None:  # python -m tests.iam_policy <folder>: the check's report, for a person
    records, names = load_records(Path(sys.argv[1]))
    problems = check(records, names).problems
    print("\n".join(problems) or f"{len(records)} calls, all allowed, every permission used or explained")


if __name__ == "__main__":
    main()
