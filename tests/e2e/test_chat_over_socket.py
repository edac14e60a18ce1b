"""The live chat end to end, over real sockets: the local stack serves template.yaml's WebSocket API on 127.0.0.1
(the `websockets` package, the real handlers behind it, PostToConnection answered by the stack on the socket), with
real Cognito IdTokens. An agent and a user talk from both sides, messages arrive once and in order, bad frames get
French error frames on a socket that stays open, refused sockets never open, an agent who leaves gives the chat back,
the HTTP counterparts read the same chat, the transcript arrives by mail."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from chorus_desk import messages
from tests.e2e.stack import Stack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("chat"))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


def address(stack: Stack) -> str:
    url = json.loads(stack.state.read_text(encoding="utf-8"))["websocket"]
    assert isinstance(url, str) and url.startswith("ws://127.0.0.1:")
    return url


def socket(stack: Stack, **query: str) -> ClientConnection:
    return connect(f"{address(stack)}/?{urllib.parse.urlencode(query)}", open_timeout=30)


def until(ws: ClientConnection, wanted: Callable[[dict[str, Any]], bool], timeout: float = 20) -> dict[str, Any]:
    """The first frame ``wanted`` accepts (the ones before it are skipped: the queue's news, a state…)."""
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
        if wanted(frame):
            return frame


def answer(ws: ClientConnection, frame: dict[str, Any] | str | bytes) -> dict[str, Any]:
    """Send a frame and read its answer (pushed frames of other kinds coming first are skipped)."""
    ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame, ensure_ascii=False))
    return until(ws, lambda f: f["type"] in ("chat", "state", "sent", "queues", "error"))


