"""The assistant hands over the ticket the conversation calls for, and answers the frequent questions whole
(issue 19, points 4 and 5), through the real handlers as a chat front end uses them.

- « Contacter un agent » files the pair of the conversation's topic (``faq.HANDOVER``, every topic), the
  technical support's catch-all pair when there is none, for the structure the conversation is about (named in a
  message, or the procedure's), for the user's only structure, or for the one they pick among theirs.
- Each frequent answer carries its « Pour aller plus loin » page, from the settings (the template's ``FaqLink*``
  parameters), never from code; n° 4 gives the four steps of the transfer and offers the support's ticket only
  once the user says the manager is gone; the assistant's name (``AssistantName``) is in its greeting, in the
  transcript of a hand-over and in the ticket's title.
- A message asking two things offers both; what a user declines is not answered.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chorus_desk import bootstrap, catalogue, faq, messages
from chorus_desk.faq import Topic
from chorus_desk.settings import (
    AssistantProfileSettings,
    AssistantSettings,
    PublicAssistantSettings,
    SettingsError,
    load_settings,
)
from chorus_desk.usecases import assistant
from local_stack.template import load_handler_module
from tests.fixtures import DUPONT, GREL, INACTIVE, SAINT_LEGER, STRUCTURES
from tests.support import Api
from tests.test_assistant import Chat, desk, establishment, procedure

__all__ = ["desk"]  # the fixture, shared with test_assistant.py: the handlers on memory, then on DynamoDB (moto)

LINK_ENV = {
    Topic.CREATE_ACCOUNT: "FAQ_LINK_CREATE_ACCOUNT",
    Topic.ACTIVATION_LINK: "FAQ_LINK_ACTIVATION",
    Topic.ADD_SPACES: "FAQ_LINK_SPACES",
    Topic.MANAGER_LEFT: "FAQ_LINK_MANAGER",
    Topic.SUBCONTRACTING: "FAQ_LINK_SUBCONTRACTING",
    Topic.STRUCTURE_PROCEDURE: "FAQ_LINK_STRUCTURES",
}
FREQUENT = (Topic.CREATE_ACCOUNT, Topic.ACTIVATION_LINK, Topic.ADD_SPACES, Topic.MANAGER_LEFT, Topic.SUBCONTRACTING)
ASSISTANT_FUNCTIONS = ("AssistantFunction", "PublicAssistantFunction")


def _ticket(api: Api, chat: Chat, user: str) -> dict[str, Any]:
    number = int(chat.stored.data["ticket"])
    found = api.call("get_ticket", user, number)
    assert found.status == 200, found.body
    return dict(found.body)


def _pair(ticket: dict[str, Any]) -> tuple[str, str]:
    return ticket["category"]["code"], ticket["subcategory"]["code"]


def _to_done(api: Api, chat: Chat, topic: Topic) -> None:
    """Open ``topic`` and go through what follows it, up to the answer's end (thumbs, « Contacter un agent »)."""
    if topic is Topic.STRUCTURE_PROCEDURE:
        api.registry.put(establishment(INACTIVE, open_=True))
        chat.choose("TOPIC:STRUCTURE_PROCEDURE")
        chat.choose("PUBLIC")
        chat.choose("ACTIVATE")
        chat.say(INACTIVE)
        chat.choose("CONFIRM")
        chat.choose("CONFIRM")
    else:
        chat.choose(f"TOPIC:{topic.value}")
        if topic is Topic.ACTIVATION_LINK:
            chat.say("quelqu.un@exemple.fr")
        elif topic is Topic.MANAGER_LEFT:
            chat.choose("NO")  # the manager is still there: no ticket offered
    assert chat.step == assistant.DONE, chat.text
    assert "AGENT" in chat.choices


