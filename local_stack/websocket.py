"""The WebSocket API of template.yaml (``AWS::ApiGatewayV2::Api``, protocol WEBSOCKET) served on 127.0.0.1 by the
`websockets` package, in this process: the template's routes and their integrations, the route selection
expression (``$request.body.action``, else ``$default``), the two-way routes' answers sent back on the socket, the
real handlers behind them (one invocation at a time per function, as the REST gateway does).

$connect runs during the handshake: a refusal (any status but 2xx) answers the HTTP upgrade with that status, as
API Gateway refuses the socket. $disconnect runs when the socket closes, however it closes. A frame is at most
128 KB (API Gateway's own limit; the function's, smaller, is checked by the function). The management API that
the functions push through (``PostToConnection``) is the local stack's ``/_local/chat/<api>/<stage>/@connections/<id>``
(local_stack/local_routes.py), which sends the frame on the socket, or answers 410 GoneException for one that closed.

moto's WebSocket API never calls a Lambda and accepts any connection id (docs/chat.md « Local stack »): hence this.
The stage's throttling is not emulated. The chat's reminder (the template's ``Schedule`` event of ChatTimerFunction)
runs every ``reminder_seconds`` here.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from local_stack.template import resources_of_type

MAX_FRAME = 128 * 1024  # API Gateway's own limit of a WebSocket message


@dataclass(frozen=True)
class SocketRoute:
    key: str  # $connect, $disconnect, $default, or an action
    function: str  # the logical id of the function behind it
    two_way: bool  # its answer is sent back on the socket


@dataclass(frozen=True)
class SocketApi:
    logical_id: str
    selection: str  # $request.body.<field>
    routes: dict[str, SocketRoute]
    stage: str | None
    reminder: str | None  # the function a Schedule event runs for the chat (ChatTimerFunction), if any


def _function_of(uri: Any) -> str:
    """The function an integration's URI names (``!Sub [..., {Alias: !Ref Fn.Alias}]``, or ``${Fn.Alias}``)."""
    text = json.dumps(uri)
    for name in ("Alias", "Arn"):
        marker = f".{name}"
        if marker in text:
            head = text.split(marker, 1)[0]
            return head.rsplit('"', 1)[-1].rsplit("{", 1)[-1]
    raise ValueError(f"cannot tell the function of the integration URI {uri!r}")


def socket_api(template: dict[str, Any]) -> SocketApi | None:
    """The template's WebSocket API with its routes, or None if it has none."""
    apis = {
        name: spec
        for name, spec in resources_of_type(template, "AWS::ApiGatewayV2::Api").items()
        if spec["Properties"].get("ProtocolType") == "WEBSOCKET"
    }
    if not apis:
        return None
    ((logical_id, api),) = apis.items()
    integrations = {
        name: _function_of(spec["Properties"]["IntegrationUri"])
        for name, spec in resources_of_type(template, "AWS::ApiGatewayV2::Integration").items()
        if spec["Properties"].get("ApiId") == {"Ref": logical_id}
    }
    routes = {}
    for spec in resources_of_type(template, "AWS::ApiGatewayV2::Route").values():
        props = spec["Properties"]
        if props.get("ApiId") != {"Ref": logical_id}:
            continue
        target = props["Target"]
        text = target["Fn::Sub"] if isinstance(target, dict) else str(target)
        integration = text.split("${", 1)[1].split("}", 1)[0] if "${" in text else text.rsplit("/", 1)[-1]
        key = str(props["RouteKey"])
        routes[key] = SocketRoute(key, integrations[integration], "RouteResponseSelectionExpression" in props)
    stage = next(
        (
            spec["Properties"].get("StageName")
            for spec in resources_of_type(template, "AWS::ApiGatewayV2::Stage").values()
            if spec["Properties"].get("ApiId") == {"Ref": logical_id}
        ),
        None,
    )
    reminder = next(
        (
            name
            for name, spec in resources_of_type(template, "AWS::Serverless::Function").items()
            if any(e.get("Type") == "Schedule" for e in (spec["Properties"].get("Events") or {}).values())
            and {"Ref": logical_id} in list(spec["Properties"].get("Environment", {}).get("Variables", {}).values())
        ),
        None,
    )
    return SocketApi(logical_id, str(api["Properties"]["RouteSelectionExpression"]), routes, stage, reminder)


