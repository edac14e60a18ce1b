"""Nothing personal leaves in a trace or a log line.

The routes that carry personal data run through the real handlers on moto (DynamoDB, S3, Secrets Manager, SES)
with tracing ENABLED: the X-Ray SDK's recorder, sampling everything, sends each segment and subsegment through
the functions' own emitter (``observability.PrivateEmitter``) to a transport that keeps the JSON documents the
X-Ray daemon would receive; botocore is patched as in the functions, so every AWS call is a subsegment too.
The desk's logger writes, at DEBUG (a superset of production's INFO), with its own JSON formatter, as
CloudWatch would receive it; what other loggers send to the root logger at WARNING and above (what Lambda
prints by default) is kept too.

The test puts in e-mail addresses, a phone number, names, free text, a file name, and gets back status
tokens, presigned links, an inline CSV export and assistant transcripts; none of them may be found in what
was traced or logged. A canary proves the capture is not blind: a function traced with Powertools' defaults
(responses captured) leaks its answer into the same documents.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import boto3
import pytest
from aws_lambda_powertools import Tracer
from aws_xray_sdk import global_sdk_config  # type: ignore[import-untyped]
from aws_xray_sdk.core import xray_recorder  # type: ignore[import-untyped]

from chorus_desk import bootstrap, observability
from chorus_desk.observability import PrivateEmitter, PrivateTracer, logger, tracer
from chorus_desk.usecases.public import status_link_token
from tests.fixtures import EMAILS, NAMES
from tests.invitation_support import deliver
from tests.mail_support import MailDesk, fresh_adapters, verify_sender
from tests.support import ROOT, Api, type_of

CONTACT = "edith.vasseur-tracee@menuiserie-dupont.example"
PHONE = "+33 6 71 42 93 58"
TITLE = "Relance facture FAC-TRACE-77 de Mme Vasseur"
DESCRIPTION = "Texte libre : mon RIB a changé, IBAN FR76 3000 6000 0112 3456 7890 189, merci de corriger."
FILE_NAME = "Arrêt maladie Edith Vasseur.pdf"
PDF = b"%PDF-1.4\n% arret maladie\n%%EOF\n"
VISITOR = "gaspard.lebreton-trace@exemple.fr"
VISITOR_TITLE = "Facture bloquée — Gaspard Lebreton"
VISITOR_TEXT = "Je suis Gaspard Lebreton, joignable au 06 98 76 54 32, ma facture ne part pas."
ASSISTANT_TEXT = "bonjour je suis Edith Vasseur et je veux inactiver ma structure"
PUBLIC_ASSISTANT_TEXT = "je ne trouve pas le mail avec le lien pour activer mon compte"
PENDING_ACCOUNT = "octave.pendant-trace@exemple.fr"
ANSWER = "Réponse du support à Mme Vasseur : le RIB est corrigé."
SENDER = os.environ["MAIL_SENDER"]


class Transport:
    """Where the emitter sends: the JSON documents of the entities, as the X-Ray daemon receives them."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    def send_entity(self, entity: Any) -> None:
        self.documents.append(json.loads(entity.serialize()))

    def set_daemon_address(self, address: str | None) -> None:
        """No daemon: nothing leaves the test."""


