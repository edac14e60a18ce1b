"""The assistant over the HTTP API, as a chat front end uses it: it shows the text and the choices of each
answer, sends back a choice's id or what the user typed, and the thumbs when they are offered.

Every path of the structure procedure of the guide (seed 004: activation; inactivation of a SIRET closed in
Sirene, of one still open with a takeover, without one; each refusal; « Retour » and « Annuler » at every
step; expiry), the five frequent questions from free text and what the assistant does after them (the
activation link sent again, a draft ticket), the feedback and the hand-over to an agent, the satisfaction
counts of the support, and the Powertools metrics. Storage matters for most of it: those tests run on the
in-memory ports and on DynamoDB (moto).

The inactivation's state machine does not run here: ``api.workflow`` records the executions it is asked
to start (``RecordedStarts``) and ``run_machine`` plays the machine's steps on them — the same use cases
(``usecases.structures``) in the order of statemachines/inactivate_structure.asl.json, a refusal caught
and recorded as the machine's ``Catch`` does. tests/test_assistant_machine.py runs the real one (moto).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from chorus_desk import faq, messages
from chorus_desk.errors import DeskError
from chorus_desk.faq import Topic
from chorus_desk.models import Membership, OperationState, OrgKind, OrgRef, Role, utc_now
from chorus_desk.observability import metrics
from chorus_desk.ports import Establishment
from chorus_desk.settings import PublicAssistantSettings, load_settings
from chorus_desk.usecases import assistant, structures
from chorus_desk.usecases.structures import Step
from tests.fixtures import CH_VIENNE, DUPONT, INACTIVE, SAINT_LEGER, STRUCTURES, USER_IDS
from tests.invitation_support import deliver, requested
from tests.support import Api, RecordedStarts

UNKNOWN_SIRET = "80123456800021"  # valid check digits, in Sirene, not in Chorus Pro
BAD_CHECKSUM = "21769001500012"  # SAINT_LEGER with its last digit changed
TOPICS = [f"TOPIC:{t.value}" for t in Topic]
NAME = os.environ["ASSISTANT_NAME"]  # the template's AssistantName, as the tests' environment sets it


def answer(topic: Topic, env: str) -> str:
    """A frequent answer as the assistant says it: the seed's text, then its page (``env``, the setting)."""
    link = messages.FAQ_FURTHER_LINK.format(label=messages.FAQ_LINK_LABELS[topic.value], url=os.environ[env])
    return f"{messages.FAQ_ANSWERS[topic.value]}\n\n{messages.FAQ_FURTHER.format(links=link)}"


@pytest.fixture(params=["memory", "dynamodb"])
def desk(request: pytest.FixtureRequest) -> Api:
    """The real handlers on the in-memory ports, then on DynamoDB (moto)."""
    fixture = "api" if request.param == "memory" else "aws_api"
    api: Api = request.getfixturevalue(fixture)
    return api


# ------------------------------------------------------------------------------------------ the client
@dataclass(frozen=True)
class Routes:
    start: str
    get: str
    send: str
    feedback: str


SIGNED_IN = Routes("start_conversation", "get_conversation", "send_message", "give_feedback")
PUBLIC = Routes("start_public_conversation", "get_public_conversation", "send_public_message", "give_public_feedback")


class Chat:
    """One conversation as a chat front end holds it: the id, and the last answer it shows."""

    def __init__(self, api: Api, user: str | None) -> None:
        self.api, self.user = api, user
        self.routes = SIGNED_IN if user else PUBLIC
        started = api.call(self.routes.start, user, body=None)
        assert started.status == 201, started.body
        where = "/public/assistant/conversations" if user is None else "/assistant/conversations"
        assert started.headers["Location"] == f"{where}/{started.body['id']}"  # where the client reads it again
        self.id: str = started.body["id"]
        self.reply: dict[str, Any] = started.body["reply"]
        self.seen: dict[str, str] = {}  # what each step said when it was reached

    # what the user does
    def choose(self, choice: str) -> dict[str, Any]:
        return self._answered(self.send({"choice": choice}))

    def say(self, text: str) -> dict[str, Any]:
        return self._answered(self.send({"text": text}))

    def send(self, body: Any) -> Any:
        """The message as it is sent, answered whatever the status (``choose`` and ``say`` expect a 200)."""
        return self.api.call(self.routes.send, self.user, conversation_id=self.id, body=body)

    def get(self) -> dict[str, Any]:
        reply = self.api.call(self.routes.get, self.user, conversation_id=self.id)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def rate(self, **body: Any) -> Any:
        return self.api.call(self.routes.feedback, self.user, conversation_id=self.id, body=body)

    def _answered(self, reply: Any) -> dict[str, Any]:
        assert reply.status == 200, reply.body
        assert reply.body["id"] == self.id
        self.reply = reply.body["reply"]
        return self.reply

    # what it shows
    @property
    def text(self) -> str:
        return str(self.reply["text"])

    @property
    def choices(self) -> list[str]:
        return [c["id"] for c in self.reply["choices"]]

    @property
    def labels(self) -> list[str]:
        return [c["label"] for c in self.reply["choices"]]

    # what is stored
    @property
    def stored(self) -> Any:
        conversation = self.api.ports.conversations.load_conversation(self.id)
        assert conversation is not None
        return conversation

    @property
    def step(self) -> str:
        return str(self.stored.step)


def procedure(api: Api, user: str, action: str) -> Chat:
    """A conversation at the SIRET step of « Activer / inactiver ma structure »: the guide's steps 2 to 4."""
    chat = Chat(api, user)
    chat.choose("TOPIC:STRUCTURE_PROCEDURE")
    assert chat.text == messages.ASSISTANT_STRUCTURE_TYPE
    assert chat.labels[:2] == ["Structure publique", "Structure privée"]
    chat.choose("PUBLIC")
    assert chat.text == messages.ASSISTANT_STRUCTURE_ACTION
    assert chat.labels[:2] == ["Activer une structure publique", "Inactiver une structure publique"]
    chat.choose(action)
    assert chat.text == messages.ASSISTANT_ASK_SIRET[action]
    assert chat.reply["accepts_text"] is True
    return chat


def establishment(siret: str, open_: bool) -> Establishment:
    name = STRUCTURES[siret].designation.upper()
    return Establishment(siret, name, open_, None if open_ else date(2025, 12, 31), "1 PLACE DE LA MAIRIE")


def manages(api: Api, alias: str, siret: str, role: Role = Role.SECONDARY_MANAGER) -> None:
    """Make ``alias`` a manager of ``siret`` too (the reference data, as the directory's import would)."""
    org = OrgRef(kind=OrgKind.STRUCTURE, id=siret)
    membership = Membership(org=org, org_name=STRUCTURES[siret].designation, role=role)
    api.ports.reference.put_reference_data(memberships=[(USER_IDS[alias], membership)])


def active(api: Api, siret: str) -> bool:
    structure = api.ports.directory.load_structure(siret)
    assert structure is not None
    return structure.active


def started(api: Api) -> list[tuple[str, dict[str, str | None]]]:
    """The executions ``api.workflow`` was asked to start: (operation id, input)."""
    assert isinstance(api.workflow, RecordedStarts)
    return api.workflow.started


def run_machine(api: Api) -> OperationState:
    """The last execution ``api.workflow`` was asked to start, played step by step as the state machine runs
    it (statemachines/inactivate_structure.asl.json): a refusal is caught and recorded as REFUSED with the
    runtime's error document as its cause, as the machine's ``Catch`` hands it over."""
    _, payload = started(api)[-1]
    step = Step.of(dict(payload))
    try:
        structures.check_requester(api.ports, step)
        if structures.look_up_registry(api.registry, step)["open"]:
            structures.check_takeover(api.ports, step)
            while not structures.move_batch(api.ports, step, 2)["done"]:
                pass
        structures.inactivate(api.ports, step)
    except DeskError as refusal:
        cause = json.dumps({"errorType": type(refusal).__name__, "errorMessage": refusal.message})
        structures.record_outcome(api.ports, step, "REFUSED", {"Error": type(refusal).__name__, "Cause": cause})
    else:
        structures.record_outcome(api.ports, step, "SUCCEEDED", None)
    operation = api.ports.operations.load_operation(step.operation_id)
    assert operation is not None
    return operation.state


