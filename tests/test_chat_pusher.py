"""The chat's pusher, the real adapter of API Gateway's management API (``PostToConnection``): what it posts
reaches moto's record of the socket; a 410 GoneException (which moto never answers: any connection id is accepted
there) is injected into the adapter's own botocore client, and the use case forgets that socket while the others
keep getting their frames."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from botocore.stub import Stubber
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
from moto.core.models import DEFAULT_ACCOUNT_ID

from chorus_desk.adapters.apigateway import ApiGatewayPusher, management_endpoint
from chorus_desk.errors import ConnectionGone, PushFailed
from chorus_desk.ports import Ports
from chorus_desk.usecases import chat
from tests.chat_support import Desk, Gone
from tests.support import CallLog

REGION = os.environ["AWS_DEFAULT_REGION"]


def posted(connection_id: str) -> list[Any]:
    """The frames moto's management API received for one socket (it keeps their bytes end to end)."""
    data = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID][REGION].connections[connection_id].data
    return [json.loads(line) for line in data.decode("utf-8").replace("}{", "}\n{").splitlines()]


@pytest.fixture
def pusher(aws: CallLog) -> ApiGatewayPusher:
    return ApiGatewayPusher(management_endpoint("chatapi123", REGION, "test"))


def test_a_frame_is_posted_to_the_socket_through_the_management_api(pusher: ApiGatewayPusher) -> None:
    pusher.push("conn-abc", json.dumps({"type": "message", "text": "Bonjour « à vous »"}).encode())
    assert posted("conn-abc") == [{"type": "message", "text": "Bonjour « à vous »"}]
    assert pusher.endpoint_url == f"https://chatapi123.execute-api.{REGION}.amazonaws.com/test"


def test_a_closed_socket_is_connection_gone_and_any_other_failure_push_failed(pusher: ApiGatewayPusher) -> None:
    with Stubber(pusher.client) as stub:
        stub.add_client_error("post_to_connection", "GoneException", "Gone", 410)
        stub.add_client_error("post_to_connection", "LimitExceededException", "Slow down", 429)
        stub.add_client_error("post_to_connection", "ForbiddenException", "Forbidden", 403)
        with pytest.raises(ConnectionGone):
            pusher.push("conn-1", b"{}")
        for _ in range(2):
            with pytest.raises(PushFailed):
                pusher.push("conn-1", b"{}")


def test_a_socket_found_gone_is_forgotten_and_the_others_still_get_their_frames(
    dynamo: Ports, pusher: ApiGatewayPusher
) -> None:
    desk = Desk(dynamo, pusher)
    gone = Gone(pusher)
    user_socket, agent_socket = desk.socket("marie"), desk.socket("sophie")
    desk.available("sophie", agent_socket)
    requester, started = desk.started("marie", user_socket)
    sophie = desk.agent("sophie", agent_socket)
    chat.take(desk.ctx(), sophie, started.session.id)
    gone.closed.add(user_socket)  # the user's network went: no $disconnect came

    chat.send_as_agent(desk.ctx(), sophie, started.session.id, "Êtes-vous toujours là ?")

    assert gone.answered == [user_socket]  # asked once, then forgotten
    stored = dynamo.chats.load(started.session.id)
    assert stored is not None and set(stored.connections) == {agent_socket}
    assert dynamo.chat_connections.load(user_socket) is None
    chat.send_mine(desk.ctx(), requester, "Oui, je suis revenu par le formulaire.")  # the REST fallback, no socket
    assert gone.answered == [user_socket]
    kinds = [frame["type"] for frame in posted(agent_socket)]
    assert kinds == ["queue_changed", "message"]  # a chat came in; then the user's message (not its own take)
    assert posted(agent_socket)[-1]["message"]["text"] == "Oui, je suis revenu par le formulaire."