@dataclass
class Observed:
    """What the functions traced and logged during a test, and the secrets the test saw pass. ``stream`` is the
    desk's logger; ``printed`` what any other logger (a library's) sends to the root logger at WARNING and
    above, which Lambda prints to CloudWatch by default."""

    transport: Transport
    stream: io.StringIO
    printed: io.StringIO
    secrets: set[str] = field(default_factory=set)

    @property
    def traced(self) -> str:
        return "\n".join(json.dumps(d, ensure_ascii=False) for d in self.transport.documents)

    @property
    def logged(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]

    def subsegments(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []

        def walk(entity: dict[str, Any]) -> None:
            found.append(entity)
            for child in entity.get("subsegments", []):
                walk(child)

        for document in self.transport.documents:
            walk(document)
        return found

    def leaks(self) -> dict[str, list[str]]:
        """Each secret found in a trace or a log line (as is, URL-encoded or JSON-escaped), and where."""
        texts = {
            "traces": self.traced,
            "logs": json.dumps(self.logged, ensure_ascii=False),
            "root logger": self.printed.getvalue(),
        }
        found: dict[str, list[str]] = {}
        for value in sorted(self.secrets):
            for variant in {value, quote(value, safe=""), json.dumps(value, ensure_ascii=False)[1:-1]}:
                found.update({value: [where for where, text in texts.items() if variant in text]} if variant else {})
                if found.get(value):
                    break
        return {value: where for value, where in found.items() if where}


@pytest.fixture
def observed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Observed]:
    """Tracing on, as in Lambda (sampling everything, each subsegment sent when it ends, botocore patched), into
    a ``Transport`` behind the functions' emitter; the desk's logger at DEBUG into a stream, JSON-formatted."""
    transport, stream, printed = Transport(), io.StringIO(), io.StringIO()
    saved = (xray_recorder.emitter, xray_recorder.sampling, xray_recorder.streaming_threshold)
    global_sdk_config.set_sdk_enabled(True)
    monkeypatch.setattr(tracer, "disabled", False)
    xray_recorder.configure(
        emitter=PrivateEmitter(transport), sampling=False, streaming_threshold=0, context_missing="LOG_ERROR"
    )
    observability.trace_aws_calls()  # as bootstrap does where the functions build their clients
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    logger.setLevel("DEBUG")
    root = logging.StreamHandler(printed)
    root.setLevel(logging.WARNING)
    logging.getLogger().addHandler(root)
    xray_recorder.begin_segment("chorus-desk-test")  # Lambda's facade segment
    try:
        yield Observed(transport, stream, printed)
    finally:
        xray_recorder.end_segment()
        logging.getLogger().removeHandler(root)
        logger.setLevel("CRITICAL")
        logging.getLogger(logger.name).removeHandler(handler)
        xray_recorder.emitter, xray_recorder.sampling, xray_recorder.streaming_threshold = saved
        global_sdk_config.set_sdk_enabled(False)


def presigned_parts(url: str) -> set[str]:
    """A presigned link, and the parts of it that grant access (signature, credential, security token)."""
    query = parse_qs(urlsplit(url).query)
    granted = {v for k in ("X-Amz-Signature", "Signature", "X-Amz-Security-Token") for v in query.get(k, [])}
    return {url, *granted}


def csv_cells(text: str) -> set[str]:
    """The cells of an inline CSV export that are long enough to mean something (not a status or a date)."""
    return {cell.strip('"') for line in text.splitlines()[1:] for cell in line.split(";") if len(cell.strip('"')) > 12}


def walk_the_personal_routes(api: Api, seen: Observed) -> None:
    """Every route that carries personal data, each answered as expected; what each answer holds is a secret."""
    seen.secrets |= {CONTACT, PHONE, TITLE, DESCRIPTION, FILE_NAME, VISITOR, VISITOR_TITLE, VISITOR_TEXT, ANSWER}
    seen.secrets |= {ASSISTANT_TEXT, PENDING_ACCOUNT, "Edith Vasseur", "Gaspard Lebreton", "06 98 76 54 32"}
    seen.secrets |= {NAMES[u] for u in ("marie", "lucas", "sophie", "claire")} | {EMAILS["marie"], EMAILS["claire"]}

    # A draft with a contact e-mail and phone, free text; its detail; later, submitted and answered.
    created = api.create(
        "marie", submit=False, contact_email=CONTACT, contact_phone=PHONE, title=TITLE, description=DESCRIPTION
    )
    assert created.status == 201, created.body
    number = created.body["number"]
    detail = api.call("get_ticket", "marie", number)
    assert detail.status == 200 and CONTACT in json.dumps(detail.body) and PHONE in json.dumps(detail.body)

    # An attachment: the upload form (a presigned POST), the check, the download link; the recipient may not
    # remove it (the refusal names the file).
    attachment = attach(api, seen, number)
    download = api.call("download_attachment", "marie", number, attachment_id=attachment)
    assert download.status in (200, 303), download.body
    seen.secrets |= presigned_parts(download.headers.get("Location") or download.body["url"])
    assert api.call("submit_draft", "marie", number).status == 200
    assert api.call("take_in_charge", "lucas", number).status == 200
    refused = api.call("remove_attachment", "lucas", number, attachment_id=attachment)
    assert refused.status == 403 and FILE_NAME in refused.body["message"]
    assert api.call("answer", "lucas", number, body={"text": ANSWER}).status == 200

    # The inline CSV export of the emitter's tab.
    query = {"format": "CSV", "side": "EMITTER", "tab": "ONGOING"}
    export = api.call_raw("export_tickets", "marie", query=query)
    assert export.status == 200, export.body
    text = export.body.decode("utf-8-sig") if isinstance(export.body, bytes) else str(export.body)
    assert TITLE in text
    seen.secrets |= csv_cells(text)

    # The assistant: what a signed-in user types, the transcript read back.
    started = api.call("start_conversation", "claire", body=None)
    assert started.status == 201, started.body
    said = api.call("send_message", "claire", conversation_id=started.body["id"], body={"text": ASSISTANT_TEXT})
    assert said.status == 200, said.body
    transcript = api.call("get_conversation", "claire", conversation_id=started.body["id"])
    assert ASSISTANT_TEXT in json.dumps(transcript.body, ensure_ascii=False)

    # The public assistant: the activation link asked again for an address.
    api.invitations.pending = {PENDING_ACCOUNT}
    public = api.call("start_public_conversation", None, body=None)
    assert public.status == 201, public.body
    conversation = public.body["id"]
    for text in (PUBLIC_ASSISTANT_TEXT, PENDING_ACCOUNT):
        reply = api.call("send_public_message", None, conversation_id=conversation, body={"text": text})
        assert reply.status == 200, reply.body
    # …sent again by the private invitations function, behind the desk's bus (tests/test_invitations.py).
    assert deliver(api) == ["resent"]
    assert api.invitations.resent == [PENDING_ACCOUNT]
    assert api.call("get_public_conversation", None, conversation_id=conversation).status == 200

    # The non-connected ticket and its status behind the signed link (a forged one refused).
    challenge_id, answer = api.captcha()
    seen.secrets |= {challenge_id, answer}
    anonymous = api.create_anonymous(
        (challenge_id, answer), contact_email=VISITOR, title=VISITOR_TITLE, description=VISITOR_TEXT
    )
    assert anonymous.status == 201, anonymous.body
    token = api_status_token(api, anonymous.body["number"])
    seen.secrets.add(token)
    status = api.status(token)
    assert status.status == 200 and status.body["title"] == VISITOR_TITLE
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    seen.secrets.add(forged)
    assert api.status(forged).status == 404


