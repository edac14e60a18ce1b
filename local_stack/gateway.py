"""A local stand-in for API Gateway: the template's routes, CORS, gateway responses and Cognito authorizer,
in front of the handlers running in this process."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from local_stack.template import Route, api_routes, function_limits, handler_of, resources_of_type

SWAGGER_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Support Chorus Pro – API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true});</script>
</body></html>"""


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str
    invoked_function_arn: str
    deadline: float

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))

    @classmethod
    def of(cls, template: dict[str, Any], function: str, request_id: str | None = None) -> LambdaContext:
        """The context of one invocation of a function of the template, its limits as declared."""
        memory, timeout = function_limits(template, function)
        return cls(
            function_name=function,
            memory_limit_in_mb=memory,
            timeout_seconds=timeout,
            aws_request_id=request_id or str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:eu-west-3:123456789012:function:{function}",
            deadline=time.monotonic() + timeout,
        )


class CognitoVerifier:
    """Verifies IdTokens as the API Gateway Cognito authorizer does: signature, issuer, audience, expiry."""

    def __init__(self, jwks: dict[str, Any], issuer: str, client_id: str) -> None:
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}
        self._issuer = issuer
        self._client_id = client_id

    def claims(self, header: str | None) -> dict[str, str] | None:
        if not header:
            return None
        token = header.removeprefix("Bearer ").strip()
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid)
            if key is None:
                return None
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._client_id,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        # API Gateway hands the claims to the function as strings.
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in claims.items()}


def _unquote(value: str | None) -> str | None:
    return value.strip("'") if isinstance(value, str) else value