# ------------------------------------------------------------------------------------------ the hand-over
def test_the_mapping_names_a_support_pair_for_every_topic() -> None:
    assert set(faq.HANDOVER) == set(Topic)
    for pair in (*faq.HANDOVER.values(), faq.GENERAL_PAIR):
        found = catalogue.find(*pair)
        assert found is not None and found.team == catalogue.SUPPORT_TEAM_ID, pair
    assert faq.handover_pair(None) == faq.GENERAL_PAIR
    assert faq.GENERAL_PAIR != faq.USERS_PAIR


@pytest.mark.parametrize("topic", [t for t in Topic if t is not Topic.HUMAN_AGENT])
def test_the_hand_over_files_the_pair_of_the_conversations_topic(desk: Api, topic: Topic) -> None:
    user = "claire" if topic is Topic.STRUCTURE_PROCEDURE else "marie"
    chat = Chat(desk, user)
    _to_done(desk, chat, topic)
    chat.choose("AGENT")
    chat.choose("SEND_TICKET")
    ticket = _ticket(desk, chat, user)
    assert _pair(ticket) == faq.HANDOVER[topic]
    assert ticket["status"]["code"] == "OPEN"
    assert ticket["recipient"]["name"] == "Support technique Chorus Pro"
    if topic is Topic.STRUCTURE_PROCEDURE:  # Claire has two structures: the one the procedure was about
        assert ticket["emitter"]["siret"] == INACTIVE


