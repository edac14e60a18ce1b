"""The ``Pusher`` of the live chat: API Gateway's management API of the WebSocket API (``PostToConnection``).

A socket that closed answers 410 ``GoneException``: ``ConnectionGone``, and the use case forgets it. Any other
failure (throttled, unavailable, past the client's retries) is ``PushFailed``: the message is stored all the same
and the client reads it with its cursor. The endpoint is the stage's (``https://<api id>.execute-api.<region>
.amazonaws.com/<stage>``), or the local stack's stand-in.
"""

from __future__ import annotations

from typing import Any

from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import ConnectionGone, PushFailed


def management_endpoint(api_id: str, region: str, stage: str) -> str:
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"


def stage_pusher(api_id: str, stage: str, callback_url: str = "") -> ApiGatewayPusher:
    """The pusher of the WebSocket API's stage, in this function's region (or at ``callback_url``)."""
    region = boto.region()
    return ApiGatewayPusher(callback_url or management_endpoint(api_id, region, stage))


class ApiGatewayPusher:
    def __init__(self, endpoint_url: str, client: Any | None = None) -> None:
        self.endpoint_url = endpoint_url
        self.client = client or boto.client(
            "apigatewaymanagementapi",
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=3),
        )

    def push(self, connection_id: str, data: bytes) -> None:
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if error.get("Code") == "GoneException" or status == 410:
                raise ConnectionGone(connection_id) from exc
            raise PushFailed(connection_id) from exc
        except BotoCoreError as exc:
            raise PushFailed(connection_id) from exc
