"""The peer's side of ``make bench-peer``: django-helpdesk (``requirements-peer.txt``) on SQLite in a temporary
directory, the same operations as this project's side, through Django's test client. Run by ``bench/peer.py``
with the peer's own interpreter (``.venv-peer``); it imports nothing of this project and prints one JSON object.

Operations, each the peer's own route for it, as a staff agent (``is_staff``, logged in by session):

- create: ``POST /api/tickets/`` (JSON: queue, title, description, submitter e-mail, priority);
- detail: ``GET /api/tickets/<id>/`` (the ticket and its follow-ups);
- list of 25: the ticket list screen's data, ``GET /datatables_ticket_list/<query>`` with the screen's default
  query (open and reopened tickets, by creation date) and ``length=25``;
- search: the same with a keyword (``search_string``, the list screen's search box);
- resolve with a comment: ``POST /api/followups/`` with ``new_status`` resolved and a public comment.

Each sample is ``time.process_time`` around one request (the interpreter's CPU: user + system); the median of
``--runs`` samples is reported, with the median CPU spent inside the SQLite cursor's ``execute`` calls (the
"adapter" apart) and, in one pass that is not timed, the SQLite virtual-machine steps of the request (a progress
handler called at every step): what the database did, which grows with the rows it reads.

Django's log level is INFO (its handlers write to a null device), e-mail goes to Django's in-memory backend,
DEBUG is off: production's settings as far as the CPU is concerned.

``bench/peer_django.py --serve`` answers ``bench/peer.py``'s commands, one line each on stdin (``seed <size>``,
``measure <operation> <runs>``, ``name``), one JSON line each on stdout; anything else it prints goes to the null
device.
"""

# ruff: noqa: S106
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = ["facture", "mandat", "rejet", "électricité", "accès", "compte", "structure", "paiement", "avoir", "relance"]
RARE = "xylophone"  # in one ticket of ten: the search's word


def configure(folder: Path) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-a-secret",
        ALLOWED_HOSTS=["testserver"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "peer.sqlite3")}},
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.sites",
            "django.contrib.humanize",
            "rest_framework",
            "helpdesk",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        ROOT_URLCONF="peer_urls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        SITE_ID=1,
        USE_TZ=True,
        TIME_ZONE="Europe/Paris",
        MEDIA_ROOT=str(folder / "media"),
        STATIC_URL="/static/",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        HELPDESK_TEAMS_MODE_ENABLED=False,  # pinax-teams is an extra the peer does not need here
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # users are made once, not timed
        LOGGING={
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"null": {"class": "logging.FileHandler", "filename": os.devnull}},
            "root": {"handlers": ["null"], "level": "INFO"},
        },
    )
    (folder / "peer_urls.py").write_text(
        "from django.urls import include, path\nurlpatterns = [path('', include('helpdesk.urls'))]\n"
    )
    sys.path.insert(0, str(folder))
    django.setup()


