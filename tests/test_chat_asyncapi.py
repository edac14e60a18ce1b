"""docs/asyncapi.yaml (the live chat's protocol) against the code, as tests/test_contract.py holds docs/openapi.json
to it: the committed document is the one written from the handlers' models; its actions are exactly the routes of
template.yaml's WebSocket API and the frames the handler reads; and every frame the real handlers answer or push, in
a whole exchange of both sides and its refusals, is valid against the document's schema of its type."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.api.schemas.chat import CLIENT_FRAMES
from chorus_desk.ports import Ports
from local_stack.asyncapi import ACTIONS, ASYNCAPI_PATH, build_document, render
from local_stack.websocket import socket_api
from tests.chat_support import Desk, Stack

DOCUMENT: dict[str, Any] = yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8"))


def test_the_committed_document_is_the_one_the_code_writes() -> None:
    assert ASYNCAPI_PATH.read_text(encoding="utf-8") == render(build_document()), "run `make openapi`"


def test_the_documents_actions_are_the_templates_routes_and_the_frames_the_handler_reads(
    template: dict[str, Any],
) -> None:
    api = socket_api(template)
    assert api is not None and api.selection == "$request.body.action"
    actions = {name for name, operation in DOCUMENT["operations"].items() if operation["action"] == "send"}
    assert actions == set(api.routes) - {"$connect", "$disconnect", "$default"} == set(CLIENT_FRAMES) == set(ACTIONS)
    assert {route.function for key, route in api.routes.items() if key != "$connect"} == {"ChatSocketFunction"}
    assert api.routes["$connect"].function == "ChatConnectFunction"
    assert all(route.two_way for key, route in api.routes.items() if key not in {"$connect", "$disconnect"})
    for action in actions:
        payload = DOCUMENT["components"]["messages"][action]["payload"]["$ref"].rsplit("/", 1)[-1]
        assert payload == CLIENT_FRAMES[action].__name__
        assert DOCUMENT["components"]["schemas"][payload]["properties"]["action"]["const"] == action


def validate(frame: dict[str, Any]) -> None:
    """The frame against the document's schema of its type (its message ``frame.<type>``)."""
    message = DOCUMENT["components"]["messages"][f"frame.{frame['type']}"]
    schema = {"$ref": message["payload"]["$ref"], "components": DOCUMENT["components"]}
    jsonschema.Draft202012Validator(schema).validate(frame)


def validate_request(frame: dict[str, Any]) -> None:
    schema = {"$ref": DOCUMENT["components"]["messages"][frame["action"]]["payload"]["$ref"]}
    jsonschema.Draft202012Validator({**schema, "components": DOCUMENT["components"]}).validate(frame)


@pytest.fixture
def stack(template: dict[str, Any], memory: Ports) -> Any:
    built = Stack(template, Desk(memory, MemoryPusher()))
    yield built
    built.restore()


def test_every_frame_the_handlers_answer_and_push_is_valid_against_the_document(stack: Stack) -> None:
    desk = stack.desk
    agent, user, colleague = stack.socket("sophie"), stack.socket("marie"), stack.socket("lucas")
    for socket in (agent, user, colleague):
        assert socket.connect() == {"statusCode": 200}
    conversation_id = desk.conversation("marie")
    answers = []

    def send(socket: Any, frame: dict[str, Any]) -> dict[str, Any]:
        validate_request(frame)
        answered: dict[str, Any] = socket.send(frame)
        answers.append(answered)
        return answered

    send(agent, {"action": "availability", "available": True})
    send(colleague, {"action": "availability", "available": True})
    chat_id = send(user, {"action": "start", "conversation_id": conversation_id})["chat"]["id"]
    send(agent, {"action": "queue"})
    send(agent, {"action": "take", "chat_id": chat_id})
    send(user, {"action": "send", "conversation_id": conversation_id, "text": "Bonjour « agent » !"})
    send(agent, {"action": "read", "chat_id": chat_id, "after": 0})
    send(agent, {"action": "handover", "chat_id": chat_id, "agent": desk.agent("lucas").user.id})
    send(colleague, {"action": "send", "chat_id": chat_id, "text": "Je prends la suite."})
    send(user, {"action": "read", "conversation_id": conversation_id, "after": 2})
    send(colleague, {"action": "end", "chat_id": chat_id, "outcome": "CLOSE"})
    send(user, {"action": "feedback", "conversation_id": conversation_id, "rating": "UP"})
    send(user, {"action": "transcript", "conversation_id": conversation_id})
    send(user, {"action": "end", "conversation_id": conversation_id})
    refusals = [user.send(raw=raw) for raw in ("pas du JSON", '{"action": "danser"}', '{"action": "take"}')]
    refusals.append(user.send({"action": "take", "chat_id": chat_id}))
    pushed = [f for socket in (agent, user, colleague) for f in desk.sockets.frames(socket.id)]

    assert {f["type"] for f in answers} >= {"queues", "chat", "state", "sent"}
    assert {f["type"] for f in pushed} == {"queue_changed", "state", "message"}
    assert all(f["type"] == "error" for f in refusals)
    for frame in [*answers, *pushed, *refusals]:
        validate(frame)