def message(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: frame["type"] == "message" and frame["message"]["text"] == text


def conversation(stack: Stack, user: str | None) -> str:
    path = "/assistant/conversations" if user else "/public/assistant/conversations"
    status, body, _ = stack.http("POST", path, user, {})
    assert status == 201, body
    return str(body["id"])


@contextmanager
def agent_ready(stack: Stack, alias: str) -> Iterator[ClientConnection]:
    """An agent's socket, « disponible » at their queue."""
    with socket(stack, token=stack.token(alias)) as ws:
        ready = answer(ws, {"action": "availability", "available": True})
        assert ready["type"] == "queues" and ready["queues"][0]["available"] is True, ready
        yield ws


# ------------------------------------------------------------------------------------------ both sides
def test_a_chat_from_both_sides_over_real_sockets(stack: Stack) -> None:
    conversation_id = conversation(stack, "marie")
    with agent_ready(stack, "sophie") as agent, socket(stack, token=stack.token("marie")) as user:
        opened = answer(user, {"action": "start", "conversation_id": conversation_id})
        assert opened["type"] == "chat" and opened["chat"]["state"]["code"] == "WAITING", opened
        chat_id = opened["chat"]["id"]
        until(agent, lambda f: f["type"] == "queue_changed")
        queue = answer(agent, {"action": "queue"})["queues"][0]
        assert chat_id in [w["chat"]["id"] for w in queue["waiting"]]

        taken = answer(agent, {"action": "take", "chat_id": chat_id})
        assert taken["chat"]["agent"]["name"] == "Sophie Moreau" and taken["context"]  # what was said to the assistant
        until(user, message("Sophie Moreau a rejoint la discussion."))
        said = ["Bonjour, ma facture FAC-2026-0101 est bloquée.", "Elle est au statut « Rejetée »."]
        for text in said:
            assert answer(user, {"action": "send", "conversation_id": conversation_id, "text": text})["type"] == "sent"
        received = [until(agent, lambda f: f["type"] == "message")["message"] for _ in said]
        assert [m["text"] for m in received] == said and received[0]["seq"] < received[1]["seq"]
        reply = "Je la débloque : c'est fait."
        answer(agent, {"action": "send", "chat_id": chat_id, "text": reply})
        got = until(user, message(reply))["message"]

        # The HTTP counterpart reads the same chat, after a cursor.
        status, read, _ = stack.http("GET", f"/assistant/conversations/{conversation_id}/chat?after=2", "marie")
        assert status == 200, read
        assert [m["text"] for m in read["messages"]] == [*said, reply] and read["chat"]["last_seq"] == got["seq"]

        ended = answer(agent, {"action": "end", "chat_id": chat_id, "outcome": "CLOSE"})
        assert ended["chat"]["state"]["code"] == "ENDED"
        until(user, lambda f: f["type"] == "state" and f["chat"]["state"]["code"] == "ENDED")
        asked = answer(user, {"action": "transcript", "conversation_id": conversation_id})
        assert asked["chat"]["transcript_asked"] is True, asked
    mail = stack.wait_for_mail("marie.dupont@menuiserie-dupont.example", "transcription")
    assert reply in mail["text"] and said[0] in mail["text"]


def test_a_visitor_is_told_when_the_agent_leaves_mid_chat_and_waits_again(stack: Stack) -> None:
    conversation_id = conversation(stack, None)
    with socket(stack, conversation=conversation_id) as visitor, agent_ready(stack, "lucas") as lucas:
        chat_id = answer(visitor, {"action": "start"})["chat"]["id"]
        assert answer(lucas, {"action": "take", "chat_id": chat_id})["type"] == "chat"
        until(visitor, message("Lucas Fabre a rejoint la discussion."))

        lucas.close()  # the agent's socket closes mid-chat ($disconnect)

        back = until(visitor, lambda f: f["type"] == "state")  # the chat's new state, then the desk's line
        assert back["chat"]["state"]["code"] == "WAITING" and back["chat"]["agent"] is None
        until(visitor, message(messages.CHAT_AGENT_LEFT))


# ------------------------------------------------------------------------------------------ bad frames
@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("ceci n'est pas du JSON", messages.CHAT_FRAME_NOT_JSON),
        ('{"action": "danser"}', None),
        ('{"action": "send", "text": "' + "x" * 9000 + '"}', messages.CHAT_FRAME_TOO_LARGE.format(max=8192)),
        (b'{"action": "send", "text": "\xff"}', messages.CHAT_FRAME_NOT_UTF8),
    ],
    ids=["not-json", "unknown-action", "oversized", "invalid-utf8"],
)
def test_a_bad_frame_gets_a_french_error_frame_and_the_socket_goes_on(
    stack: Stack, frame: str | bytes, expected: str | None
) -> None:
    conversation_id = conversation(stack, None)
    with agent_ready(stack, "sophie"), socket(stack, conversation=conversation_id) as visitor:
        opened = answer(visitor, {"action": "start"})
        refused = answer(visitor, frame)
        assert refused["type"] == "error" and refused["code"] == "DONNEES_INVALIDES", refused
        if expected is not None:
            assert refused["message"] == expected
        else:
            assert refused["message"].startswith("Action « danser » inconnue.")
        status, read, _ = stack.http("GET", f"/public/assistant/conversations/{conversation_id}/chat")
        assert status == 200 and read["chat"]["last_seq"] == opened["chat"]["last_seq"]  # nothing stored
        assert answer(visitor, {"action": "send", "text": "Toujours là"})["type"] == "sent"  # the socket goes on


# ------------------------------------------------------------------------------------------ refused sockets
def test_a_socket_without_a_valid_token_or_conversation_never_opens(stack: Stack) -> None:
    marie_conversation = conversation(stack, "marie")
    token = stack.token("marie")
    header, payload, signature = token.split(".")
    for query in (
        {},
        {"token": "pas-un-jeton"},
        {"token": f"{header}.{payload}.{signature[::-1]}"},  # the signature broken
        {"conversation": marie_conversation},  # another user's conversation, as a visitor
        {"conversation": "Zz" + marie_conversation[2:]},
    ):
        with pytest.raises(InvalidStatus) as refused:
            socket(stack, **query)
        assert refused.value.response.status_code == 401, query
        assert json.loads(refused.value.response.body)["message"] == messages.CHAT_CONNECT_REFUSED