class LocalSocketServer:
    """Serves the template's WebSocket API on ``host:port`` (0: a free port) from a thread of its own."""

    def __init__(
        self,
        api: SocketApi,
        handler_of: Callable[[str], Any],
        lock_of: Callable[[str], threading.Lock],
        context_of: Callable[[str], Any],
        api_id: str,
        stage: str,
        host: str = "127.0.0.1",
        port: int = 0,
        reminder_seconds: float = 10.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.api = api
        self._handler_of = handler_of
        self._lock_of = lock_of
        self._context_of = context_of
        self.api_id = api_id
        self.stage = stage
        self.host = host
        self.port = port
        self._reminder_seconds = reminder_seconds
        self._log = log
        self._sockets: dict[str, ServerConnection] = {}
        self._ids: dict[int, str] = {}  # id(connection) → its connection id, set during the handshake
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="chat-socket")
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chat-websocket", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> str:
        self._thread.start()
        if not self._ready.wait(timeout=30):
            raise RuntimeError("the local WebSocket server did not start")
        if self.api.reminder and self._reminder_seconds > 0:
            threading.Thread(target=self._remind, name="chat-reminder", daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --------------------------------------------------------------------------------------- invocations
    def _invoke(self, route: SocketRoute, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock_of(route.function):
            result: dict[str, Any] = self._handler_of(route.function)(event, self._context_of(route.function))
        return result

    def _event(self, route: str, kind: str, connection_id: str, **extra: Any) -> dict[str, Any]:
        return {
            "requestContext": {
                "routeKey": route,
                "eventType": kind,
                "connectionId": connection_id,
                "requestId": secrets.token_hex(8),
                "messageId": secrets.token_hex(8) if kind == "MESSAGE" else None,
                "stage": self.stage,
                "apiId": self.api_id,
                "domainName": f"{self.host}:{self.port}",
                "connectedAt": int(time.time() * 1000),
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": self.host},
            },
            "isBase64Encoded": False,
            **extra,
        }

    def _selected(self, data: str | bytes) -> SocketRoute:
        """The route of a frame: the action its JSON names (``$request.body.action``) if a route has it."""
        field = self.api.selection.removeprefix("$request.body.")
        key = None
        if isinstance(data, str):
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict) and isinstance(parsed.get(field), str):
                key = parsed[field]
        return self.api.routes.get(key or "", self.api.routes["$default"])

    # ------------------------------------------------------------------------------------------ sockets
    async def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        connection_id = secrets.token_urlsafe(12)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path).query))
        event = self._event(
            "$connect",
            "CONNECT",
            connection_id,
            queryStringParameters=query or None,
            headers={k: v for k, v in request.headers.raw_items() if k.lower() != "cookie"},
        )
        route = self.api.routes["$connect"]
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._executor, self._invoke, route, event)
        status = int(result.get("statusCode", 200))
        if not 200 <= status < 300:
            refused = connection.respond(HTTPStatus(status), str(result.get("body") or ""))
            refused.headers["Content-Type"] = "application/json; charset=utf-8"
            return refused
        self._ids[id(connection)] = connection_id
        self._sockets[connection_id] = connection
        return None

    async def _serve(self, connection: ServerConnection) -> None:
        connection_id = self._ids.pop(id(connection))
        loop = asyncio.get_running_loop()
        try:
            async for data in connection:
                route = self._selected(data)
                if isinstance(data, bytes):
                    extra = {"body": base64.b64encode(data).decode(), "isBase64Encoded": True}
                else:
                    extra = {"body": data}
                event = self._event(route.key, "MESSAGE", connection_id, **extra)
                result = await loop.run_in_executor(self._executor, self._invoke, route, event)
                if route.two_way and result.get("body"):
                    await connection.send(str(result["body"]))
        finally:
            self._sockets.pop(connection_id, None)
            closing = self.api.routes.get("$disconnect")
            if closing is not None:
                event = self._event("$disconnect", "DISCONNECT", connection_id)
                await loop.run_in_executor(self._executor, self._invoke, closing, event)

    def push(self, connection_id: str, data: bytes) -> bool:
        """Send one frame to a socket (PostToConnection): False if there is no such open socket (410)."""
        connection = self._sockets.get(connection_id)
        if connection is None or self._loop is None:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            message: str | bytes = data
        else:
            message = text
        future = asyncio.run_coroutine_threadsafe(connection.send(message), self._loop)
        try:
            future.result(timeout=5)
        except Exception:  # closed meanwhile: gone, as API Gateway would say
            return False
        return True

    def is_open(self, connection_id: str) -> bool:
        return connection_id in self._sockets

    # ------------------------------------------------------------------------------------------ the loop
    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(
            self._serve, self.host, self.port, process_request=self._handshake, max_size=MAX_FRAME, compression=None
        ) as server:
            self.port = int(next(iter(server.sockets)).getsockname()[1])
            self._ready.set()
            await self._stop.wait()

    def _remind(self) -> None:
        """The template's every-minute schedule of the chat's reminder, every few seconds here."""
        assert self.api.reminder is not None
        route = SocketRoute("schedule", self.api.reminder, False)
        while not self._stopped.wait(self._reminder_seconds):
            moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            event = {"detail-type": "Scheduled Event", "source": "aws.events", "time": moment, "detail": {}}
            try:
                result = self._invoke(route, event)
            except Exception as error:  # a failed run: the next one tries again, as the schedule does
                if self._log:
                    self._log(f"chat reminder failed: {type(error).__name__}")
                continue
            if self._log and result.get("told"):
                self._log(f"chat reminder: {result['told']} visitor(s) told the ticket is offered")
