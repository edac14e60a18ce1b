"""The local stack's own routes, which the deployed API never has (they are not in template.yaml):

GET /_local/mails               the mails SES sent (moto's), oldest first: to, subject, date, text and HTML parts
GET /_local/captcha/{id}        the answer of a captcha challenge the public function drew, so that the
                                walk-through and the end-to-end tests can file a non-connected ticket
GET /_local/suivi               a bare stand-in for the portal's status page (the mails link to the portal's,
                                /suivi, since the portal has one): it reads the token from its fragment
                                (#<token>) and sends it in the body of POST /public/status, as the portal does
POST /_local/tick[?now=…&days=…] runs the template's schedules once (the automatic closing), as due now, at
                                ``now`` (ISO 8601 with its zone) or ``days`` days later (local_stack/schedules.py)
POST|GET /_local/chat/<api>/<stage>/@connections/<id>
                                the live chat's management API (PostToConnection, GetConnection):
                                a frame sent on the local WebSocket server's socket, 410 GoneException for one that
                                is closed (local_stack/websocket.py)

The gateway asks them first for any path under /_local/; they answer None for the paths they do not have.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from email.message import EmailMessage
from types import ModuleType
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

CHALLENGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # as the public route accepts it


# ------------------------------------------------------------------------------------------------ captcha
class RecordingArtist:
    """A captcha artist that remembers the texts it draws, then draws them with the function's own artist."""

    def __init__(self, artist: Any, texts: deque[str], lock: threading.Lock) -> None:
        self._artist = artist
        self._texts = texts
        self._lock = lock

    def draw(self, text: str) -> tuple[bytes, bytes]:
        with self._lock:
            self._texts.append(text)
        drawn: tuple[bytes, bytes] = self._artist.draw(text)
        return drawn


class CaptchaAnswers:
    """The texts the public function drew lately (bounded), and which one answers a given challenge."""

    def __init__(self, ports: Callable[[], Any] | None = None, kept: int = 1000) -> None:
        self._ports = ports  # the ports the public function stores its challenges in (default: bootstrap's)
        self._texts: deque[str] = deque(maxlen=kept)
        self._lock = threading.Lock()

    def install(self, module: ModuleType | Any) -> bool:
        """Wrap the captcha artist a function module provides (``app.dependency_overrides``); False if none."""
        from chorus_desk import bootstrap

        overrides = getattr(getattr(module, "app", None), "dependency_overrides", None)
        if not isinstance(overrides, dict) or bootstrap.captcha_artist not in overrides:
            return False
        original = overrides[bootstrap.captcha_artist]

        def recording_artist() -> RecordingArtist:
            return RecordingArtist(original(), self._texts, self._lock)

        overrides[bootstrap.captcha_artist] = recording_artist
        return True

    def answer(self, challenge_id: str) -> str | None:
        """The text drawn for that challenge, if it is still stored and was drawn by this stack."""
        from chorus_desk import bootstrap, captcha

        challenge = (self._ports or bootstrap.ports)().captchas.load_challenge(challenge_id)
        if challenge is None:
            return None
        with self._lock:
            texts = list(self._texts)
        return next((t for t in reversed(texts) if captcha.matches(t, challenge.salt, challenge.answer_hash)), None)