def attach(api: Api, seen: Observed, number: int) -> str:
    """``FILE_NAME`` attached to draft ``number`` by Marie through its presigned form, checked: its id."""
    upload = api.request_upload("marie", number, FILE_NAME, len(PDF))
    assert upload.status == 201, upload.body
    fields = upload.body["upload"]["fields"]
    seen.secrets |= {v for k, v in fields.items() if k.lower() in ("policy", "x-amz-signature", "x-amz-security-token")}
    api.objects.upload(fields["key"], type_of(FILE_NAME), PDF)
    assert api.stored(fields["key"], len(PDF)) == "accepted"
    return str(upload.body["attachment"]["id"])


def api_status_token(api: Api, number: int) -> str:
    """The token of the link the mail function sends for ticket ``number``."""
    return status_link_token(api.signing_key, number, timedelta(days=90))


# ------------------------------------------------------------------------------------------------ tests
def test_no_trace_and_no_log_line_holds_personal_data(aws_api: Api, observed: Observed) -> None:
    walk_the_personal_routes(aws_api, observed)

    assert observed.leaks() == {}
    # The capture saw the requests: each route's subsegment, the AWS calls, the log lines of production's level.
    names = {s.get("name") for s in observed.subsegments()}
    for route in ("create_ticket", "get_ticket", "request_upload", "export_tickets", "send_message", "ticket_status"):
        assert any(str(n).endswith(f".{route}") for n in names), (route, sorted(map(str, names)))
    assert "## lambda_handler" in names
    assert {"dynamodb", "s3"} <= names  # the AWS calls (botocore patched), named by their endpoint
    assert any(s.get("aws", {}).get("operation") == "Query" for s in observed.subsegments())
    messages_logged = [line["message"] for line in observed.logged]
    assert {"ticket action applied", "upload form handed out", "request refused"} <= set(messages_logged)
    assert {line["level"] for line in observed.logged} >= {"INFO"}
    # No traced function left its answer or its error as metadata.
    assert not [s["metadata"] for s in observed.subsegments() if "metadata" in s]


def test_a_refusal_is_traced_as_a_fault_of_its_type_without_its_message(aws_api: Api, observed: Observed) -> None:
    created = aws_api.create("marie", submit=False, contact_email=CONTACT)
    number = created.body["number"]
    attachment = attach(aws_api, observed, number)
    assert aws_api.call("submit_draft", "marie", number).status == 200
    refused = aws_api.call("remove_attachment", "lucas", number, attachment_id=attachment)
    assert refused.status == 403 and FILE_NAME in refused.body["message"]

    (route,) = [s for s in observed.subsegments() if str(s.get("name")).endswith(".remove_attachment")]
    (exception,) = route["cause"]["exceptions"]
    assert route["fault"] is True
    assert exception["type"] == "Forbidden"
    assert "message" not in exception
    assert exception["stack"]  # where it was raised is kept
    assert FILE_NAME not in observed.traced