def test_asking_for_an_agent_at_once_files_the_general_pair(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("je veux parler à un conseiller")
    chat.choose("SEND_TICKET")
    ticket = _ticket(desk, chat, "marie")
    assert _pair(ticket) == faq.GENERAL_PAIR == faq.HANDOVER[Topic.HUMAN_AGENT]
    assert ticket["emitter"]["siret"] == DUPONT  # her only structure


def test_asking_for_an_agent_keeps_the_topic_the_conversation_was_about(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment on s'abonne à un espace ?")
    chat.say("je préfère parler à un conseiller")  # a way out, not a new subject
    chat.choose("DRAFT_TICKET")
    assert _pair(_ticket(desk, chat, "marie")) == faq.HANDOVER[Topic.ADD_SPACES]


def test_someone_of_several_structures_is_asked_which_one_among_theirs_only(desk: Api) -> None:
    chat = Chat(desk, "paul")  # Menuiserie Dupont and a second structure
    chat.choose("TOPIC:SUBCONTRACTING")
    chat.choose("AGENT")
    chat.choose("SEND_TICKET")
    assert chat.step == assistant.CHOOSE_STRUCTURE
    assert chat.text == messages.ASSISTANT_WHICH_STRUCTURE
    assert sorted(chat.choices[:-1]) == sorted([f"STRUCTURE:{DUPONT}", f"STRUCTURE:{GREL}"])
    assert chat.choices[-1] == "CANCEL"
    assert f"{STRUCTURES[DUPONT].designation} (SIRET {DUPONT})" in chat.labels
    refused = chat.send({"choice": f"STRUCTURE:{SAINT_LEGER}"})  # not one of his: not offered
    assert refused.status == 400, refused.body
    assert "n'est pas proposé" in refused.body["errors"][0]["message"]
    assert STRUCTURES[SAINT_LEGER].designation not in str(refused.body)
    assert chat.step == assistant.CHOOSE_STRUCTURE
    chat.choose(f"STRUCTURE:{GREL}")
    ticket = _ticket(desk, chat, "paul")
    assert ticket["emitter"]["siret"] == GREL
    assert _pair(ticket) == faq.HANDOVER[Topic.SUBCONTRACTING]
    assert ticket["status"]["code"] == "OPEN"


def test_cancelling_the_choice_of_a_structure_files_nothing(desk: Api) -> None:
    chat = Chat(desk, "paul")
    chat.say("je veux parler à un conseiller")
    chat.choose("DRAFT_TICKET")
    chat.choose("CANCEL")
    assert chat.step == assistant.HOME
    assert "ticket" not in chat.stored.data
    assert desk.call("list_tab", "paul", query={"side": "EMITTER", "tab": "DRAFTS"}).body["items"] == []


@pytest.mark.parametrize(
    "named",
    [f"c'est pour la structure {GREL}", f"pour {' '.join([GREL[:3], GREL[3:6], GREL[6:9], GREL[9:]])} svp"],
    ids=["siret", "siret-with-spaces"],
)
def test_the_structure_named_in_the_conversation_is_the_emitter(desk: Api, named: str) -> None:
    chat = Chat(desk, "paul")
    chat.say(f"je veux parler à un conseiller, {named}")
    chat.choose("SEND_TICKET")
    assert _ticket(desk, chat, "paul")["emitter"]["siret"] == GREL


def test_a_structure_named_by_its_designation_is_the_emitter(desk: Api) -> None:
    chat = Chat(desk, "paul")
    chat.say(f"je voudrais un conseiller pour {STRUCTURES[GREL].designation.upper()}")
    chat.choose("SEND_TICKET")
    assert _ticket(desk, chat, "paul")["emitter"]["siret"] == GREL


def test_a_structure_of_someone_else_named_in_the_conversation_is_ignored(desk: Api) -> None:
    chat = Chat(desk, "paul")
    chat.say(f"je veux parler à un conseiller au sujet du siret {SAINT_LEGER}")
    chat.choose("SEND_TICKET")
    assert chat.step == assistant.CHOOSE_STRUCTURE  # asked among his own, nothing said of the other
    assert STRUCTURES[SAINT_LEGER].designation not in chat.text + " ".join(chat.labels)


# ------------------------------------------------------------------------------ n° 4: the principal manager
def test_transferring_the_role_gives_the_four_steps_and_asks_whether_the_manager_left(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment transférer le rôle de gestionnaire principal ?")
    assert chat.step == assistant.ASK_MANAGER_GONE
    assert [line[:3] for line in chat.text.splitlines() if re.match(r"^\d\. ", line)] == ["1. ", "2. ", "3. ", "4. "]
    assert "« Activités du gestionnaire »" in chat.text
    assert chat.text.endswith(messages.ASSISTANT_ASK_MANAGER_GONE)
    assert chat.choices == ["YES", "NO"]
    chat.choose("NO")
    assert chat.step == assistant.DONE
    assert chat.text == messages.ASSISTANT_MANAGER_STILL_THERE
    assert "ticket" not in chat.stored.data
    assert desk.call("list_tab", "marie", query={"side": "EMITTER", "tab": "DRAFTS"}).body["items"] == []


def test_the_draft_is_offered_once_the_user_says_the_manager_left(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.choose("TOPIC:MANAGER_LEFT")
    assert chat.step == assistant.ASK_MANAGER_GONE  # a button says nothing of the manager: asked
    chat.choose("YES")
    assert chat.step == assistant.OFFER_TICKET
    chat.choose("YES")
    ticket = _ticket(desk, chat, "marie")
    assert ticket["status"]["code"] == "DRAFT"
    assert _pair(ticket) == faq.USERS_PAIR


def test_a_message_saying_the_manager_left_offers_the_draft_at_once(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("notre gestionnaire principal a quitté la société, que faire ?")
    assert chat.step == assistant.OFFER_TICKET
    assert chat.text.startswith(messages.FAQ_ANSWERS["MANAGER_LEFT"])


# ------------------------------------------------------------------------------ « Pour aller plus loin »
@pytest.mark.parametrize("topic", FREQUENT)
def test_each_frequent_answer_carries_its_page_from_the_settings(desk: Api, topic: Topic) -> None:
    chat = Chat(desk, None)
    chat.choose(f"TOPIC:{topic.value}")
    url = os.environ[LINK_ENV[topic]]
    assert chat.reply["links"] == [{"label": messages.FAQ_LINK_LABELS[topic.value], "url": url}]
    assert messages.FAQ_FURTHER.format(links="").strip() in chat.text
    assert url in chat.text
    assert url in chat.get()["transcript"][-1]["text"]  # and in the transcript a hand-over files


def test_an_answer_shown_again_keeps_its_page(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.choose("TOPIC:SUBCONTRACTING")
    again = chat.get()["reply"]
    assert again["links"] == chat.reply["links"] != []
    chat.choose("CONTINUE")
    assert chat.reply["links"] == []


def test_the_structure_procedure_asks_an_anonymous_visitor_to_sign_in_with_the_prerequisite_page(desk: Api) -> None:
    chat = Chat(desk, None)
    chat.choose("TOPIC:STRUCTURE_PROCEDURE")
    assert chat.text.startswith(messages.ASSISTANT_SIGN_IN_REQUIRED)
    assert chat.reply["links"][0]["url"] == os.environ["FAQ_LINK_STRUCTURES"]


def test_no_page_address_is_written_in_the_code() -> None:
    package = Path(faq.__file__).parent
    found = [
        (path.name, match)
        for path in package.rglob("*.py")
        for match in re.findall(r"https?://[^\s\"')]*(?:chorus-pro|communaute)[^\s\"')]*", path.read_text("utf-8"))
    ]
    assert found == []


# ------------------------------------------------------------------------------------------ the name
@pytest.fixture
def renamed(template: dict[str, Any]) -> Iterator[AssistantProfileSettings]:
    """Both assistant functions configured with another name and other pages, as a template's parameters would."""
    changed = {alias: f"https://pages.example.org/{alias.lower()}" for alias in _link_aliases()}
    profile = AssistantProfileSettings.model_validate({**os.environ, **changed, "ASSISTANT_NAME": "Léa"})
    apps = [load_handler_module(template, function).app for function in ASSISTANT_FUNCTIONS]
    for app in apps:
        app.dependency_overrides[bootstrap.assistant_profile] = lambda: profile
    yield profile
    for app in apps:
        app.dependency_overrides.pop(bootstrap.assistant_profile, None)


def _link_aliases() -> list[str]:
    fields = AssistantProfileSettings.model_fields
    return [str(f.alias) for name, f in fields.items() if name.startswith("link_")]


@pytest.mark.parametrize("user", ["marie", None], ids=["signed-in", "anonymous"])
def test_the_name_and_the_pages_come_from_the_settings(
    api: Api, renamed: AssistantProfileSettings, user: str | None
) -> None:
    chat = Chat(api, user)
    assert chat.text.startswith(messages.ASSISTANT_GREETING.format(name="Léa"))
    assert "ClaudIA" not in chat.text
    chat.choose("TOPIC:ADD_SPACES")
    assert chat.reply["links"][0]["url"] == renamed.link_spaces == "https://pages.example.org/faq_link_spaces"


def test_the_transcript_and_the_title_of_a_hand_over_carry_the_name(
    api: Api, renamed: AssistantProfileSettings
) -> None:
    chat = Chat(api, "marie")
    chat.say("comment ajouter un espace")
    chat.choose("AGENT")
    chat.choose("SEND_TICKET")
    ticket = _ticket(api, chat, "marie")
    assert ticket["title"] == messages.ASSISTANT_TICKET_TITLE.format(name=renamed.name)
    lines = ticket["description"].splitlines()
    assert lines[0].endswith(f"] Léa : {messages.ASSISTANT_GREETING.format(name='Léa')}")
    assert any(line.endswith("] Vous : comment ajouter un espace") for line in lines)
    assert renamed.link_spaces in ticket["description"]


def test_the_default_name_is_claudia_and_the_default_pages_are_the_communitys(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert parameters["AssistantName"]["Default"] == "ClaudIA"
    links = {name: p for name, p in parameters.items() if name.startswith("FaqLink")}
    assert len(links) == len(_link_aliases())
    for name, parameter in links.items():
        assert parameter["Default"].startswith("https://communaute.chorus-pro.gouv.fr/"), name
        assert re.match(parameter["AllowedPattern"], parameter["Default"]), name
        assert parameter["Description"], name


@pytest.mark.parametrize("function", ASSISTANT_FUNCTIONS)
def test_both_assistant_functions_get_the_name_and_the_pages_from_the_parameters(
    template: dict[str, Any], function: str
) -> None:
    variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
    expected = {"ASSISTANT_NAME": "AssistantName"}
    for alias in _link_aliases():  # FAQ_LINK_CREATE_ACCOUNT ← FaqLinkCreateAccount…
        expected[alias] = "FaqLink" + "".join(word.title() for word in alias.removeprefix("FAQ_LINK_").split("_"))
    assert {alias: variables.get(alias) for alias in expected} == {a: {"Ref": p} for a, p in expected.items()}


@pytest.mark.parametrize("kind", [AssistantSettings, PublicAssistantSettings])
def test_a_function_without_its_name_or_pages_stops_at_init(monkeypatch: pytest.MonkeyPatch, kind: type[Any]) -> None:
    monkeypatch.delenv("FAQ_LINK_SPACES")
    monkeypatch.setenv("FAQ_LINK_MANAGER", "http://not-tls.example.org/page")
    with pytest.raises(SettingsError) as raised:
        load_settings(kind)
    assert "FAQ_LINK_SPACES (missing)" in str(raised.value)
    assert "FAQ_LINK_MANAGER" in str(raised.value)


# ------------------------------------------------------------------------------ two questions, negations
def test_a_message_asking_two_things_offers_both_then_the_other_one(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment créer mon compte ? et comment ajouter un espace ?")
    assert chat.step == assistant.CHOOSE_TOPIC
    assert chat.text == messages.ASSISTANT_SEVERAL_TOPICS
    assert chat.choices == ["TOPIC:CREATE_ACCOUNT", "TOPIC:ADD_SPACES", "CANCEL"]
    chat.choose("TOPIC:CREATE_ACCOUNT")
    assert chat.text.startswith(messages.FAQ_ANSWERS["CREATE_ACCOUNT"])
    assert chat.choices[0] == "TOPIC:ADD_SPACES"
    assert chat.labels[0] == messages.ASSISTANT_OTHER_QUESTION.format(title=faq.title(Topic.ADD_SPACES))
    chat.choose("TOPIC:ADD_SPACES")
    assert chat.text.startswith(messages.FAQ_ANSWERS["ADD_SPACES"])
    assert chat.choices == ["CONTINUE", "AGENT"]  # nothing left to answer


def test_cancelling_the_choice_of_a_topic_forgets_the_other_one(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("comment créer mon compte ? et comment ajouter un espace ?")
    chat.choose("CANCEL")
    assert chat.step == assistant.HOME
    assert "pending" not in chat.stored.memory


def test_what_the_user_declines_is_not_answered(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("je ne veux pas parler à un agent")
    assert chat.step == assistant.HOME
    assert chat.text.startswith(messages.ASSISTANT_DECLINED.format(titles=faq.title(Topic.HUMAN_AGENT)))
    assert "SEND_TICKET" not in chat.choices
    assert desk.call("list_tab", "marie", query={"side": "EMITTER", "tab": "DRAFTS"}).body["items"] == []


def test_a_negation_leaves_the_question_that_remains(desk: Api) -> None:
    chat = Chat(desk, "marie")
    chat.say("pas besoin d'agent, je voudrais juste ajouter un espace")
    assert chat.text.startswith(messages.FAQ_ANSWERS["ADD_SPACES"])


def test_the_procedure_remembers_its_structure_for_the_hand_over(desk: Api) -> None:
    desk.registry.put(establishment(INACTIVE, open_=True))
    chat = procedure(desk, "claire", "ACTIVATE")
    chat.say(INACTIVE)
    assert chat.stored.memory == {"topic": "STRUCTURE_PROCEDURE", "structure": INACTIVE}