# -------------------------------------------------------------------------------------------------- mails
def sent_mails(region: str, account: str | None = None) -> list[dict[str, Any]]:
    """The mails moto's SES sent in this process, oldest first (SES v1 and v2 share them)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[account or DEFAULT_ACCOUNT_ID][region]
    return [mail_of(message) for message in list(backend.sent_messages)]


def mail_of(message: Any) -> dict[str, Any]:
    """One sent message: its raw MIME parsed (text and HTML parts decoded), or a simple message's fields."""
    raw = getattr(message, "raw_data", None)
    if raw is None:  # SendEmail with Simple content
        body = getattr(message, "body", "") or ""
        return {
            "id": message.id,
            "from": message.source,
            "to": ", ".join(getattr(message, "destinations", {}).get("ToAddresses", [])),
            "subject": getattr(message, "subject", ""),
            "date": "",
            "text": body,
            "html": "",
        }
    parsed = email.message_from_bytes(raw.encode("utf-8"), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return {
        "id": message.id,
        "from": str(parsed.get("From", "")),
        "to": str(parsed.get("To", "")),
        "subject": str(parsed.get("Subject", "")),
        "date": str(parsed.get("Date", "")),
        "text": _part(parsed, "plain"),
        "html": _part(parsed, "html"),
    }


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return ""
    content: str = part.get_content()
    return content


def render_mails(mails: list[dict[str, Any]], last: int | None = None) -> str:
    """The mails as a person reads them: To, Subject, Date, then the text part."""
    if not mails:
        return "No mail sent yet (the stream consumer sends them a moment after the action that calls for one)."
    shown = list(enumerate(mails, 1))[-last:] if last else list(enumerate(mails, 1))
    blocks = []
    for index, mail in shown:
        header = f"── mail {index} of {len(mails)} "
        blocks.append(
            "\n".join(
                [
                    header + "─" * max(0, 100 - len(header)),
                    f"From:    {mail['from']}",
                    f"To:      {mail['to']}",
                    f"Subject: {mail['subject']}",
                    f"Date:    {mail['date']}",
                    "",
                    mail["text"].rstrip(),
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------- status page
STATUS_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>Suivi du ticket (page locale)</title></head>
<body><h1>Suivi du ticket</h1>
<p><small>Local stand-in for the portal's status page: the token is this address's fragment, sent in the body
of POST /public/status, never in a URL.</small></p>
<pre id="answer">…</pre>
<script>
const token = decodeURIComponent(location.hash.slice(1));
fetch("/public/status", {method: "POST", headers: {"Content-Type": "application/json"},
                         body: JSON.stringify({token: token})})
  .then(async (reply) => { document.getElementById("answer").textContent =
      reply.status + "\n" + JSON.stringify(await reply.json(), null, 2); });
</script></body></html>"""


def render_events(events: list[dict[str, Any]], last: int | None = None) -> str:
    """The events put on the stack's buses, one line each (time, detail-type, what it is about), then the
    detail as published; the last ``last`` only if given."""
    shown = events[-last:] if last else events
    if not shown:
        return "No event was put on the stack's buses yet.\n"
    lines = []
    for event in shown:
        detail = event.get("detail") or {}
        about = ""
        if "ticket" in detail:
            moves = f"{detail.get('from_status') or '-'} → {detail.get('to_status')}"
            about = f"ticket {detail['ticket']} #{detail.get('seq')}  {detail.get('action')}  {moves}"
        lines.append(f"{event.get('time')}  {event.get('source')}  {event.get('detail-type'):<30} {about}".rstrip())
        lines.append(f"    {json.dumps(detail, ensure_ascii=False, sort_keys=True)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------- routes
class LocalRoutes:
    """The WSGI side of the local-only routes, called by the gateway for paths under /_local/."""

    def __init__(
        self,
        answers: CaptchaAnswers,
        mails: Callable[[], list[dict[str, Any]]],
        *,
        events: Callable[[], list[dict[str, Any]]] = list,
        tick: Callable[[str | None, str | None], list[dict[str, Any]]] | None = None,
        chat: Any | None = None,
    ) -> None:
        self._answers = answers
        self._mails = mails
        self._events = events
        self._tick = tick
        self._chat = chat  # the local WebSocket server (push, is_open), once started
        self._map = Map(
            [
                Rule("/_local/mails", methods=["GET"], endpoint="mails"),
                Rule("/_local/events", methods=["GET"], endpoint="events"),
                Rule("/_local/tick", methods=["POST"], endpoint="tick"),
                Rule("/_local/captcha/<challenge_id>", methods=["GET"], endpoint="captcha"),
                Rule("/_local/suivi", methods=["GET"], endpoint="status_page"),
                Rule(
                    "/_local/chat/<api>/<stage>/@connections/<connection_id>",
                    methods=["POST", "GET"],
                    endpoint="chat",
                ),
            ],
            strict_slashes=False,
        )

    def __call__(self, request: Request) -> Response | None:
        try:
            endpoint, arguments = self._map.bind("localhost").match(request.path, method=request.method)
        except HTTPException:
            return None
        if endpoint == "mails":
            return _json(self._mails())
        if endpoint == "events":
            return _json(self._events())
        if endpoint == "tick":
            return self._run_schedules(request)
        if endpoint == "chat":
            return self._manage(request, str(arguments["connection_id"]))
        if endpoint == "status_page":
            return Response(STATUS_PAGE, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})
        challenge_id = str(arguments["challenge_id"])
        answer = self._answers.answer(challenge_id) if CHALLENGE_ID.match(challenge_id) else None
        if answer is None:
            return _json({"message": f"No captcha challenge {challenge_id} drawn by this stack is stored."}, 404)
        return _json({"id": challenge_id, "answer": answer})

    def _manage(self, request: Request, connection_id: str) -> Response:
        """API Gateway's management API of the WebSocket API, as botocore reads its answers."""
        server = self._chat
        if server is None or not server.is_open(connection_id):
            body = {"message": f"Connection {connection_id} is gone."}
            return _gone(body)
        if request.method == "POST" and not server.push(connection_id, request.get_data()):
            return _gone({"message": f"Connection {connection_id} is gone."})
        if request.method == "GET":
            return _json({"identity": {"sourceIp": "127.0.0.1"}})
        return Response(status=200)

    def _run_schedules(self, request: Request) -> Response:
        from local_stack.schedules import TickError

        if self._tick is None:
            return _json({"message": "This stack runs no schedule."}, 404)
        try:
            return _json(self._tick(request.args.get("now"), request.args.get("days")))
        except TickError as error:
            return _json({"message": str(error)}, 400)


def _gone(body: dict[str, Any]) -> Response:
    """410 GoneException, as API Gateway answers PostToConnection for a closed socket."""
    reply = _json(body, 410)
    reply.headers["x-amzn-ErrorType"] = "GoneException"
    return reply


def _json(value: Any, status: int = 200) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=1 if isinstance(value, list) else None)
    return Response(body, status=status, content_type="application/json; charset=utf-8")