class Cost:
    """CPU spent in the database cursor's ``execute`` (Django's execute wrapper), and SQLite's VM steps."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.steps = 0
        self.counting = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu += time.process_time() - started

    def step(self) -> int:
        self.steps += 1
        return 0


def seed(count: int, queue: Any, start: int) -> list[int]:
    """``count`` open tickets in the queue, one in ten with the rare word, created at one-minute steps."""
    from datetime import UTC, datetime, timedelta

    from django.db import transaction
    from helpdesk.models import Ticket

    base = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for n in range(start, start + count):
        words = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(3))
        extra = f" {RARE}" if n % 10 == 0 else ""
        ticket = Ticket(
            queue=queue,
            title=f"{words.capitalize()} n° {n}",
            description=f"Ticket {n} : {words}{extra}.",
            submitter_email=f"client{n % 97}@example.fr",
            status=Ticket.OPEN_STATUS,
            priority=3,
        )
        made.append(ticket)
    with transaction.atomic():
        created = Ticket.objects.bulk_create(made)
        for i, t in enumerate(created):  # distinct creation dates, as a real table has
            Ticket.objects.filter(pk=t.pk).update(created=base + timedelta(minutes=start + i))
    return [t.pk for t in created]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="answer the driver's commands (the only mode)")
    parser.parse_args(argv)
    protocol = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # anything the peer prints
    with tempfile.TemporaryDirectory(prefix="peer-") as tmp:
        folder = Path(tmp)
        configure(folder)
        import django
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from helpdesk.models import Queue
        from helpdesk.query import query_to_base64

        call_command("migrate", verbosity=0)
        agent = get_user_model().objects.create_user("agent", "agent@example.fr", "x", is_staff=True, is_superuser=True)
        queue = Queue.objects.create(title="Support", slug="support", allow_public_submission=True)
        client = Client()
        client.force_login(agent)
        cost = Cost()
        logging.getLogger("bench").info("peer ready")

        def measure(request: Callable[[int], Any], runs: int) -> dict[str, Any]:
            samples, inside = [], []
            for i in range(runs + 1):  # one unrecorded warm-up
                cost.cpu = 0.0
                started = time.process_time()
                with connection.execute_wrapper(cost):
                    reply = request(i)
                spent = time.process_time() - started
                assert reply.status_code in (200, 201), (reply.status_code, reply.content[:300])
                if i:
                    samples.append(spent * 1000)
                    inside.append(cost.cpu * 1000)
            cost.steps = 0  # one more, untimed: the database's own work
            connection.ensure_connection()
            raw = connection.connection
            raw.set_progress_handler(cost.step, 1)
            try:
                request(runs + 1)
            finally:
                raw.set_progress_handler(None, 1)
            return {"cpu_ms": samples, "adapter_ms": inside, "db_steps": float(cost.steps)}

        def listing(search: str = "") -> Callable[[int], Any]:
            query = query_to_base64(
                {
                    "filtering": {"status__in": [1, 2]},
                    "filtering_null": {},
                    "sorting": "created",
                    "sortreverse": True,
                    "search_string": search,
                }
            )
            url = f"/datatables_ticket_list/{query}"
            return lambda _: client.get(url, {"draw": "1", "start": "0", "length": "25"})

        numbers: list[int] = []
        resolved = 0  # the seeded open tickets are resolved in turn, each once
        body = {"queue": queue.pk, "title": "Facture rejetée", "priority": 3, "submitter_email": "marie@example.fr"}

        def create(i: int) -> Any:
            description = f"Ma facture n° {i} a été rejetée."
            return client.post("/api/tickets/", {**body, "description": description}, content_type="application/json")

        def detail(known: list[int]) -> Callable[[int], Any]:
            return lambda i: client.get(f"/api/tickets/{known[i % len(known)]}/")

        def resolver(first: int) -> Callable[[int], Any]:
            comment = {"comment": "Voici la solution.", "public": True, "new_status": 3}
            return lambda i: client.post(
                "/api/followups/", {"ticket": numbers[first + i], **comment}, content_type="application/json"
            )

        for line in sys.stdin:
            command, *arguments = line.rstrip("\n").split("\t")
            answer: dict[str, Any]
            if command == "seed":
                numbers += seed(int(arguments[0]) - len(numbers), queue, len(numbers) + 1)
                answer = {"seeded": len(numbers)}
            elif command == "name":
                answer = {"peer": f"django-helpdesk on Django {django.get_version()}"}
            else:
                name, runs = arguments[0], int(arguments[1])
                requests: dict[str, Callable[[int], Any]] = {
                    "list of 25": listing(),
                    "search, a word": listing(RARE),
                    "detail": detail(list(numbers)),
                    "create": create,
                    "resolve with a comment": resolver(resolved),
                }
                if name == "resolve with a comment":
                    resolved += runs + 2
                answer = measure(requests[name], runs)
            protocol.write(json.dumps(answer) + "\n")
            protocol.flush()


if __name__ == "__main__":
    main()
