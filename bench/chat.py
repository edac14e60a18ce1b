"""`make bench`: what the live chat costs in table calls (DynamoDB, moto, through the real handlers): per socket
opened (a signed-in user's, a visitor's), per message (over the socket and over HTTP, either side), per chat started,
taken, read after a cursor, ended; and the pushes (PostToConnection) each makes. Counts, not times: a call's cost is
its count here, its capacity units on DynamoDB (docs/decisions.md « the live chat »)."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import boto3
from moto import mock_aws

import tests.conftest  # noqa: F401  # the tests' environment: dummy credentials, table name, Powertools quiet
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.api.websocket import Wiring
from chorus_desk.ports import Ports
from chorus_desk.settings import ChatSettings, load_settings
from local_stack.aws import serialize_dynamodb_writes
from local_stack.gateway import LambdaContext
from local_stack.template import load_handler_module, load_template, table_definition
from tests import fixtures
from tests.chat_support import CLIENT, ISSUER, JWKS_OF, Desk, id_token
from tests.support import Api, CallLog


class CountingPusher(MemoryPusher):
    """The in-memory pusher, counting the PostToConnection calls a real one would make."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def push(self, connection_id: str, data: bytes) -> None:
        self.calls += 1
        super().push(connection_id, data)


class Bench:
    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        self.log = CallLog(client=client)
        client.meta.events.register("before-call.dynamodb.*", self.log.record)
        self.ports: Ports = dynamodb_ports(os.environ["TABLE_NAME"], client)
        fixtures.seed(self.ports)
        self.pusher = CountingPusher()
        self.desk = Desk(self.ports, self.pusher, now=datetime.now(UTC))
        settings = load_settings(ChatSettings)
        self.socket_module = load_handler_module(template, "ChatSocketFunction")
        self.socket_module.handler.wiring = Wiring(
            ports=lambda: self.ports, pusher=lambda: self.pusher, settings=lambda: settings
        )
        self.connect_module = load_handler_module(template, "ChatConnectFunction")
        self.connect_module.handler.ports = lambda: self.ports
        tokens = self.connect_module.tokens().CognitoTokens(ISSUER, CLIENT, "https://keys.invalid", fetch=JWKS_OF)
        self.connect_module.handler.verifier = lambda: tokens
        self.api = Api(template, self.ports)
        self.api.pusher = self.pusher

    def measure(self, action: Callable[[], Any]) -> tuple[Counter[str], int, Any]:
        self.log.operations.clear()
        pushed = self.pusher.calls
        result = action()
        return self.log.counts(), self.pusher.calls - pushed, result

    def event(
        self, connection_id: str, kind: str, body: Any = None, query: dict[str, str] | None = None
    ) -> dict[str, Any]:
        action = body.get("action") if isinstance(body, dict) else None
        return {
            "requestContext": {
                "routeKey": action or ("$connect" if kind == "CONNECT" else "$default"),
                "eventType": kind,
                "connectionId": connection_id,
                "requestId": secrets.token_hex(8),
                "stage": "test",
                "connectedAt": int(time.time() * 1000),
            },
            "queryStringParameters": query,
            "body": json.dumps(body) if body is not None else None,
            "isBase64Encoded": False,
        }

    def frame(self, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
        context = LambdaContext.of(self.template, "ChatSocketFunction")
        answer: dict[str, Any] = json.loads(
            self.socket_module.lambda_handler(self.event(connection_id, "MESSAGE", body), context)["body"]
        )
        assert answer.get("type") != "error", answer
        return answer

    def connect(self, **query: str) -> str:
        connection_id = secrets.token_urlsafe(8)
        context = LambdaContext.of(self.template, "ChatConnectFunction")
        event = self.event(connection_id, "CONNECT", query=query)
        assert self.connect_module.lambda_handler(event, context) == {"statusCode": 200}
        self.pusher.connect(connection_id)
        return connection_id


def rows(template: dict[str, Any]) -> list[tuple[str, Counter[str], int]]:
    found: list[tuple[str, Counter[str], int]] = []
    with mock_aws():
        serialize_dynamodb_writes()
        bench = Bench(template)
        desk = bench.desk
        agent = desk.socket("sophie")
        bench.frame(agent, {"action": "availability", "available": True})
        conversation_id = desk.conversation(None)
        counts, pushed, visitor = bench.measure(lambda: bench.connect(conversation=conversation_id))
        found.append(("$connect, a visitor's socket (its conversation read)", counts, pushed))
        counts, pushed, _ = bench.measure(lambda: bench.connect(token=id_token("marie")))
        found.append(
            ("$connect, a signed-in user's socket (the IdToken checked, the memberships read)", counts, pushed)
        )
        user_conversation = desk.conversation("marie")
        counts, pushed, _ = bench.measure(
            lambda: bench.api.call("start_chat", "marie", conversation_id=user_conversation, body={})
        )
        found.append(("start a chat over HTTP (signed in; one agent told)", counts, pushed))
        counts, pushed, started = bench.measure(lambda: bench.frame(visitor, {"action": "start"}))
        found.append(("start a chat over the socket (a visitor; one agent told)", counts, pushed))
        chat_id = started["chat"]["id"]
        counts, pushed, _ = bench.measure(lambda: bench.frame(agent, {"action": "take", "chat_id": chat_id}))
        found.append(("take a chat over the socket (then read whole; the visitor told)", counts, pushed))
        for label, who, body in (
            ("a visitor's message over the socket", visitor, {"action": "send", "text": "Bonjour !"}),
            ("an agent's message over the socket", agent, {"action": "send", "chat_id": chat_id, "text": "Bonjour."}),
        ):
            counts, pushed, _ = bench.measure(partial(bench.frame, who, body))
            found.append((label, counts, pushed))
        counts, pushed, _ = bench.measure(
            lambda: bench.api.call(
                "send_public_chat_message", None, conversation_id=conversation_id, body={"text": "Et alors ?"}
            )
        )
        found.append(("a visitor's message over HTTP (its per-address limits counted)", counts, pushed))
        counts, pushed, _ = bench.measure(
            lambda: bench.api.call("send_agent_message", "sophie", chat_id=chat_id, body={"text": "Je regarde."})
        )
        found.append(("an agent's message over HTTP", counts, pushed))
        counts, pushed, _ = bench.measure(
            lambda: bench.api.call("read_public_chat", None, conversation_id=conversation_id, query={"after": "3"})
        )
        found.append(("read after a cursor over HTTP (a visitor)", counts, pushed))
        counts, pushed, _ = bench.measure(lambda: bench.frame(agent, {"action": "end", "chat_id": chat_id}))
        found.append(("end a chat (its lines joined to the conversation)", counts, pushed))
        bench.api.close()
    return found


def main() -> None:
    template = load_template()
    print("## The live chat: table calls and pushes per action (real handlers, moto)\n")
    print("| action | GetItem | Query | PutItem | UpdateItem | DeleteItem | TransactWriteItems | total | pushes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, counts, pushed in rows(template):
        total = sum(counts.values())
        print(
            f"| {label} | {counts['GetItem']} | {counts['Query']} | {counts['PutItem']} | {counts['UpdateItem']} "
            f"| {counts['DeleteItem']} | {counts['TransactWriteItems']} | {total} | {pushed} |"
        )


if __name__ == "__main__":
    main()