def test_an_unexpected_error_is_logged_and_traced_by_type_and_place_not_by_message(
    aws_api: Api, observed: Observed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug whose exception quotes the request (as a validation error or a KeyError does): the caller gets the
    French 500, the log says which exception and where, and nothing of what it quoted."""
    from chorus_desk.usecases import tickets

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError(f"champ inattendu : {CONTACT} / {PHONE}")

    monkeypatch.setattr(tickets, "load_visible", broken)
    observed.secrets |= {CONTACT, PHONE}

    reply = aws_api.call("get_ticket", "marie", 1)

    assert reply.status == 500 and reply.body["code"] == "ERREUR_INTERNE"
    assert observed.leaks() == {}
    (line,) = [entry for entry in observed.logged if entry["message"] == "unexpected error"]
    assert line["level"] == "ERROR" and line["exception_name"] == "ValueError"
    assert any(frame.endswith(" broken") for frame in line["stack"])
    (route,) = [s for s in observed.subsegments() if str(s.get("name")).endswith(".get_ticket")]
    assert [e["type"] for e in route["cause"]["exceptions"]] == ["ValueError"]


def test_the_mail_function_traces_and_logs_no_address_and_no_link(aws_api: Api, observed: Observed) -> None:
    key = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["SIGNING_SECRET_NAME"], SecretString=key)
    # The mail function counts its recipients under keyed pseudonyms (tests/test_brakes_mail.py).
    boto3.client("secretsmanager").create_secret(
        Name=os.environ["PSEUDONYM_SECRET_NAME"], SecretString=secrets.token_urlsafe(48)
    )
    verify_sender(SENDER)
    fresh_adapters()
    desk = MailDesk(aws_api.template, os.environ["TABLE_NAME"])
    desk.records()
    try:
        created = aws_api.create_anonymous(contact_email=VISITOR, title=VISITOR_TITLE, description=VISITOR_TEXT)
        assert created.status == 201, created.body

        (mail,) = desk.deliver().mails

        found = re.search(r"#(\S+)", mail.text)
        assert mail.to == VISITOR and found is not None
        observed.secrets |= {VISITOR, VISITOR_TITLE, VISITOR_TEXT, found.group(1), found.group(0)}
        assert observed.leaks() == {}
        assert any(line["message"] == "mail sent" for line in observed.logged)
        assert any(s.get("aws", {}).get("operation") == "SendEmail" for s in observed.subsegments())
    finally:
        fresh_adapters()
        bootstrap.clear()


def test_the_capture_is_not_blind_a_response_traced_with_powertools_defaults_leaks(
    observed: Observed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The canary: Powertools' own decorator, with its defaults (the environment does not say otherwise here),
    records an answer as metadata, and this test's capture finds it; the desk's tracer, on the same function,
    does not. The desk's tracer is what keeps the other tests clean."""
    monkeypatch.delenv("POWERTOOLS_TRACER_CAPTURE_RESPONSE", raising=False)
    leaked, kept = (f"canary-{secrets.token_hex(8)}@exemple.fr" for _ in range(2))
    observed.secrets |= {leaked, kept}

    def answer(email: str) -> dict[str, str]:
        return {"contact_email": email}

    Tracer.capture_method(tracer, answer)(leaked)  # Powertools' default: capture_response
    tracer.capture_method(answer)(kept)

    assert observed.leaks() == {leaked: ["traces"]}


# ------------------------------------------------------------------------------- the tracer's settings
def test_the_template_turns_off_response_and_error_capture_for_every_function(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    assert variables["POWERTOOLS_TRACER_CAPTURE_ERROR"] == "false"
    assert variables["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    for name, spec in template["Resources"].items():  # no function turns them back on
        own = (spec.get("Properties", {}).get("Environment") or {}).get("Variables", {})
        assert not {
            k for k in own if k.startswith("POWERTOOLS_TRACER_CAPTURE") or k == "POWERTOOLS_LOGGER_LOG_EVENT"
        }, name


def test_every_traced_function_uses_the_desks_private_tracer() -> None:
    """One Tracer in the code, the private one; no decorator asks for a response or an error to be captured."""
    sources = [
        p
        for folder in ("layers/common/chorus_desk", "functions")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    ]
    decorated = 0
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"capture_(response|error)\s*=\s*True", text), path
        assert not re.search(r"\bTracer\(", text) or path.name == "observability.py", path
        decorated += len(re.findall(r"@tracer\.capture_(method|lambda_handler)", text))
        if "@tracer." in text:
            assert re.search(r"from chorus_desk\.observability import [^\n]*\btracer\b", text), path
    assert decorated >= 51  # docs/decisions.md, « Nothing personal in traces or logs »
    assert isinstance(tracer, PrivateTracer)