class Gateway:
    def __init__(
        self,
        template: dict[str, Any],
        resolved_api: dict[str, Any],
        verifier: CognitoVerifier,
        openapi_document: dict[str, Any],
        stage: str,
        access_log: bool = True,
        local_routes: Callable[[Request], Response | None] | None = None,
    ) -> None:
        self._access_log = access_log
        self._local_routes = local_routes
        self._verifier = verifier
        self._openapi = json.dumps(openapi_document, ensure_ascii=False).encode()
        self._stage = stage
        self._routes = api_routes(template)
        self._map = Map(
            [Rule(r.path.replace("{", "<").replace("}", ">"), methods=[r.method], endpoint=r) for r in self._routes],
            strict_slashes=False,
        )
        self._template = template
        self._handlers = {f: handler_of(template, f) for f in {r.function for r in self._routes}}
        # One request at a time per function, like one Lambda execution environment (the stream pollers
        # take the same locks: ``lock``).
        self._locks = {f: threading.Lock() for f in resources_of_type(template, "AWS::Serverless::Function")}
        # And one API request at a time over all: Powertools' resolver keeps the request it serves on a class that
        # every resolver of a process shares (``BaseRouter.current_event``). In Lambda a process serves one request;
        # here, two functions serving at once would each read the other's request (its path, its caller), as a
        # browser's two simultaneous requests (GET /catalogue and GET /tickets/11) once did in a test run: the
        # catalogue answered the ticket's path « Ressource introuvable ».
        self._resolving = threading.Lock()
        cors = resolved_api.get("Cors", {})
        self._cors = {
            "Access-Control-Allow-Origin": _unquote(cors.get("AllowOrigin")),
            "Access-Control-Allow-Headers": _unquote(cors.get("AllowHeaders")),
            "Access-Control-Allow-Methods": _unquote(cors.get("AllowMethods")),
            "Access-Control-Max-Age": _unquote(cors.get("MaxAge")),
        }
        self._gateway_responses = resolved_api.get("GatewayResponses", {})
        swagger = Path(swagger_ui.__file__ or "").parent
        self._assets = {
            "/docs/swagger-ui-bundle.js": (swagger / "swagger-ui-bundle.min.js", "application/javascript"),
            "/docs/swagger-ui.css": (swagger / "swagger-ui.min.css", "text/css"),
        }

    def lock(self, function: str) -> threading.Lock:
        """The lock that lets one invocation of ``function`` run at a time (one execution environment)."""
        return self._locks[function]

    # ------------------------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        started = time.perf_counter()
        response = self._dispatch(request)
        elapsed = (time.perf_counter() - started) * 1000
        if self._access_log:  # the path only: a query may hold what a user typed (a search's words)
            print(
                f"{request.method:<6} {request.path:<40} {response.status_code} {elapsed:6.1f} ms",
                flush=True,
            )
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        if request.method == "GET" and request.path == "/openapi.json":
            return Response(self._openapi, content_type="application/json; charset=utf-8")
        if request.method == "GET" and request.path in ("/docs", "/docs/"):
            return Response(SWAGGER_PAGE, content_type="text/html; charset=utf-8")
        if request.method == "GET" and request.path in self._assets:
            file, kind = self._assets[request.path]
            return Response(file.read_bytes(), content_type=kind)
        if self._local_routes is not None and request.path.startswith("/_local/"):
            answer = self._local_routes(request)  # the local stack's own routes, absent from the template
            if answer is not None:
                return answer
        adapter = self._map.bind("localhost")
        if request.method == "OPTIONS":
            try:
                adapter.match(request.path, method="GET")
            except HTTPException as exc:
                if getattr(exc, "code", None) != 405:
                    return self._gateway_response("MISSING_AUTHENTICATION_TOKEN", 403)
            return Response(status=204, headers={k: v for k, v in self._cors.items() if v})
        try:
            route, arguments = adapter.match(request.path, method=request.method)
        except HTTPException:
            return self._gateway_response("MISSING_AUTHENTICATION_TOKEN", 403)
        claims = None
        if route.authorized:
            claims = self._verifier.claims(request.headers.get("Authorization"))
            if claims is None:
                return self._gateway_response("UNAUTHORIZED", 401)
        return self._invoke(route, arguments, request, claims)

    def _gateway_response(self, kind: str, default_status: int) -> Response:
        spec = self._gateway_responses.get(kind, {})
        body = spec.get("ResponseTemplates", {}).get("application/json")
        if body is None:
            body = json.dumps({"message": "Unauthorized" if default_status == 401 else "Missing Authentication Token"})
        headers = {k: _unquote(v) for k, v in spec.get("ResponseParameters", {}).get("Headers", {}).items()}
        return Response(
            body, status=int(spec.get("StatusCode", default_status)), content_type="application/json", headers=headers
        )

    # ------------------------------------------------------------------------------------ Lambda proxy
    def _event(
        self, route: Route, arguments: Mapping[str, Any], request: Request, claims: dict[str, str] | None
    ) -> dict[str, Any]:
        body = request.get_data()
        text_body: str | None
        is_base64 = False
        if not body:
            text_body = None
        else:
            try:
                text_body = body.decode("utf-8")
            except UnicodeDecodeError:
                text_body, is_base64 = base64.b64encode(body).decode(), True
        query = {k: v[-1] for k, v in request.args.lists()} or None
        request_id = str(uuid.uuid4())
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": request.method,
            "headers": dict(request.headers.items()),
            "multiValueHeaders": {k: request.headers.getlist(k) for k, _ in request.headers.items()},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": dict(request.args.lists()) or None,
            "pathParameters": {k: str(v) for k, v in arguments.items()} or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": request.method,
                "path": f"/{self._stage}{request.path}",
                "stage": self._stage,
                "requestId": request_id,
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": request.user_agent.string},
                "authorizer": {"claims": claims} if claims is not None else None,
            },
            "body": text_body,
            "isBase64Encoded": is_base64,
        }

    def _invoke(
        self, route: Route, arguments: Mapping[str, Any], request: Request, claims: dict[str, str] | None
    ) -> Response:
        event = self._event(route, arguments, request, claims)
        context = LambdaContext.of(self._template, route.function, event["requestContext"]["requestId"])
        with self._resolving, self._locks[route.function]:
            result = self._handlers[route.function](event, context)
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        response = Response(payload, status=int(result.get("statusCode", 200)))
        response.headers.clear()
        for key, value in (result.get("headers") or {}).items():
            response.headers[key] = value
        for key, values in (result.get("multiValueHeaders") or {}).items():
            for value in values:
                if response.headers.get(key) != value:
                    response.headers.add(key, value)
        return response
