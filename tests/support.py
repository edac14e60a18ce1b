"""Test helpers: the ``Api`` that invokes the real handlers with the sample events of events/ (the ports
and the file storage they use injected through Powertools' ``dependency_overrides``), the attachments'
journey (upload form, upload straight to the store, the check S3 → EventBridge triggers), and the DynamoDB
call log used to check access patterns."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from unittest import mock

from chorus_desk import bootstrap, files
from chorus_desk.adapters.local_registry import LocalRegistry
from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.adapters.memory.files import MemoryFiles
from chorus_desk.adapters.memory.invitations import MemoryInvitationRequests, MemoryInvitations
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.api.routes import public as public_routes
from chorus_desk.ports import (
    CaptchaArtist,
    CompanyRegistry,
    FileStorage,
    InvitationRequests,
    Invitations,
    Ports,
    Pusher,
    SigningKey,
    Workflow,
)
from chorus_desk.settings import FilesSettings, PublicSettings, load_settings
from local_stack import events
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


def settings_with(kind: type[FilesSettings] | type[PublicSettings], changes: dict[str, Any]) -> Any:
    """The environment's settings of ``kind`` with ``changes`` (by field name), validated as the environment
    would be."""
    aliases = {name: kind.model_fields[name].alias or name for name in changes}
    return kind.model_validate(
        {**load_settings(kind).model_dump(by_alias=True), **{aliases[k]: v for k, v in changes.items()}}
    )


# ------------------------------------------------------------------------------------- attachments
class Objects(Protocol):
    """The attachments' store as a client and the tests reach it directly, not through the desk: the
    upload a form allows (nothing of the form's policy is enforced: neither moto nor S3 itself would
    check the bytes), and what is stored."""

    def upload(self, key: str, content_type: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes | None: ...

    def keys(self) -> list[str]: ...


class MemoryObjects:
    """The ``MemoryFiles`` a memory ``Api`` hands to the functions, through its test API."""

    def __init__(self, store: MemoryFiles) -> None:
        self.store = store

    def upload(self, key: str, content_type: str, data: bytes) -> None:  # noqa: ARG002 (no type kept in memory)
        self.store.put(key, data)

    def read(self, key: str) -> bytes | None:
        return self.store.read(key)

    def keys(self) -> list[str]:
        return self.store.keys()


class BucketObjects:
    """An S3 bucket (moto) through a plain client: ``upload`` is the client's PUT to the form's key with the
    form's Content-Type."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def upload(self, key: str, content_type: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def read(self, key: str) -> bytes | None:
        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self.client.exceptions.NoSuchKey:
            return None

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def object_created(bucket: str, key: str, size: int) -> dict[str, Any]:
    """What EventBridge hands the attachments function when S3 stored an object (the local stack's builder)."""
    return events.object_created(
        bucket=bucket,
        key=key,
        size=size,
        etag="b1946ac92492d2347c6235b4d2611184",
        reason="POST Object",
        account="123456789012",
        region="eu-west-3",
    )


def scan_result(bucket: str, key: str, clean: bool) -> dict[str, Any]:
    """What EventBridge hands the attachments function when GuardDuty scanned an object."""
    return {
        "version": "0",
        "id": "72c7d362-737a-6dce-fc78-9e27a0171419",
        "detail-type": "GuardDuty Malware Protection Object Scan Result",
        "source": "aws.guardduty",
        "account": "123456789012",
        "time": "2026-03-02T09:16:02Z",
        "region": "eu-west-3",
        "resources": [],
        "detail": {
            "schemaVersion": "1.0",
            "scanStatus": "COMPLETED",
            "resourceType": "S3_OBJECT",
            "s3ObjectDetails": {"bucketName": bucket, "objectKey": key, "eTag": "b1946ac9", "s3Throttled": False},
            "scanResultDetails": {
                "scanResultStatus": "NO_THREATS_FOUND" if clean else "THREATS_FOUND",
                "threats": None if clean else [{"name": "EICAR-Test-File (not a virus)"}],
            },
        },
    }


