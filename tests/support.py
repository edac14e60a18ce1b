"""Test helpers: the ``Api`` that invokes the real handlers with the sample events of events/ (the ports
they use injected through Powertools' ``dependency_overrides``), and the DynamoDB call log used to check
access patterns."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chorus_desk import bootstrap
from chorus_desk.adapters.memory import FixedSigningKey
from chorus_desk.api.routes import public as public_routes
from chorus_desk.ports import CaptchaArtist, Ports, SigningKey
from chorus_desk.settings import PublicSettings, load_settings
from local_stack.gateway import LambdaContext
from local_stack.template import Route, api_routes, handler_of, load_handler_module
from tests.fixtures import EMAILS, NAMES, USER_IDS

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
TEST_IDS = USER_IDS
_KEEP = object()
DROP = object()


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass
class CallLog:
    """DynamoDB operations made by a client, to check access patterns (no Scan, ever)."""

    client: Any = None
    operations: list[str] = field(default_factory=list)

    def record(self, event_name: str, **_: Any) -> None:
        self.operations.append(event_name.rsplit(".", 1)[-1])

    def counts(self) -> Counter[str]:
        return Counter(self.operations)


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


def sample_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


class RecordingArtist:
    """The public function's own captcha artist, recording each text it draws: what a visitor reads in the
    image (the desk keeps only a salted hash of it). The real artist is built on the first drawing."""

    def __init__(self, provider: Callable[[], CaptchaArtist]) -> None:
        self._provider = provider
        self.drawn: list[str] = []

    def draw(self, text: str) -> tuple[bytes, bytes]:
        image, audio = self._provider().draw(text)
        self.drawn.append(text)
        return image, audio


class Api:
    """Calls the real handlers with the sample events of events/, as API Gateway would, on ``ports``.

    The public function signs its status links with ``signing_key`` (a fixed test key) and draws its
    captchas with its own artist, recorded in ``artist.drawn``; its settings are the environment's until
    ``public_settings`` changes them."""

    def __init__(self, template: dict[str, Any], ports: Ports) -> None:
        self.template = template
        self.ports = ports
        self.routes: dict[str, Route] = {snake(r.name): r for r in api_routes(template)}
        for function in {r.function for r in self.routes.values()}:
            load_handler_module(template, function).app.dependency_overrides[bootstrap.ports] = self._ports
        self.signing_key: SigningKey = FixedSigningKey()
        public_function = load_handler_module(template, "PublicFunction")
        self.artist = RecordingArtist(public_function.artist)
        self._public_overrides: dict[Callable[..., Any], Callable[..., Any]] = public_function.app.dependency_overrides
        self._public_overrides.pop(public_routes.settings, None)
        self._saved = dict(self._public_overrides)
        self._public_overrides[bootstrap.signing_key] = self._signing_key
        self._public_overrides[bootstrap.captcha_artist] = self._artist

    def close(self) -> None:
        """Give the public function back its own key, artist and settings (the ports stay overridden)."""
        for provider in (bootstrap.signing_key, bootstrap.captcha_artist, public_routes.settings):
            if provider in self._saved:
                self._public_overrides[provider] = self._saved[provider]
            else:
                self._public_overrides.pop(provider, None)

    def _ports(self) -> Ports:
        return self.ports

    def _signing_key(self) -> SigningKey:
        return self.signing_key

    def _artist(self) -> CaptchaArtist:
        return self.artist

    def public_settings(self, **changes: int) -> PublicSettings:
        """The public function's settings from now on: the environment's with ``changes`` (by field name),
        validated as the environment would be."""
        aliases = {name: PublicSettings.model_fields[name].alias or name for name in changes}
        settings = PublicSettings.model_validate(
            {**load_settings(PublicSettings).model_dump(by_alias=True), **{aliases[k]: v for k, v in changes.items()}}
        )
        self._public_overrides[public_routes.settings] = lambda: settings
        return settings

    def call(
        self,
        route: str,
        user: str | None,
        number: int | str | None = None,
        body: Any = _KEEP,
        raw_body: str | None = None,
        query: Any = _KEEP,
        headers: dict[str, str] | None = None,
        binary_body: bytes | None = None,
        token: str | None = None,
        ip: str | None = None,
    ) -> Reply:
        spec = self.routes[route]
        event = copy.deepcopy(sample_event(route))
        for name, value in (("number", number), ("token", token)):
            if value is not None:
                event["path"] = spec.path.replace(f"{{{name}}}", str(value))
                event["pathParameters"] = {name: str(value)}
                event["requestContext"]["path"] = "/dev" + event["path"]
        if ip is not None:
            event["requestContext"]["identity"]["sourceIp"] = ip
        if user is None:
            event["requestContext"]["authorizer"] = None
        else:
            event["requestContext"]["authorizer"]["claims"].update(
                {"sub": TEST_IDS[user], "cognito:username": TEST_IDS[user], "email": EMAILS[user], "name": NAMES[user]}
            )
        if query is not _KEEP:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
        if headers is not None:
            event["headers"].update(headers)
            event["multiValueHeaders"].update({k: [v] for k, v in headers.items()})
        if binary_body is not None:  # as API Gateway hands over bytes that are not text: base64-encoded
            event["body"], event["isBase64Encoded"] = base64.b64encode(binary_body).decode(), True
        elif raw_body is not None:
            event["body"] = raw_body
        elif body is not _KEEP:
            event["body"] = None if body is None else json.dumps(body)
        context = LambdaContext(
            spec.function, 512, 10, "req-1", f"arn:aws:lambda:eu-west-3:1:function:{spec.function}", 1e12
        )
        result = handler_of(self.template, spec.function)(event, context)
        text = result.get("body")
        headers = dict(result.get("headers") or {})
        headers.update({k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items() if v})
        return Reply(result["statusCode"], json.loads(text) if text else None, headers)

    # ------------------------------------------------------------------ building tickets in any status
    def create(self, user: str = "marie", submit: Any = True, **overrides: Any) -> Reply:
        """POST /tickets with the sample event's fields, ``overrides`` applied (``DROP`` removes a field)."""
        fields = json.loads(sample_event("create_ticket")["body"])
        fields.update({"submit": submit, **overrides})
        return self.call("create_ticket", user, body={k: v for k, v in fields.items() if v is not DROP})

    def ticket_in(self, status: str, emitter: str = "marie", agent: str = "lucas") -> int:
        """A ticket of Menuiserie Dupont, sent to the support, brought to ``status`` through the API."""
        reply = self.create(emitter, submit=status != "DRAFT")
        assert reply.status == 201, reply.body
        number = reply.body["number"]
        plan: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
            "DRAFT": [],
            "OPEN": [],
            "IN_PROGRESS": [("take_in_charge", agent, {})],
            "AWAITING_INFO": [("request_information", agent, {"question": "Quel numéro de facture ?"})],
            "RESOLVED": [("answer", agent, {"text": "Voici la solution."})],
            "CLOSED": [("answer", agent, {"text": "Voici la solution."}), ("accept_solution", emitter, {})],
        }
        for route, user, body in plan[status]:
            step = self.call(route, user, number, body=body)
            assert step.status == 200, step.body
        final = self.call("get_ticket", emitter, number)
        assert final.body["status"]["code"] == status
        return int(number)

    # ------------------------------------------------------------------------ non-connected tickets
    def captcha(self, ip: str | None = None) -> tuple[str, str]:
        """POST /public/captcha: the challenge's id and the text its image shows."""
        reply = self.call("new_captcha", None, ip=ip)
        assert reply.status == 201, reply.body
        return reply.body["id"], self.artist.drawn[-1]

    def create_anonymous(
        self, captcha: tuple[str, str] | None = None, ip: str | None = None, **overrides: Any
    ) -> Reply:
        """POST /public/tickets with the sample event's fields, ``overrides`` applied (``DROP`` removes a
        field), answering ``captcha`` (a new one, answered right, if none is given)."""
        captcha_id, answer = captcha or self.captcha(ip)
        fields = {**json.loads(sample_event("create_anonymous_ticket")["body"]), "captcha_id": captcha_id}
        fields.update({"captcha_answer": answer, **overrides})
        return self.call(
            "create_anonymous_ticket", None, body={k: v for k, v in fields.items() if v is not DROP}, ip=ip
        )


@contextmanager
def overtaken(api: Api, competitor: Callable[[Ports], object]) -> Iterator[list[object]]:
    """The next ticket write made through ``api`` is overtaken: ``competitor`` (a use case called on the
    same ports: another Lambda environment) runs between that request's read and its write. Yields what
    the competitor returned, once it ran."""
    original = api.ports
    store = original.tickets
    statuses: list[object] = []

    class Overtaken:
        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def save_ticket(self, *args: Any, **kwargs: Any) -> None:
            if not statuses:
                statuses.append(competitor(original))
            store.save_ticket(*args, **kwargs)

    api.ports = dataclasses.replace(original, tickets=Overtaken())
    try:
        yield statuses
    finally:
        api.ports = original