def around_today() -> tuple[date, date]:
    """The days a rating given now may be counted on (yesterday to tomorrow, whatever the time zone)."""
    today = utc_now().date()
    return today - timedelta(days=1), today + timedelta(days=1)


@contextmanager
def clock(at: datetime) -> Iterator[None]:
    """The assistant's clock (``Context.now``) set to ``at`` for the requests made meanwhile."""
    with mock.patch("chorus_desk.api.routes.assistant.Context", functools.partial(assistant.Context, now=at)):
        yield


@contextmanager
def recorded_metrics() -> Iterator[list[str]]:
    """The names of the Powertools metrics added meanwhile (their flush is disabled in the tests)."""
    names: list[str] = []
    real = metrics.add_metric

    def add_metric(name: str, *args: Any, **kwargs: Any) -> None:
        names.append(name)
        real(name, *args, **kwargs)

    with mock.patch.object(metrics, "add_metric", add_metric):
        yield names


def error_message(reply: Any) -> str:
    """The French messages of a refusal, all in one text."""
    return " ".join([reply.body["message"], *(e["message"] for e in reply.body.get("errors", []))])


# ------------------------------------------------------------------------------------------ a conversation
def test_a_conversation_starts_with_the_greeting_and_the_topics(desk: Api) -> None:
    chat = Chat(desk, "marie")
    assert chat.text.startswith(messages.ASSISTANT_GREETING.format(name=NAME))
    assert chat.choices == TOPICS
    assert "Activer ou inactiver ma structure" in chat.labels
    assert chat.reply["accepts_text"] is True
    assert chat.reply["feedback"] is False
    got = chat.get()  # the current step's prompt (what was said before it is in the transcript)
    assert got["reply"] == {**chat.reply, "text": messages.ASSISTANT_WELCOME}
    assert [t["by"] for t in got["transcript"]] == ["ASSISTANT"]
    assert chat.stored.owner == USER_IDS["marie"]