@dataclass
class Attached:
    """One pass through the attachments' journey: the reply to the upload request and, if it was granted,
    the key the file went to and what the check said."""

    reply: Reply
    key: str | None = None
    outcome: str | None = None

    @property
    def id(self) -> str:
        assert self.reply.status == 201, self.reply.body
        return str(self.reply.body["attachment"]["id"])


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


class RecordedStarts:
    """A ``Workflow`` that records the executions it is asked to start and runs none (the operation stays
    « En cours », its lock held)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, str | None]]] = []

    def start(self, operation_id: str, payload: dict[str, str | None]) -> None:
        self.started.append((operation_id, payload))


class Api:
    """Calls the real handlers with the sample events of events/, as API Gateway would, on ``ports``.

    The public function signs its status links with ``signing_key`` (a fixed test key) and draws its
    captchas with its own artist, recorded in ``artist.drawn``; its settings are the environment's until
    ``public_settings`` changes them.

    The attachments are kept in ``storage`` (a ``MemoryFiles`` unless given), which ``objects`` reaches
    directly as a client would; the limits are the environment's until ``files_settings`` changes them."""

    def __init__(
        self,
        template: dict[str, Any],
        ports: Ports,
        storage: FileStorage | None = None,
        objects: Objects | None = None,
    ) -> None:
        self.template = template
        self.ports = ports
        if storage is None:
            storage = MemoryFiles()
            objects = MemoryObjects(storage)
        assert objects is not None, "an Api given a storage is given the objects it holds"
        self.storage, self.objects = storage, objects
        self._files_settings: FilesSettings | None = None
        # The structures function's company registry (demo establishments, outages on demand) and the
        # inactivation's state machine (recorded starts, nothing runs: tests/test_inactivation_machine.py
        # gives a real one).
        self.registry: LocalRegistry = LocalRegistry()
        self.workflow: Workflow = RecordedStarts()
        # « Renvoyer le lien d'activation »: the requests the assistants hand over (``resend_requests.requested``,
        # keyed with ``pseudonym_key``), and the accounts the invitations function finds (``invitations.pending``,
        # ``invitations.resent``) when ``deliver_resend_requests`` hands it the requests.
        self.resend_requests: InvitationRequests = MemoryInvitationRequests()
        self.invitations = MemoryInvitations()
        # The live chat's sockets: what each was pushed (a test may give a real adapter instead).
        self.pusher: Pusher = MemoryPusher()
        self.routes: dict[str, Route] = {snake(r.name): r for r in api_routes(template)}
        self._overrides: list[dict[Callable[..., Any], Callable[..., Any]]] = []
        for function in sorted({r.function for r in self.routes.values()}):
            overrides = load_handler_module(template, function).app.dependency_overrides
            overrides[bootstrap.ports] = self._ports
            overrides[bootstrap.file_storage] = self._storage
            overrides[bootstrap.registry] = self._registry
            overrides[bootstrap.workflow] = self._workflow
            overrides[bootstrap.resend_requests] = self._resend_requests
            overrides[bootstrap.pseudonym_key] = self._pseudonym_key
            overrides[bootstrap.pusher] = self._pusher
            overrides.pop(bootstrap.files_settings, None)
            self._overrides.append(overrides)
        self.signing_key: SigningKey = FixedSigningKey()
        # The key of the callers' pseudonyms (the abuse limits): a fixed test key, or the real adapter of the
        # template's secret when a test sets ``bootstrap.pseudonym_key()`` here.
        self.pseudonym_key: SigningKey = FixedSigningKey(b"pseudonym-key-for-tests-only-not-a-secret")
        public_function = load_handler_module(template, "PublicFunction")
        self.artist = RecordingArtist(public_function.artist)
        self._public_overrides: dict[Callable[..., Any], Callable[..., Any]] = public_function.app.dependency_overrides
        self._public_overrides.pop(public_routes.settings, None)
        self._saved = dict(self._public_overrides)
        self._public_overrides[bootstrap.signing_key] = self._signing_key
        self._public_overrides[bootstrap.captcha_artist] = self._artist

    def close(self) -> None:
        """Give the public function back its own key, artist and settings, and every function its limits
        on files (the ports and the file storage stay overridden)."""
        for provider in (bootstrap.signing_key, bootstrap.captcha_artist, public_routes.settings):
            if provider in self._saved:
                self._public_overrides[provider] = self._saved[provider]
            else:
                self._public_overrides.pop(provider, None)
        for overrides in self._overrides:
            overrides.pop(bootstrap.files_settings, None)

    def _ports(self) -> Ports:
        return self.ports

    def _storage(self) -> FileStorage:
        return self.storage

    def _registry(self) -> CompanyRegistry:
        return self.registry

    def _workflow(self) -> Workflow:
        return self.workflow

    def _invitations(self) -> Invitations:
        return self.invitations

    def _resend_requests(self) -> InvitationRequests:
        return self.resend_requests

    def _pseudonym_key(self) -> SigningKey:
        return self.pseudonym_key

    def _pusher(self) -> Pusher:
        return self.pusher

    def _signing_key(self) -> SigningKey:
        return self.signing_key

    def _artist(self) -> CaptchaArtist:
        return self.artist

    def public_settings(self, **changes: int) -> PublicSettings:
        """The public function's settings from now on: the environment's with ``changes`` (by field name),
        validated as the environment would be."""
        settings: PublicSettings = settings_with(PublicSettings, changes)
        self._public_overrides[public_routes.settings] = lambda: settings
        return settings

    def files_settings(self, **changes: Any) -> FilesSettings:
        """The limits on files from now on, of the functions that hand out forms and of the check: the
        environment's with ``changes`` (by field name: ``max_count=2``, ``malware_scanning=True``…)."""
        settings: FilesSettings = settings_with(FilesSettings, changes)
        self._files_settings = settings
        for overrides in self._overrides:
            overrides[bootstrap.files_settings] = lambda: settings
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
        ip: str | None = None,
        attachment_id: str | None = None,
        siret: str | None = None,
        operation_id: str | None = None,
        conversation_id: str | None = None,
        chat_id: str | None = None,
    ) -> Reply:
        spec = self.routes[route]
        event = copy.deepcopy(sample_event(route))
        parameters = {
            "number": number,
            "attachment_id": attachment_id,
            "siret": siret,
            "operation_id": operation_id,
            "conversation_id": conversation_id,
            "chat_id": chat_id,
        }
        if any(value is not None for value in parameters.values()):
            given = {name: str(value) for name, value in parameters.items() if value is not None}
            path_parameters = {**(event.get("pathParameters") or {}), **given}
            event["path"] = spec.path
            for name, value in path_parameters.items():
                event["path"] = event["path"].replace(f"{{{name}}}", value)
            event["pathParameters"] = path_parameters
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
        # The function's limits as the template declares them: its deadline is this invocation's timeout from now
        # (the idempotency records of retried requests expire in progress at that deadline).
        context = LambdaContext.of(self.template, spec.function, "req-1")
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

    def status(self, token: str | None) -> Reply:
        """POST /public/status with ``token`` in the body, as the status page sends its link's fragment."""
        return self.call("ticket_status", None, body={"token": token})

    # ---------------------------------------------------------------------------------- attachments
    def request_upload(self, user: str, number: int, name: str, size: int, content_type: str | None = None) -> Reply:
        """POST /tickets/{number}/attachments: « Ajouter un fichier » (the type is the extension's unless
        given)."""
        body = {"name": name, "content_type": content_type or type_of(name), "size": size}
        return self.call("request_upload", user, number, body=body)

    def attach(
        self,
        user: str,
        number: int,
        name: str,
        data: bytes,
        content_type: str | None = None,
        size: int | None = None,
    ) -> Attached:
        """The whole journey of a file: the upload form (for ``size`` bytes, the data's own size unless
        given), the upload of ``data`` to the form's key with the form's Content-Type, then the check S3
        triggers through EventBridge. Stops after the request when no form was handed out."""
        reply = self.request_upload(user, number, name, len(data) if size is None else size, content_type)
        if reply.status != 201:
            return Attached(reply)
        fields = reply.body["upload"]["fields"]
        self.objects.upload(fields["key"], fields["Content-Type"], data)
        return Attached(reply, fields["key"], self.stored(fields["key"], len(data)))

    def stored(self, key: str, size: int) -> str:
        """S3 stored an object at ``key``: the attachments function's real handler, as EventBridge calls it.
        Returns what it did (``accepted``, ``refused``, ``orphan deleted``)."""
        return self._attachments_event(object_created(self._bucket(), key, size))

    def scanned(self, key: str, clean: bool) -> str:
        """GuardDuty scanned the object at ``key``: the attachments function's handler with its verdict."""
        return self._attachments_event(scan_result(self._bucket(), key, clean))

    def _bucket(self) -> str:
        return (self._files_settings or load_settings(FilesSettings)).bucket

    def _attachments_event(self, event: dict[str, Any]) -> str:
        """The attachments function takes its ports and storage from ``bootstrap`` and its settings at cold
        start: for this call they are this Api's."""
        function = "AttachmentsFunction"
        module = load_handler_module(self.template, function)
        with ExitStack() as stack:
            stack.enter_context(mock.patch.object(bootstrap, "ports", self._ports))
            stack.enter_context(mock.patch.object(bootstrap, "file_storage", self._storage))
            if self._files_settings is not None:
                stack.enter_context(mock.patch.object(module, "files_settings", self._files_settings))
            result = handler_of(self.template, function)(event, LambdaContext.of(self.template, function))
        return str(result["outcome"])

    # ------------------------------------------------------------------------------------------- exports
    def call_raw(self, route: str, user: str | None, **arguments: Any) -> Reply:
        """``call`` for a route whose answer may not be JSON (a CSV): the body as the handler gave it (bytes if
        it was base64-encoded, else text), parsed only when the answer says it is JSON."""
        real = handler_of(self.template, self.routes[route].function)
        given: dict[str, Any] = {}

        def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
            result: dict[str, Any] = real(event, context)
            given.update(result)
            return {**result, "body": None}  # ``call`` parses no body: this one is read below

        with mock.patch(f"{__name__}.handler_of", return_value=invoke):
            reply = self.call(route, user, **arguments)
        body: Any = given.get("body")
        if body and given.get("isBase64Encoded"):
            body = base64.b64decode(body)
        elif body and "json" in reply.headers.get("Content-Type", ""):
            body = json.loads(body)
        return Reply(reply.status, body, reply.headers)

    def exports_settings(self, **changes: Any) -> Any:
        """The exports function's settings from now on: the environment's with ``changes`` (by field name:
        ``inline_max_bytes=200``), until ``forget_exports_settings``."""
        from chorus_desk.api.routes import exports as exports_routes
        from chorus_desk.settings import ExportsSettings

        aliases = {name: ExportsSettings.model_fields[name].alias or name for name in changes}
        settings = ExportsSettings.model_validate(
            {**load_settings(ExportsSettings).model_dump(by_alias=True), **{aliases[k]: v for k, v in changes.items()}}
        )
        overrides = load_handler_module(self.template, "ExportsFunction").app.dependency_overrides
        overrides[exports_routes.settings] = lambda: settings
        return settings

    def forget_exports_settings(self) -> None:
        """Give the exports function back the settings of its environment."""
        from chorus_desk.api.routes import exports as exports_routes

        overrides = load_handler_module(self.template, "ExportsFunction").app.dependency_overrides
        overrides.pop(exports_routes.settings, None)


def type_of(name: str) -> str:
    """The content type a browser declares for a file named ``name``."""
    known = files.FILE_TYPES.get(files.extension_of(name))
    return known.content_types[0] if known else "application/octet-stream"


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