def test_the_transcript_keeps_what_each_side_said(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment ajouter un espace")
    chat.choose("CONTINUE")
    transcript = [(t["by"], t["text"]) for t in chat.get()["transcript"]]
    assert transcript[1:] == [
        ("USER", "comment ajouter un espace"),
        ("ASSISTANT", answer(Topic.ADD_SPACES, "FAQ_LINK_SPACES")),
        ("USER", "Continuer notre conversation"),  # a choice is written with its label
        ("ASSISTANT", messages.ASSISTANT_WELCOME),
    ]


# ------------------------------------------------------------------------------- activating a structure
def test_activation_step_by_step_as_the_guide_shows_it(desk: Api) -> None:
    desk.registry.put(establishment(INACTIVE, open_=True))  # open again in Sirene: it may be activated
    assert not active(desk, INACTIVE)
    chat = procedure(desk, "claire", "ACTIVATE")
    chat.say(" 732 145 693 00014 ")  # spaces as people type them
    assert chat.choices == ["CONFIRM", "BACK", "CANCEL"]
    for shown in ("Ancienne régie des eaux", INACTIVE, "État dans Chorus Pro : Inactive", "Sirene : Ouvert"):
        assert shown in chat.text
    assert "l'activation" in chat.text
    assert active(desk, INACTIVE) is False
    chat.choose("CONFIRM")  # the structure (step 6)
    assert chat.text == messages.ASSISTANT_CONFIRM_ACTIVATION.format(
        designation="Ancienne régie des eaux", siret=INACTIVE
    )
    assert active(desk, INACTIVE) is False
    chat.choose("CONFIRM")  # the action (step 7)
    assert chat.text == messages.ASSISTANT_ACTIVATED.format(designation="Ancienne régie des eaux", siret=INACTIVE)
    assert chat.reply["feedback"] is True  # the thumbs, once the action is done (step 8)
    assert chat.choices == ["CONTINUE", "AGENT"]
    assert active(desk, INACTIVE) is True
    structure = desk.call("show_structure", "claire", siret=INACTIVE)
    assert structure.status == 200
    assert structure.body["active"] is True
    assert chat.step == assistant.DONE


def test_activating_a_structure_already_active_is_refused_at_the_siret(desk: Api) -> None:
    chat = procedure(desk, "claire", "ACTIVATE")
    chat.say(SAINT_LEGER)
    assert chat.text.startswith(messages.STRUCTURE_ALREADY_ACTIVE.format(name="Commune de Saint-Léger"))
    assert chat.text.endswith(messages.ASSISTANT_ASK_SIRET["ACTIVATE"])  # asked again, same step
    assert chat.step == assistant.ASK_SIRET


def test_activating_a_structure_closed_in_sirene_is_refused_at_the_siret(desk: Api) -> None:
    chat = procedure(desk, "claire", "ACTIVATE")
    chat.say(INACTIVE)  # closed in Sirene since 2024
    assert chat.text.startswith(messages.STRUCTURE_CLOSED_IN_REGISTRY.format(siret=INACTIVE))
    assert chat.step == assistant.ASK_SIRET
    assert not active(desk, INACTIVE)


def test_activated_meanwhile_by_another_manager_is_told_at_the_confirmation(api: Api) -> None:
    api.registry.put(establishment(INACTIVE, open_=True))
    chat = procedure(api, "claire", "ACTIVATE")
    chat.say(INACTIVE)
    chat.choose("CONFIRM")
    api.ports.reference.set_structure_active(INACTIVE, True)  # someone else, meanwhile
    chat.choose("CONFIRM")
    assert chat.text.startswith(messages.STRUCTURE_ALREADY_ACTIVE.format(name="Ancienne régie des eaux"))
    assert chat.choices == ["CONFIRM", "BACK", "CANCEL"]  # still at the confirmation: back or cancel


# ----------------------------------------------------------- inactivating, case 1: closed in Sirene
def test_inactivation_of_a_siret_closed_in_sirene(desk: Api) -> None:
    desk.registry.put(establishment(SAINT_LEGER, open_=False))
    chat = procedure(desk, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    for shown in ("Commune de Saint-Léger", SAINT_LEGER, "Chorus Pro : Active", "Sirene : Fermé", "l'inactivation"):
        assert shown in chat.text
    assert started(desk) == []
    chat.choose("CONFIRM")  # confirming the structure confirms the action (the guide's step 7)
    executions = started(desk)
    assert len(executions) == 1
    operation_id, payload = executions[0]
    assert payload == {
        "operation_id": operation_id,
        "siret": SAINT_LEGER,
        "takeover_siret": None,
        "requester_id": USER_IDS["claire"],
    }
    assert chat.step == assistant.FOLLOW
    assert chat.text == messages.ASSISTANT_RUNNING.format(designation="Commune de Saint-Léger")
    assert chat.reply["operation_id"] == operation_id
    assert chat.choices == ["REFRESH", "CONTINUE"]
    chat.choose("REFRESH")  # still running
    assert chat.step == assistant.FOLLOW
    assert chat.text == messages.ASSISTANT_RUNNING.format(designation="Commune de Saint-Léger")
    assert run_machine(desk) is OperationState.SUCCEEDED
    chat.choose("REFRESH")
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0)
    assert chat.reply["feedback"] is True
    assert chat.reply["operation_id"] == operation_id
    assert chat.choices == ["CONTINUE", "AGENT"]
    assert chat.step == assistant.DONE
    assert not active(desk, SAINT_LEGER)
    followed = desk.call("get_operation", "claire", operation_id=operation_id)
    assert followed.body["state"]["code"] == "SUCCEEDED"


def test_the_outcome_shows_as_soon_as_the_conversation_is_read_again(desk: Api) -> None:
    desk.registry.put(establishment(SAINT_LEGER, open_=False))
    chat = procedure(desk, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    run_machine(desk)
    reply = chat.get()["reply"]  # a client that polls with GET
    assert reply["text"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0)
    assert reply["feedback"] is True
    chat.reply = reply
    chat.choose("CONTINUE")
    assert chat.step == assistant.HOME


def test_a_stale_refresh_after_the_outcome_is_still_understood(desk: Api) -> None:
    """The client showed « Où en est l'opération ? » while it ran: pressed once it finished, it shows the outcome."""
    desk.registry.put(establishment(SAINT_LEGER, open_=False))
    chat = procedure(desk, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    run_machine(desk)
    chat.get()
    chat.choose("REFRESH")
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0)
    assert chat.step == assistant.DONE


def test_inactivating_a_structure_already_inactive_is_refused_at_the_siret(desk: Api) -> None:
    chat = procedure(desk, "claire", "INACTIVATE")
    chat.say(INACTIVE)
    assert chat.text.startswith(messages.STRUCTURE_ALREADY_INACTIVE.format(name="Ancienne régie des eaux"))
    assert chat.step == assistant.ASK_SIRET
    assert started(desk) == []


def test_an_inactivation_running_already_is_told(api: Api) -> None:
    api.registry.put(establishment(SAINT_LEGER, open_=False))
    first = procedure(api, "claire", "INACTIVATE")
    first.say(SAINT_LEGER)
    first.choose("CONFIRM")
    second = procedure(api, "claire", "INACTIVATE")
    second.say(SAINT_LEGER)
    second.choose("CONFIRM")
    assert second.text.startswith(messages.OPERATION_RUNNING.format(siret=SAINT_LEGER))
    assert second.step == assistant.CONFIRM_STRUCTURE
    assert len(started(api)) == 1


def test_a_refusal_of_the_machine_is_the_outcome(api: Api) -> None:
    """Demoted between the confirmation and the machine's check: the machine refuses, the assistant says why."""
    api.registry.put(establishment(SAINT_LEGER, open_=False))
    chat = procedure(api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    manages(api, "claire", SAINT_LEGER, Role.USER)
    assert run_machine(api) is OperationState.REFUSED
    chat.choose("REFRESH")
    assert chat.text == messages.NOT_A_MANAGER.format(name="Commune de Saint-Léger")
    assert chat.step == assistant.DONE
    assert active(api, SAINT_LEGER)


# ---------------------------------------------------------- inactivating, case 2: open in Sirene
def _to_takeover_question(api: Api) -> Chat:
    chat = procedure(api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)  # open in Sirene (the demo registry)
    assert "Sirene : Ouvert" in chat.text
    chat.choose("CONFIRM")
    assert chat.text == messages.ASSISTANT_TAKEOVER_EXISTS
    assert "Existe-t-il un autre SIRET reprenant l'activité ?" in chat.text
    assert chat.choices == ["YES", "NO", "BACK", "CANCEL"]
    return chat


def test_inactivation_of_a_siret_open_in_sirene_with_a_takeover(desk: Api) -> None:
    manages(desk, "claire", CH_VIENNE)
    chat = _to_takeover_question(desk)
    chat.choose("YES")
    assert chat.text == messages.ASSISTANT_ASK_TAKEOVER
    assert chat.reply["accepts_text"] is True
    chat.say(CH_VIENNE)
    assert chat.text == messages.ASSISTANT_CONFIRM_TAKEOVER.format(
        designation="Commune de Saint-Léger",
        siret=SAINT_LEGER,
        takeover="Centre hospitalier de Vienne",
        takeover_siret=CH_VIENNE,
    )
    assert chat.choices == ["CONFIRM", "BACK", "CANCEL"]
    assert started(desk) == []
    chat.choose("CONFIRM")
    operation_id, payload = started(desk)[-1]
    assert payload["siret"] == SAINT_LEGER
    assert payload["takeover_siret"] == CH_VIENNE
    assert chat.step == assistant.FOLLOW
    assert run_machine(desk) is OperationState.SUCCEEDED
    chat.choose("REFRESH")
    # Saint-Léger received three payment requests in the tests' world (FAC-2026-0101, -0102, LG-2026-007).
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=0)
    assert not active(desk, SAINT_LEGER)
    assert chat.reply["operation_id"] == operation_id


def test_without_a_takeover_the_inactivation_is_explained_and_nothing_starts(desk: Api) -> None:
    chat = _to_takeover_question(desk)
    chat.choose("NO")
    assert chat.text.startswith(messages.ASSISTANT_NO_TAKEOVER)
    assert chat.choices == TOPICS  # back home
    assert chat.step == assistant.HOME
    assert started(desk) == []
    assert active(desk, SAINT_LEGER)


@pytest.mark.parametrize(
    ("takeover", "said"),
    [
        (SAINT_LEGER, messages.TAKEOVER_SAME),
        (UNKNOWN_SIRET, messages.TAKEOVER_NOT_YOURS),
        (CH_VIENNE, messages.TAKEOVER_NOT_YOURS),  # not hers: the same answer as an unknown one, naming nothing
        (INACTIVE, messages.TAKEOVER_INACTIVE.format(name="Ancienne régie des eaux")),  # hers, inactive
        ("2135000280001", messages.ASSISTANT_SIRET_INVALID.format(value="2135000280001")),
        ("21350002800014", messages.ASSISTANT_SIRET_INVALID.format(value="21350002800014")),
    ],
    ids=["same", "unknown", "not-hers", "inactive", "13-digits", "bad-checksum"],
)
def test_a_takeover_siret_refused_at_once_is_asked_again(desk: Api, takeover: str, said: str) -> None:
    chat = _to_takeover_question(desk)
    chat.choose("YES")
    chat.say(takeover)
    assert chat.text == f"{said}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    assert started(desk) == []


def _takeover_refused_by_the_machine(api: Api) -> Chat:
    """claire's inactivation with the hospital as takeover (she manages it), confirmed; the hospital is then
    inactivated before the machine checks it: the machine refuses the takeover."""
    manages(api, "claire", CH_VIENNE)
    chat = _to_takeover_question(api)
    chat.choose("YES")
    chat.say(CH_VIENNE)
    assert "Centre hospitalier de Vienne" in chat.text
    chat.choose("CONFIRM")
    assert len(started(api)) == 1
    api.ports.reference.set_structure_active(CH_VIENNE, False)  # after the confirmation
    assert run_machine(api) is OperationState.REFUSED
    return chat


def test_a_takeover_refused_by_the_machine_asks_for_another_one(desk: Api) -> None:
    chat = _takeover_refused_by_the_machine(desk)
    chat.choose("REFRESH")
    refused = messages.TAKEOVER_INACTIVE.format(name="Centre hospitalier de Vienne")
    assert chat.text == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    assert chat.choices == ["BACK", "CANCEL"]
    assert active(desk, SAINT_LEGER)
    desk.ports.reference.set_structure_active(CH_VIENNE, True)  # active again: given once more, accepted
    chat.say(CH_VIENNE)
    assert "Centre hospitalier de Vienne" in chat.text
    chat.choose("CONFIRM")
    assert len(started(desk)) == 2
    assert started(desk)[-1][1]["takeover_siret"] == CH_VIENNE
    assert run_machine(desk) is OperationState.SUCCEEDED
    chat.choose("REFRESH")
    assert not active(desk, SAINT_LEGER)


def test_a_takeover_refused_by_the_machine_read_with_get_asks_for_another_one(api: Api) -> None:
    chat = _takeover_refused_by_the_machine(api)
    reply = chat.get()["reply"]  # a client that polls with GET
    refused = messages.TAKEOVER_INACTIVE.format(name="Centre hospitalier de Vienne")
    assert reply["text"] == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert reply["accepts_text"] is True
    chat.reply = reply
    chat.say("123")  # typed at once: the takeover step, with the reason
    invalid = messages.ASSISTANT_SIRET_INVALID.format(value="123")
    assert chat.text == f"{invalid}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    chat.say(CH_VIENNE)  # still inactive: refused at once this time, before any confirmation
    assert chat.text == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    api.ports.reference.set_structure_active(CH_VIENNE, True)
    chat.say(CH_VIENNE)
    assert chat.step == assistant.CONFIRM_ACTION
    assert "Centre hospitalier de Vienne" in chat.text
    chat.choose("BACK")
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    chat.choose("BACK")
    assert chat.step == assistant.ASK_TAKEOVER_EXISTS
    assert len(started(api)) == 1


def test_a_takeover_refused_then_cancelled(api: Api) -> None:
    chat = _takeover_refused_by_the_machine(api)
    chat.reply = chat.get()["reply"]
    assert chat.choices == ["CANCEL"]
    chat.choose("CANCEL")
    assert chat.step == assistant.HOME
    assert active(api, SAINT_LEGER)


def test_a_takeover_the_user_does_not_manage_is_refused_at_once(api: Api) -> None:
    """A simple member of the hospital knows it: told by name that only a manager of both may do it."""
    manages(api, "claire", CH_VIENNE, Role.USER)
    chat = _to_takeover_question(api)
    chat.choose("YES")
    chat.say(CH_VIENNE)
    refused = messages.TAKEOVER_NOT_MANAGED.format(name="Centre hospitalier de Vienne")
    assert chat.text == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    assert started(api) == []


# ------------------------------------------------------------------------------------ refusals at the SIRET
@pytest.mark.parametrize(
    ("user", "siret", "said"),
    [
        ("hugo", SAINT_LEGER, messages.NOT_A_MANAGER.format(name="Commune de Saint-Léger")),  # a simple user
        ("marie", SAINT_LEGER, messages.STRUCTURE_NOT_YOURS),  # a stranger: as if unknown, named nowhere
        ("claire", UNKNOWN_SIRET, messages.STRUCTURE_NOT_YOURS),
        ("marie", DUPONT, messages.STRUCTURE_NOT_PUBLIC.format(name="Menuiserie Dupont")),  # hers, private
        ("claire", BAD_CHECKSUM, messages.ASSISTANT_SIRET_INVALID.format(value=BAD_CHECKSUM)),
        ("claire", "2176900150001", messages.ASSISTANT_SIRET_INVALID.format(value="2176900150001")),
        ("claire", "la mairie", messages.ASSISTANT_SIRET_INVALID.format(value="la mairie")),
    ],
    ids=["not-a-manager", "not-a-member", "unknown", "private", "bad-checksum", "13-digits", "letters"],
)
@pytest.mark.parametrize("action", ["ACTIVATE", "INACTIVATE"])
def test_a_siret_refused_is_asked_again_with_the_reason(
    desk: Api, action: str, user: str, siret: str, said: str
) -> None:
    chat = procedure(desk, user, action)
    chat.say(siret)
    assert chat.text == f"{said}\n\n{messages.ASSISTANT_ASK_SIRET[action]}"
    assert chat.step == assistant.ASK_SIRET  # the step is unchanged
    assert chat.choices == ["BACK", "CANCEL"]
    assert chat.reply["accepts_text"] is True
    assert chat.stored.trail == (assistant.HOME, assistant.STRUCTURE_TYPE, assistant.STRUCTURE_ACTION)
    assert started(desk) == []


def test_a_private_structure_is_sent_to_an_agent(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.choose("TOPIC:STRUCTURE_PROCEDURE")
    chat.choose("PRIVATE")
    assert chat.text.startswith(messages.ASSISTANT_PRIVATE_STRUCTURE)
    assert chat.step == assistant.HOME


# ------------------------------------------------------------------------------------ back and cancel
def _walk_to(api: Api, step: str) -> Chat:
    """claire's conversation brought to ``step`` of the procedure (an inactivation with a takeover where
    that is needed: every step of the guide)."""
    manages(api, "claire", CH_VIENNE)
    chat = Chat(api, "claire")
    path = [
        (assistant.STRUCTURE_TYPE, {"choice": "TOPIC:STRUCTURE_PROCEDURE"}),
        (assistant.STRUCTURE_ACTION, {"choice": "PUBLIC"}),
        (assistant.ASK_SIRET, {"choice": "INACTIVATE"}),
        (assistant.CONFIRM_STRUCTURE, {"text": SAINT_LEGER}),
        (assistant.ASK_TAKEOVER_EXISTS, {"choice": "CONFIRM"}),
        (assistant.ASK_TAKEOVER_SIRET, {"choice": "YES"}),
        (assistant.CONFIRM_ACTION, {"text": CH_VIENNE}),
    ]
    for reached, message in path:
        chat._answered(chat.send(message))
        assert chat.step == reached
        chat.seen[reached] = chat.text
        if reached == step:
            return chat
    raise AssertionError(step)


BACK_TO = {
    assistant.STRUCTURE_ACTION: assistant.STRUCTURE_TYPE,
    assistant.ASK_SIRET: assistant.STRUCTURE_ACTION,
    assistant.CONFIRM_STRUCTURE: assistant.ASK_SIRET,
    assistant.ASK_TAKEOVER_EXISTS: assistant.CONFIRM_STRUCTURE,
    assistant.ASK_TAKEOVER_SIRET: assistant.ASK_TAKEOVER_EXISTS,
    assistant.CONFIRM_ACTION: assistant.ASK_TAKEOVER_SIRET,
}


@pytest.mark.parametrize("step", list(BACK_TO))
def test_back_returns_to_the_previous_prompt(desk: Api, step: str) -> None:
    chat = _walk_to(desk, step)
    chat.choose("BACK")
    previous = BACK_TO[step]
    assert chat.step == previous
    assert chat.text == chat.seen[previous]  # the previous prompt, as it was said when that step was reached
    assert started(desk) == []


def test_back_at_the_first_step_is_not_offered_cancel_is(desk: Api) -> None:
    chat = _walk_to(desk, assistant.STRUCTURE_TYPE)
    assert "BACK" not in chat.choices
    refused = chat.send({"choice": "BACK"})
    assert refused.status == 400
    assert "« BACK » n'est pas proposé" in error_message(refused)


def test_back_all_the_way_then_forward_again(desk: Api) -> None:
    chat = _walk_to(desk, assistant.CONFIRM_ACTION)
    for _ in range(len(BACK_TO)):
        chat.choose("BACK")
    assert chat.step == assistant.STRUCTURE_TYPE
    chat.choose("PUBLIC")
    chat.choose("ACTIVATE")  # another action this time
    chat.say(SAINT_LEGER)
    assert chat.text.startswith(messages.STRUCTURE_ALREADY_ACTIVE.format(name="Commune de Saint-Léger"))


@pytest.mark.parametrize("step", [assistant.STRUCTURE_TYPE, *BACK_TO])
def test_cancel_at_any_step_goes_home_and_changes_nothing(desk: Api, step: str) -> None:
    chat = _walk_to(desk, step)
    assert "CANCEL" in chat.choices
    chat.choose("CANCEL")
    assert chat.text.startswith(messages.ASSISTANT_CANCELLED)
    assert chat.choices == TOPICS
    assert chat.step == assistant.HOME
    assert chat.stored.trail == ()
    assert chat.stored.data == {}
    assert started(desk) == []
    assert active(desk, SAINT_LEGER)
    assert desk.ports.operations.load_operation("x") is None


# ------------------------------------------------------------------------------------ what is refused
def test_a_choice_not_offered_is_refused_in_french(desk: Api) -> None:
    chat = procedure(desk, "claire", "INACTIVATE")
    refused = chat.send({"choice": "CONFIRM"})
    assert refused.status == 400
    assert refused.body["errors"] == [
        {"field": "choice", "message": messages.ASSISTANT_CHOICE_NOT_OFFERED.format(choice="CONFIRM")}
    ]
    assert chat.step == assistant.ASK_SIRET  # nothing moved
    assert len(chat.get()["transcript"]) == 1 + 2 * 3  # the greeting, then the three messages that moved it


@pytest.mark.parametrize(
    "body",
    [{}, {"choice": None, "text": None}, {"text": "   "}, {"choice": "CONTINUE", "text": "salut"}],
    ids=["neither", "both-null", "blank-text", "both"],
)
def test_neither_or_both_a_choice_and_a_text_is_refused(desk: Api, body: dict[str, Any]) -> None:
    chat = Chat(desk, "marie")
    refused = chat.send(body)
    assert refused.status == 400
    assert error_message(refused).count(messages.ASSISTANT_ONE_INPUT) == 1
    assert chat.stored.version == 1


def test_a_text_where_only_choices_are_offered_is_refused(desk: Api) -> None:
    chat = _walk_to(desk, assistant.STRUCTURE_TYPE)
    refused = chat.send({"text": "publique"})
    assert refused.status == 400
    assert messages.ASSISTANT_CHOOSE in error_message(refused)


@pytest.mark.parametrize(
    "body",
    [
        {"choice": ""},
        {"choice": "X" * 65},
        {"text": "x" * 2001},
        {"choice": 3},
        {"text": ["a"]},
        {"text": "salut", "extra": 1},
        [],
        "texte",
    ],
    ids=["empty-choice", "long-choice", "long-text", "int-choice", "list-text", "extra-field", "list", "string"],
)
def test_malformed_messages_are_refused_in_french(desk: Api, body: Any) -> None:
    chat = Chat(desk, "marie")
    refused = chat.send(body)
    assert refused.status == 400, refused.body
    assert refused.body["message"]
    assert chat.stored.version == 1


def test_a_body_that_is_not_json_is_refused(api: Api) -> None:
    chat = Chat(api, "marie")
    refused = api.call("send_message", "marie", conversation_id=chat.id, raw_body="{choice")
    assert refused.status == 400


@pytest.mark.parametrize("conversation_id", ["short", "a" * 65, "../../etc/passwd0000", "é" * 20])
def test_a_malformed_conversation_id_is_refused(api: Api, conversation_id: str) -> None:
    reply = api.call("get_conversation", "marie", conversation_id=conversation_id)
    assert reply.status in (400, 404)
    assert reply.status != 500


def test_an_unknown_conversation_is_404(desk: Api) -> None:
    reply = desk.call("get_conversation", "marie", conversation_id="x" * 22)
    assert reply.status == 404
    assert reply.body["message"] == messages.CONVERSATION_NOT_FOUND


# ------------------------------------------------------------------------------------ whose conversation
def test_another_users_conversation_is_404(desk: Api) -> None:
    chat = Chat(desk, "marie")
    for route, body in (
        ("get_conversation", None),
        ("send_message", {"text": "salut"}),
        ("give_feedback", {"rating": "UP"}),
    ):
        reply = desk.call(route, "paul", conversation_id=chat.id, body=body)
        assert reply.status == 404, route
        assert reply.body["message"] == messages.CONVERSATION_NOT_FOUND
    assert chat.stored.version == 1
    assert chat.stored.feedback == ()


def test_an_anonymous_conversation_is_not_reached_through_the_signed_in_routes(desk: Api) -> None:
    anonymous = Chat(desk, None)
    assert anonymous.stored.owner is None
    for route, body in (
        ("get_conversation", None),
        ("send_message", {"text": "salut"}),
        ("give_feedback", {"rating": "UP"}),
    ):
        assert desk.call(route, "marie", conversation_id=anonymous.id, body=body).status == 404, route


def test_a_signed_in_conversation_is_not_reached_through_the_public_routes(desk: Api) -> None:
    chat = Chat(desk, "marie")
    for route, body in (
        ("get_public_conversation", None),
        ("send_public_message", {"text": "salut"}),
        ("give_public_feedback", {"rating": "UP"}),
    ):
        assert desk.call(route, None, conversation_id=chat.id, body=body).status == 404, route


def test_the_signed_in_routes_need_a_signed_in_user(api: Api) -> None:
    chat = Chat(api, "marie")
    assert api.call("start_conversation", None, body=None).status == 401
    assert api.call("get_conversation", None, conversation_id=chat.id).status == 401


def test_an_anonymous_visitor_asking_for_the_structure_procedure_is_told_to_sign_in(desk: Api) -> None:
    chat = Chat(desk, None)
    chat.choose("TOPIC:STRUCTURE_PROCEDURE")
    assert chat.text.startswith(messages.ASSISTANT_SIGN_IN_REQUIRED)
    assert chat.step == assistant.HOME
    chat.say("je veux inactiver ma structure")
    assert chat.text.startswith(messages.ASSISTANT_SIGN_IN_REQUIRED)
    assert chat.step == assistant.HOME


# ------------------------------------------------------------------------------------------- expiry
def test_a_conversation_expires_after_its_idle_time(desk: Api) -> None:
    chat = procedure(desk, "claire", "INACTIVATE")
    later = utc_now() + assistant.IDLE - timedelta(minutes=1)
    with clock(later):
        chat.say(SAINT_LEGER)  # in time: the expiry moves on
    assert chat.stored.expires_at == later + assistant.IDLE
    with clock(later + assistant.IDLE + timedelta(seconds=1)):
        for route, body in (
            ("get_conversation", None),
            ("send_message", {"choice": "CONFIRM"}),
            ("give_feedback", {"rating": "UP"}),
        ):
            reply = desk.call(route, "claire", conversation_id=chat.id, body=body)
            assert reply.status == 410, route
            assert reply.body["message"] == messages.CONVERSATION_EXPIRED
    assert chat.step == assistant.CONFIRM_STRUCTURE
    assert started(desk) == []


def test_an_expired_conversation_stored_as_such_is_410(desk: Api) -> None:
    chat = Chat(desk, None)
    stored = chat.stored
    expired = stored.model_copy(update={"expires_at": utc_now() - timedelta(seconds=1), "version": 2})
    desk.ports.conversations.save_conversation(expired, 1)
    for route, body in (
        ("get_public_conversation", None),
        ("send_public_message", {"text": "salut"}),
        ("give_public_feedback", {"rating": "UP"}),
    ):
        reply = desk.call(route, None, conversation_id=chat.id, body=body)
        assert reply.status == 410, route
        assert reply.body["message"] == messages.CONVERSATION_EXPIRED


def test_an_expired_conversation_of_someone_else_is_404_not_410(api: Api) -> None:
    chat = Chat(api, "marie")
    with clock(utc_now() + assistant.IDLE * 2):
        assert api.call("get_conversation", "paul", conversation_id=chat.id).status == 404


# ------------------------------------------------------------------------------ the frequent questions
FREE_TEXT: dict[Topic, tuple[str, ...]] = {
    Topic.CREATE_ACCOUNT: (
        "comment je cree mon compte ?",
        "tu peux m'aider a m'inscrire sur chorus",
        "Je n'ai encore aucun compte sur Chorus Pro : que dois-je faire ?",
        "cretion de compte",
    ),
    Topic.ACTIVATION_LINK: (
        "je ne trouve pas le mail avec le lien pour activer mon compte",
        "jai jamais recu le lien d'activation",
        "tu peux me renvoyer le lien d’activation stp",
        "le lien pour valider mon inscription a expiré",
    ),
    Topic.ADD_SPACES: (
        "comment ajouter un espace",
        "tu rajoutes comment un nouvel espace ?",
        "il me manque l'onglet factures recues",
        "ajouter des fonctionalités",
    ),
    Topic.MANAGER_LEFT: (
        "notre gestionnaire principal a démissionné",
        "notre gestionaire principal a quitté la société",
        "l'administrateur n'est plus la, comment nommer un nouveau gestionnaire",
        "notre gestionnaire principal est à la retraite depuis un mois",
    ),
    Topic.SUBCONTRACTING: (
        "comment deposer une facture de sous-traitance",
        "je suis sous traitant, ou je mets ma facture ?",
        "facture de cotraitance dans un groupement",
        "le titulaire du marche doit valider ma facture ?",
    ),
}
FOLLOW_UP_STEP = {
    Topic.CREATE_ACCOUNT: assistant.DONE,
    Topic.ACTIVATION_LINK: assistant.ASK_EMAIL,
    Topic.ADD_SPACES: assistant.DONE,
    Topic.MANAGER_LEFT: assistant.OFFER_TICKET,
    Topic.SUBCONTRACTING: assistant.DONE,
}


@pytest.mark.parametrize(
    ("topic", "text"), [(topic, text) for topic, texts in FREE_TEXT.items() for text in texts], ids=repr
)
def test_the_five_frequent_questions_are_answered_in_french_from_free_text(api: Api, topic: Topic, text: str) -> None:
    chat = Chat(api, "marie")
    chat.say(text)
    assert chat.text.startswith(messages.FAQ_ANSWERS[topic.value]), chat.text
    assert chat.step == FOLLOW_UP_STEP[topic]


@pytest.mark.parametrize("topic", list(FREE_TEXT))
def test_the_frequent_questions_as_choices_and_for_anonymous_visitors(desk: Api, topic: Topic) -> None:
    chat = Chat(desk, None)
    chat.choose(f"TOPIC:{topic.value}")
    assert chat.text.startswith(messages.FAQ_ANSWERS[topic.value])
    if FOLLOW_UP_STEP[topic] == assistant.DONE:
        assert chat.reply["feedback"] is True
        assert chat.choices == ["CONTINUE", "AGENT"]


def test_a_question_after_an_answer_is_understood_too(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment ajouter un espace")
    assert chat.step == assistant.DONE
    chat.say("et pour les factures de sous traitance ?")
    assert chat.text.startswith(messages.FAQ_ANSWERS["SUBCONTRACTING"])


@pytest.mark.parametrize("text", ["azerty qsdf", "salut", "quelle est la météo demain ?", "!!!", "12345678901234"])
def test_gibberish_is_not_understood_and_the_topics_are_listed(desk: Api, text: str) -> None:
    chat = Chat(desk, "marie")
    with recorded_metrics() as names:
        chat.say(text)
    assert chat.text.startswith("Je n'ai pas compris")
    assert chat.text.startswith(messages.ASSISTANT_NOT_UNDERSTOOD)
    assert chat.choices == TOPICS
    assert chat.reply["accepts_text"] is True
    assert chat.step == assistant.HOME
    assert "AssistantNotUnderstood" in names


def test_free_text_opens_the_structure_procedure(desk: Api) -> None:
    chat = Chat(desk, "claire")
    chat.say("je veux inactiver ma structure")
    assert chat.text == messages.ASSISTANT_STRUCTURE_TYPE
    assert chat.step == assistant.STRUCTURE_TYPE


# --------------------------------------------------------------------------- the activation link again
@pytest.mark.parametrize("user", ["marie", None], ids=["signed-in", "anonymous"])
def test_the_activation_link_is_sent_again_with_the_same_answer_whether_the_address_exists(
    desk: Api, user: str | None
) -> None:
    desk.invitations.pending = {"nouveau.venu@exemple.fr"}
    answers = []
    for email in ("Nouveau.Venu@exemple.fr", "inconnu@exemple.fr"):
        chat = Chat(desk, user)
        chat.say("je ne trouve pas le mail avec le lien pour activer mon compte")
        assert chat.text == f"{answer(Topic.ACTIVATION_LINK, 'FAQ_LINK_ACTIVATION')}\n\n{messages.ASSISTANT_ASK_EMAIL}"
        assert chat.reply["accepts_text"] is True
        assert chat.choices == ["CANCEL"]
        chat.say("pas-une-adresse")
        assert chat.text == f"{messages.ASSISTANT_EMAIL_INVALID}\n\n{messages.ASSISTANT_ASK_EMAIL}"
        assert chat.step == assistant.ASK_EMAIL
        chat.say(f"  {email} ")
        answers.append(chat.reply)
        assert chat.step == assistant.DONE
    assert answers[0] == answers[1]  # nothing tells an address that exists from one that does not
    assert answers[0]["text"] == messages.ASSISTANT_LINK_SENT
    # Both requests are handed to InvitationsFunction (the assistant never asks Cognito), which resends one.
    assert requested(desk) == ["Nouveau.Venu@exemple.fr", "inconnu@exemple.fr"]
    assert deliver(desk) == ["resent", "not waiting"]
    assert desk.invitations.resent == ["Nouveau.Venu@exemple.fr"]


def test_a_conversation_asks_for_three_addresses_at_most(api: Api) -> None:
    addresses = [f"compte.{i}@exemple.fr" for i in range(assistant.MAX_RESENDS + 1)]
    chat = Chat(api, None)
    for email in addresses[:-1]:
        chat.choose("TOPIC:ACTIVATION_LINK")
        chat.say(email)
        assert chat.text == messages.ASSISTANT_LINK_SENT
        chat.choose("CONTINUE")
    chat.choose("TOPIC:ACTIVATION_LINK")
    chat.say(addresses[-1])
    assert chat.text == messages.ASSISTANT_TOO_MANY_RESENDS
    assert requested(api) == addresses[:-1]


def test_asking_for_the_email_can_be_cancelled(api: Api) -> None:
    chat = Chat(api, None)
    chat.choose("TOPIC:ACTIVATION_LINK")
    chat.choose("CANCEL")
    assert chat.step == assistant.HOME
    assert requested(api) == []


# ------------------------------------------------------------------------ the principal manager left
def test_the_manager_left_offers_a_draft_ticket_with_the_conversation(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("notre gestionnaire principal a démissionné")
    assert chat.text.startswith(messages.FAQ_ANSWERS["MANAGER_LEFT"])
    assert chat.text.endswith(
        messages.ASSISTANT_OFFER_TICKET.format(
            category="Gestion des structures et utilisateurs", subcategory="Modification des droits des utilisateurs"
        )
    )
    assert chat.choices == ["YES", "NO"]
    transcript = chat.get()["transcript"]
    chat.choose("YES")
    number = int(chat.stored.data["ticket"])
    assert chat.text == messages.ASSISTANT_DRAFT_READY.format(number=number)
    ticket = desk.call("get_ticket", "marie", number)
    assert ticket.status == 200
    assert ticket.body["status"]["code"] == "DRAFT"
    assert ticket.body["category"]["code"] == "GESTION_STRUCTURES_UTILISATEURS"
    assert ticket.body["subcategory"]["code"] == "MODIFICATION_DROITS_UTILISATEURS"
    assert ticket.body["emitter"]["siret"] == DUPONT
    assert ticket.body["title"] == messages.ASSISTANT_TICKET_TITLE.format(name=NAME)
    description = ticket.body["description"]
    assert "Vous : notre gestionnaire principal a démissionné" in description
    assert f"{NAME} : Bonjour, je suis {NAME}, l'assistante virtuelle de Chorus Pro." in description
    assert description.count("\n[") == len(transcript) - 1 + sum(t["text"].count("\n[") for t in transcript)
    assert desk.call("get_ticket", "paul", number).status == 200  # a draft of Menuiserie Dupont…
    assert desk.call("get_ticket", "claire", number).status == 404  # …for its members only


def test_the_transcript_of_a_ticket_is_in_paris_time(api: Api) -> None:
    with clock(datetime(2026, 7, 14, 21, 5, tzinfo=UTC)):
        chat = Chat(api, "marie")
        chat.say("notre gestionnaire principal a démissionné")
        chat.choose("YES")
    description = api.call("get_ticket", "marie", int(chat.stored.data["ticket"])).body["description"]
    assert description.startswith(f"[14/07/2026 23:05] {NAME} : {messages.ASSISTANT_GREETING.format(name=NAME)}")
    assert "[14/07/2026 23:05] Vous : notre gestionnaire principal a démissionné" in description


def test_the_manager_left_without_a_ticket(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("notre gestionnaire principal a démissionné")
    chat.choose("NO")
    assert chat.step == assistant.HOME
    assert desk.call("list_tab", "marie", query={"side": "EMITTER", "tab": "DRAFTS"}).body["items"] == []


def test_an_anonymous_visitor_is_sent_to_the_non_connected_form(desk: Api) -> None:
    chat = Chat(desk, None)
    chat.say("notre gestionnaire principal a quitté l'entreprise")
    assert chat.choices == ["YES", "NO"]
    chat.choose("YES")
    assert chat.text == messages.ASSISTANT_USE_PUBLIC_FORM
    assert "non connecté" in chat.text


def test_someone_of_no_structure_cannot_get_a_draft(api: Api) -> None:
    chat = Chat(api, "emma")  # a member of a team only
    chat.say("notre gestionnaire principal a démissionné")
    chat.choose("YES")
    assert chat.text.startswith(messages.ASSISTANT_NO_STRUCTURE)
    assert chat.step == assistant.OFFER_TICKET


# ------------------------------------------------------------------------------------------- feedback
def _answered(api: Api, user: str | None) -> Chat:
    chat = Chat(api, user)
    chat.say("comment ajouter un espace")
    assert chat.reply["feedback"] is True
    return chat


@pytest.mark.parametrize("user", ["marie", None], ids=["signed-in", "anonymous"])
def test_thumbs_up(desk: Api, user: str | None) -> None:
    chat = _answered(desk, user)
    with recorded_metrics() as names:
        reply = chat.rate(rating="UP")
    assert reply.status == 200, reply.body
    assert reply.body["reply"]["text"] == messages.FEEDBACK_THANKS
    assert [c["id"] for c in reply.body["reply"]["choices"]] == ["AGENT", "CONTINUE"]
    assert [c["label"] for c in reply.body["reply"]["choices"]] == [
        "Contacter un agent",
        "Continuer notre conversation",
    ]
    feedback = chat.stored.feedback
    assert [(f.rating.value, f.reason, f.comment) for f in feedback] == [("UP", None, None)]
    assert names == ["AssistantRatingUp"]


@pytest.mark.parametrize(
    ("body", "fields", "said"),
    [
        ({"rating": "DOWN", "comment": "Rien compris."}, ["reason"], messages.FEEDBACK_REASON_REQUIRED),
        ({"rating": "DOWN", "reason": "OTHER"}, ["comment"], messages.FEEDBACK_COMMENT_REQUIRED),
        ({"rating": "DOWN", "reason": "OTHER", "comment": "   "}, ["comment"], messages.FEEDBACK_COMMENT_REQUIRED),
        ({"rating": "DOWN"}, ["reason", "comment"], messages.FEEDBACK_REASON_REQUIRED),
        ({"rating": "UP", "reason": "OTHER"}, ["reason"], messages.FEEDBACK_REASON_ONLY_DOWN),
        ({"rating": "SIDEWAYS"}, ["rating"], None),
        ({"rating": "DOWN", "reason": "BORING", "comment": "x"}, ["reason"], None),
        ({"rating": "DOWN", "reason": "OTHER", "comment": "x" * 2001}, ["comment"], None),
        ({}, ["rating"], None),
    ],
    ids=["no-reason", "no-comment", "blank-comment", "neither", "reason-with-up", "rating", "reason", "long", "empty"],
)
def test_feedback_is_validated(desk: Api, body: dict[str, Any], fields: list[str], said: str | None) -> None:
    chat = _answered(desk, "marie")
    reply = chat.rate(**body)
    assert reply.status == 400, reply.body
    assert [e["field"] for e in reply.body["errors"]] == fields
    if said:
        assert said in error_message(reply)
    assert chat.stored.feedback == ()
    assert desk.ports.satisfaction.read(*around_today()) == {}


@pytest.mark.parametrize("reason", ["NOT_UNDERSTOOD", "IMPRECISE", "COMPLICATED", "OTHER"])
def test_thumbs_down_with_each_reason_and_a_comment(desk: Api, reason: str) -> None:
    chat = _answered(desk, "marie")
    with recorded_metrics() as names:
        reply = chat.rate(rating="DOWN", reason=reason, comment="  Je n'ai pas pu aller au bout de la procédure  ")
    assert reply.status == 200, reply.body
    assert reply.body["reply"]["text"] == messages.FEEDBACK_THANKS
    assert [c["id"] for c in reply.body["reply"]["choices"]] == ["AGENT", "CONTINUE"]
    [feedback] = chat.stored.feedback
    assert (feedback.rating.value, feedback.reason.value if feedback.reason else None) == ("DOWN", reason)
    assert feedback.comment == "Je n'ai pas pu aller au bout de la procédure"
    per_reason = "AssistantDown" + reason.title().replace("_", "")
    assert names == ["AssistantRatingDown", per_reason]


def test_after_feedback_the_conversation_goes_on(desk: Api) -> None:
    chat = _answered(desk, "marie")
    rated = chat.rate(rating="UP")
    chat.reply = rated.body["reply"]
    chat.choose("CONTINUE")
    assert chat.choices == TOPICS
    chat.say("comment creer un compte")
    assert chat.text.startswith(messages.FAQ_ANSWERS["CREATE_ACCOUNT"])
    second = chat.rate(rating="DOWN", reason="IMPRECISE", comment="Trop vague.")
    assert second.status == 200
    assert [f.rating.value for f in chat.stored.feedback] == ["UP", "DOWN"]


# ----------------------------------------------------------------------------- handing over to an agent
def test_contact_an_agent_sends_a_ticket_to_the_technical_support_with_the_transcript(desk: Api) -> None:
    chat = _answered(desk, "marie")
    rated = chat.rate(rating="DOWN", reason="NOT_UNDERSTOOD", comment="Je voulais autre chose.")
    chat.reply = rated.body["reply"]
    chat.choose("AGENT")
    assert chat.text == messages.ASSISTANT_AGENT
    assert chat.choices == ["SEND_TICKET", "DRAFT_TICKET", "CONTINUE"]
    chat.choose("SEND_TICKET")
    number = int(chat.stored.data["ticket"])
    assert chat.text == messages.ASSISTANT_TICKET_SENT.format(number=number)
    ticket = desk.call("get_ticket", "marie", number).body
    assert ticket["status"]["code"] == "OPEN"
    assert ticket["recipient"]["kind"] == "TEAM"
    assert ticket["recipient"]["name"] == "Support technique Chorus Pro"
    # after « comment ajouter un espace », the pair of the structures and users (faq.HANDOVER)
    assert (ticket["category"]["code"], ticket["subcategory"]["code"]) == faq.handover_pair(Topic.ADD_SPACES)
    assert "Vous : comment ajouter un espace" in ticket["description"]
    assert "Vous : Contacter un agent" in ticket["description"]
    waiting = desk.call("list_tab", "sophie", query={"side": "RECIPIENT", "tab": "ACTION"})
    assert waiting.status == 200
    assert number in [row["number"] for row in waiting.body["items"]]
    assert desk.call("get_ticket", "sophie", number).body["description"] == ticket["description"]


def test_contact_an_agent_as_a_draft_the_user_completes(desk: Api) -> None:
    chat = _answered(desk, "paul")
    chat.choose("AGENT")
    chat.choose("DRAFT_TICKET")
    assert chat.step == assistant.CHOOSE_STRUCTURE  # Paul belongs to two structures: which one?
    chat.choose(f"STRUCTURE:{DUPONT}")
    number = int(chat.stored.data["ticket"])
    assert chat.text == messages.ASSISTANT_DRAFT_READY.format(number=number)
    ticket = desk.call("get_ticket", "paul", number).body
    assert ticket["status"]["code"] == "DRAFT"
    assert "Vous : comment ajouter un espace" in ticket["description"]
    waiting = desk.call("list_tab", "sophie", query={"side": "RECIPIENT", "tab": "ACTION"})
    assert number not in [row["number"] for row in waiting.body["items"]]
    submitted = desk.call("submit_draft", "paul", number, body={})
    assert submitted.status == 200, submitted.body


def test_contact_an_agent_as_an_anonymous_visitor_is_the_non_connected_form(desk: Api) -> None:
    chat = _answered(desk, None)
    rated = chat.rate(rating="DOWN", reason="OTHER", comment="Je veux un humain.")
    chat.reply = rated.body["reply"]
    chat.choose("AGENT")
    assert chat.text == messages.ASSISTANT_AGENT_ANONYMOUS
    assert chat.choices == ["CONTINUE"]
    chat.choose("CONTINUE")
    assert chat.step == assistant.HOME


def test_asking_for_a_human_in_free_text(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("je veux parler a un conseiller")
    assert chat.text == messages.ASSISTANT_AGENT
    assert chat.choices == ["SEND_TICKET", "DRAFT_TICKET", "CONTINUE"]


# ----------------------------------------------------------------------------------- satisfaction
def test_the_support_reads_the_satisfaction_per_day_and_reason(desk: Api) -> None:
    day1 = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
    day2 = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # already 1 April in Paris: another month, another partition
    given = {
        day1: [("UP", None), ("UP", None), ("DOWN", "NOT_UNDERSTOOD")],
        day2: [("DOWN", "IMPRECISE"), ("DOWN", "COMPLICATED"), ("DOWN", "OTHER"), ("DOWN", "OTHER"), ("UP", None)],
    }
    for at, ratings in given.items():
        with clock(at):
            for rating, reason in ratings:
                chat = _answered(desk, None if reason == "OTHER" else "marie")  # anonymous ones count too
                body = {"rating": rating} | ({"reason": reason, "comment": "Commentaire."} if reason else {})
                assert chat.rate(**body).status == 200
    read = desk.call("get_satisfaction", "sophie", query={"from": "2026-03-01", "to": "2026-04-30"})
    assert read.status == 200, read.body
    body = read.body
    assert (body["up"], body["down"]) == (3, 5)
    days = {d["day"]: d for d in body["days"]}
    assert list(days) == ["2026-03-30", "2026-04-01"]

    def reasons(day: dict[str, Any]) -> dict[str, int]:
        return {code_label["code"]: count for code_label, count in day["reasons"]}

    assert (days["2026-03-30"]["up"], days["2026-03-30"]["down"]) == (2, 1)
    assert reasons(days["2026-03-30"]) == {"NOT_UNDERSTOOD": 1, "IMPRECISE": 0, "COMPLICATED": 0, "OTHER": 0}
    assert (days["2026-04-01"]["up"], days["2026-04-01"]["down"]) == (1, 4)
    assert reasons(days["2026-04-01"]) == {"NOT_UNDERSTOOD": 0, "IMPRECISE": 1, "COMPLICATED": 1, "OTHER": 2}
    labels = {code_label["label"] for code_label, _ in days["2026-04-01"]["reasons"]}
    assert "La réponse apportée était compliquée" in labels
    one_day = desk.call("get_satisfaction", "lucas", query={"from": "2026-04-01", "to": "2026-04-01"}).body
    assert [d["day"] for d in one_day["days"]] == ["2026-04-01"]
    assert (one_day["up"], one_day["down"]) == (1, 4)


def test_the_satisfaction_is_for_the_support_only(desk: Api) -> None:
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    for user in ("marie", "claire", "emma"):
        refused = desk.call("get_satisfaction", user, query=query)
        assert refused.status == 403, user
        assert refused.body["message"] == messages.SATISFACTION_SUPPORT_ONLY
    assert desk.call("get_satisfaction", None, query=query).status == 401


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, messages.PERIOD_REVERSED),
        ({"from": "2025-01-01", "to": "2026-03-01"}, messages.SATISFACTION_PERIOD_TOO_LONG),
        ({"from": "2026-03-01"}, None),
        ({"from": "hier", "to": "2026-03-01"}, None),
        ({"from": "2026-02-30", "to": "2026-03-01"}, None),
    ],
    ids=["reversed", "too-long", "no-end", "not-a-date", "no-such-day"],
)
def test_the_satisfaction_period_is_validated(desk: Api, query: dict[str, str], said: str | None) -> None:
    refused = desk.call("get_satisfaction", "sophie", query=query)
    assert refused.status == 400, refused.body
    if said:
        assert said in error_message(refused)


# --------------------------------------------------------------------------------------------- metrics
def test_the_metrics_of_a_conversation(api: Api) -> None:
    with recorded_metrics() as names:
        chat = Chat(api, "marie")
        chat.say("comment ajouter un espace")
        chat.say("blablabla")
        chat.choose("TOPIC:ACTIVATION_LINK")
        chat.say("quelquun@exemple.fr")
        chat.rate(rating="DOWN", reason="COMPLICATED", comment="Trop long.")
    assert names == [
        "AssistantConversationStarted",
        "AssistantUnderstood",
        "AssistantNotUnderstood",
        "ActivationLinkRequested",
        "ActivationLinkAsked",
        "AssistantRatingDown",
        "AssistantDownComplicated",
    ]


def test_the_metrics_of_the_structure_procedure(api: Api) -> None:
    api.registry.put(establishment(INACTIVE, open_=True))
    with recorded_metrics() as names:
        chat = procedure(api, "claire", "ACTIVATE")
        chat.say(INACTIVE)
        chat.choose("CONFIRM")
        chat.choose("CONFIRM")
    assert names == ["AssistantConversationStarted", "StructureActivated"]
    api.registry.put(establishment(SAINT_LEGER, open_=False))
    with recorded_metrics() as names:
        chat = procedure(api, "claire", "INACTIVATE")
        chat.say(SAINT_LEGER)
        chat.choose("CONFIRM")
    assert names == ["AssistantConversationStarted", "InactivationStarted"]


# --------------------------------------------------------------------------------------------- storage
def test_two_messages_at_once_one_is_refused_not_lost(desk: Api) -> None:
    """Two tabs answer the same step at the same time: the second write finds the version moved (409)."""
    chat = Chat(desk, "marie")
    conversations = desk.ports.conversations
    real_save = conversations.save_conversation
    raced: list[int] = []

    def save(conversation: Any, expected: int | None) -> None:
        if not raced:
            raced.append(1)
            stored = conversations.load_conversation(chat.id)
            assert stored is not None
            real_save(stored.model_copy(update={"version": stored.version + 1}), stored.version)
        real_save(conversation, expected)

    with mock.patch.object(conversations, "save_conversation", save):
        refused = chat.send({"text": "comment ajouter un espace"})
    assert refused.status == 409, refused.body
    assert refused.body["message"] == messages.CONVERSATION_CHANGED


def test_a_long_conversation_keeps_its_latest_lines(api: Api) -> None:
    chat = Chat(api, None)
    for _ in range(assistant.MAX_TURNS // 2 + 5):
        chat.say("blabla")
    transcript = chat.get()["transcript"]
    assert len(transcript) == assistant.MAX_TURNS
    assert transcript[-1]["text"].startswith(messages.ASSISTANT_NOT_UNDERSTOOD)


def test_the_longest_conversation_still_fits_in_its_dynamodb_item(aws_api: Api) -> None:
    """The longest messages (2,000 characters of 4 bytes) and comments, again and again: the item stays under
    DynamoDB's 400 KB (the oldest lines and feedback are dropped), the conversation goes on."""
    chat = Chat(aws_api, "marie")
    for _ in range(40):  # 320 KB of the user's text, then 120 KB of comments: over 400 KB if all were kept
        chat.say("😀" * 2000)
    for _ in range(assistant.MAX_FEEDBACK + 5):
        assert chat.rate(rating="DOWN", reason="OTHER", comment="😀" * 2000).status == 200
    chat.say("comment ajouter un espace")
    assert chat.text.startswith(messages.FAQ_ANSWERS["ADD_SPACES"])
    transcript = chat.get()["transcript"]
    assert sum(len(t["text"].encode()) for t in transcript) <= assistant.MAX_TRANSCRIPT_BYTES
    assert transcript[-2]["text"] == "comment ajouter un espace"
    assert len(chat.stored.feedback) == assistant.MAX_FEEDBACK
    counts = aws_api.ports.satisfaction.read(*around_today())
    assert sum(c.get("DOWN", 0) for c in counts.values()) == assistant.MAX_FEEDBACK + 5  # all of them counted
    chat.choose("AGENT")
    chat.choose("SEND_TICKET")  # the transcript as a description: its latest 10,000 characters
    ticket = aws_api.call("get_ticket", "marie", int(chat.stored.data["ticket"]))
    assert ticket.status == 200
    assert len(ticket.body["description"]) <= 10_000


def test_an_address_that_opens_too_many_anonymous_conversations_is_told_to_wait(api: Api) -> None:
    """The public assistant counts each address like the non-connected form: past the hour's limit, 429 with
    Retry-After and a French message naming the limit, and no conversation is stored; another address is not
    affected."""
    limit = load_settings(PublicAssistantSettings).conversations_per_hour
    for _ in range(limit):
        assert api.call("start_public_conversation", None, ip="198.51.100.7").status == 201
    refused = api.call("start_public_conversation", None, ip="198.51.100.7")
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.body["code"] == "TROP_DE_REQUETES"
    assert refused.body["message"].startswith(f"Limite atteinte pour votre adresse : {limit} conversations commencées")
    assert refused.body["limit"] == "CONVERSATIONS_PAR_HEURE"
    assert api.call("start_public_conversation", None, ip="198.51.100.8").status == 201
