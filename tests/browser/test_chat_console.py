"""The agents' console of the live chat (#/discussions, web/src/screens/chatdesk.tsx) in Chromium, against the local
stack's real WebSocket server: agents say « Disponible », see a chat Marie opens (driven from Python through the
API), take it, talk with her (her messages appear in the live log without reloading), hand it to a colleague (a second
browser context) who turns it into a ticket whose number opens its detail; two agents taking one chat at the same
moment (exactly one gets it, the other is told in French); axe-core on the console and each dialog; the keyboard
alone; 320 px and 200 % zoom."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from chorus_desk import messages
from local_stack import demo
from tests.browser.portal import axe, horizontal_overflow, screenshot, sign_in
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

NAMES = {alias: demo.USERS_BY_ALIAS[alias].name for alias in ("marie", "sophie", "lucas")}


# ------------------------------------------------------------------------------------------ helpers
def api(stack: Stack, user: str | None, method: str, path: str, body: Any = None) -> Any:
    status, answer, _ = stack.http(method, path, user, body)
    assert 200 <= status < 300, (method, path, status, answer)
    return answer


def marie_asks_for_an_agent(stack: Stack) -> tuple[str, dict[str, Any]]:
    """Marie talks to the assistant, then joins the support's queue: her conversation, the chat as the API gives it."""
    conversation_id = str(api(stack, "marie", "POST", "/assistant/conversations", {})["id"])
    api(
        stack,
        "marie",
        "POST",
        f"/assistant/conversations/{conversation_id}/messages",
        {"text": "je veux parler a un conseiller"},
    )
    started = api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat", {})
    assert started["chat"]["state"]["code"] == "WAITING", started
    return conversation_id, started


def agent_page(browser: Browser, stack: Stack, alias: str, width: int = 1280) -> tuple[BrowserContext, Page, list[str]]:
    from tests.browser.portal import watch

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, stack, alias, fragment="/discussions")
    page.get_by_role("heading", level=1, name="Discussions en direct").wait_for()
    return context, page, problems


@pytest.fixture
def agents(browser: Browser, stack: Stack) -> Iterator[dict[str, Page]]:
    """Sophie's and Lucas's consoles, each in its own browser context; both away again at the end."""
    opened: list[tuple[BrowserContext, Page, list[str]]] = []
    pages: dict[str, Page] = {}
    for alias in ("sophie", "lucas"):
        context, page, problems = agent_page(browser, stack, alias)
        opened.append((context, page, problems))
        pages[alias] = page
    yield pages
    for context, _, problems in opened:
        context.close()
        assert problems == [], f"the page reported errors: {problems}"
    for alias in ("sophie", "lucas"):
        api(stack, alias, "POST", "/chat/availability", {"available": False})


def go_available(page: Page) -> None:
    page.locator("fieldset.fr-segmented label", has_text="Disponible").click()
    page.get_by_text(re.compile("Vous êtes disponible jusqu'à")).wait_for()


def waiting_item(page: Page, chat_id: str) -> Locator:
    return page.locator(f"li.chatdesk-item:has(#attente-{chat_id})")


def chat_panel(page: Page, chat_id: str) -> Locator:
    return page.locator(f"article:has(#discussion-{chat_id})")


def opened(dialog: Locator) -> Locator:
    """The dialog once open and its opening transition over (axe would measure contrasts half faded in)."""
    dialog.wait_for(state="visible")
    dialog.evaluate("d => Promise.all(d.getAnimations({ subtree: true }).map((a) => a.finished))")
    return dialog


def end_quietly(stack: Stack, agent: str, chat_id: str) -> None:
    stack.http("POST", f"/chat/sessions/{chat_id}/end", agent, {"outcome": "CLOSE"})


# ------------------------------------------------------------------------------------------ the whole journey
def test_an_agent_takes_a_chat_talks_hands_it_over_and_the_colleague_turns_it_into_a_ticket(
    agents: dict[str, Page], stack: Stack
) -> None:
    sophie, lucas = agents["sophie"], agents["lucas"]
    settings = json.loads(sophie.evaluate("async () => JSON.stringify(await (await fetch('/config.json')).json())"))
    assert settings["chatUrl"] == json.loads(stack.state.read_text())["websocket"]  # the socket the portal opens

    # Away, the console says so and the queue is there, empty.
    assert sophie.get_by_text("Vous êtes absent").is_visible()
    queue_name = api(stack, "sophie", "GET", "/chat/queues")["queues"][0]["name"]
    sophie.get_by_role("heading", name=f"File : {queue_name}").wait_for()
    screenshot(sophie, "chat-console-absent")
    axe(sophie, "the console, away")
    go_available(sophie)
    go_available(lucas)
    assert api(stack, "sophie", "GET", "/chat/queues")["queues"][0]["available"] is True

    # Marie asks for an agent: the chat appears in both consoles (pushed: no reload), waiting time counting.
    conversation_id, started = marie_asks_for_an_agent(stack)
    chat = started["chat"]
    chat_id = chat["id"]
    item = waiting_item(sophie, chat_id)
    item.wait_for()
    waiting_item(lucas, chat_id).wait_for()
    assert item.get_by_role("heading", level=4).inner_text() == chat["requester"] == NAMES["marie"]
    assert f"{chat['structure']['name']} ({chat['structure']['siret']})" in item.inner_text()
    assert chat["category"]["label"] in item.inner_text()
    waited = item.locator(".chatdesk-wait").inner_text()
    sophie.wait_for_function(
        "([id, before]) => document.querySelector(`li.chatdesk-item:has(#attente-${id}) .chatdesk-wait`)"
        "?.textContent !== before",
        arg=[chat_id, waited],
        timeout=5_000,
    )
    assert re.fullmatch(r"En attente depuis \d+ s", item.locator(".chatdesk-wait").inner_text())
    screenshot(sophie, "chat-console-waiting")
    axe(sophie, "the console with a waiting chat")

    # What Marie told the assistant, in a DSFR modal.
    item.get_by_role("button", name=f"Échange avec l'assistant de {NAMES['marie']}").click()
    dialog = opened(sophie.get_by_role("dialog", name=f"Échange de {NAMES['marie']} avec l'assistant"))
    context_lines = started["context"]
    assert context_lines and context_lines[0]["text"] in dialog.inner_text()
    axe(sophie, "the assistant's transcript")
    screenshot(sophie, "chat-console-transcript", full_page=False)
    sophie.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    # Sophie takes it: her chat panel, focused; it leaves Lucas's queue.
    item.get_by_role("button", name=f"Prendre en charge la demande de {NAMES['marie']}").click()
    panel = chat_panel(sophie, chat_id)
    panel.wait_for()
    assert sophie.evaluate("() => document.activeElement?.id") == f"discussion-{chat_id}"
    waiting_item(lucas, chat_id).wait_for(state="detached")
    log = panel.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    log.get_by_text(messages.CHAT_JOINED.format(agent=NAMES["sophie"])).wait_for()

    # Both talk: Marie's message appears in the live log without reloading, with her name and the time.
    said = "Bonjour, ma facture FAC-2026-0101 est bloquée au statut « Rejetée »."
    sent = api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat/messages", {"text": said})
    line = log.locator("li", has_text=said)
    line.wait_for()
    assert NAMES["marie"] in line.inner_text()
    assert line.locator("time").get_attribute("datetime") == sent["message"]["at"]
    assert re.fullmatch(r"\d\d:\d\d", line.locator("time").inner_text())
    reply = "Bonjour Madame Dupont, je regarde votre facture."
    panel.get_by_label("Votre message").fill(reply)
    panel.get_by_role("button", name="Envoyer").click()
    log.locator("li", has_text=reply).wait_for()
    assert panel.get_by_label("Votre message").input_value() == ""
    read = api(stack, "marie", "GET", f"/assistant/conversations/{conversation_id}/chat?after={sent['message']['seq']}")
    assert [(m["by"], m["name"], m["text"]) for m in read["messages"]] == [("AGENT", NAMES["sophie"], reply)]
    seqs = [int(s) for s in log.locator("li").evaluate_all("lis => lis.map((li) => li.dataset.seq)")]
    assert seqs == list(range(1, read["chat"]["last_seq"] + 1))  # each message once, in order, no gap
    screenshot(sophie, "chat-console-taken")
    axe(sophie, "the console with a taken chat")

    # An empty message is refused by the portal beside the field, nothing sent.
    panel.get_by_role("button", name="Envoyer").click()
    assert panel.get_by_label("Votre message").get_attribute("aria-invalid") == "true"
    assert api(stack, "sophie", "GET", f"/chat/sessions/{chat_id}")["chat"]["last_seq"] == read["chat"]["last_seq"]

    # Hand-over to Lucas, chosen among the queue's available colleagues.
    panel.get_by_role("button", name="Transférer à un collègue").click()
    dialog = opened(sophie.get_by_role("dialog", name="Transférer la discussion à un collègue"))
    labels = dialog.locator(".fr-radio-group label").all_inner_texts()
    assert [label.strip() for label in labels] == [NAMES["lucas"]]  # available, of the queue, not Sophie herself
    axe(sophie, "the hand-over dialog")
    screenshot(sophie, "chat-console-handover", full_page=False)
    dialog.get_by_role("button", name="Transférer", exact=True).click()
    dialog.wait_for(state="hidden")
    sophie.get_by_text(f"La discussion avec {NAMES['marie']} a été confiée à {NAMES['lucas']}.").wait_for()
    assert panel.count() == 0

    # Lucas has it, with what was said before; he turns it into a ticket.
    theirs = chat_panel(lucas, chat_id)
    theirs.wait_for()
    lucas.get_by_text(f"Une discussion avec {NAMES['marie']} vous a été confiée.").wait_for()
    their_log = theirs.get_by_role("log")
    their_log.locator("li", has_text=said).wait_for()
    their_log.locator("li", has_text=reply).wait_for()
    their_log.get_by_text(messages.CHAT_HANDED_OVER.format(agent=NAMES["sophie"], colleague=NAMES["lucas"])).wait_for()
    later = "Marie écrit encore après le transfert."
    api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat/messages", {"text": later})
    their_log.locator("li", has_text=later).wait_for()
    screenshot(lucas, "chat-console-handed-over")
    theirs.get_by_role("button", name="Terminer").click()
    dialog = opened(lucas.get_by_role("dialog", name="Terminer la discussion"))
    axe(lucas, "the end dialog")
    dialog.locator("label", has_text="Transformer en ticket").click()
    screenshot(lucas, "chat-console-end", full_page=False)
    dialog.get_by_role("button", name="Terminer", exact=True).click()
    dialog.wait_for(state="hidden")
    banner = lucas.get_by_text(re.compile(r"Le ticket n° \d+ a été créé à partir de la discussion\."))
    banner.wait_for()
    number = int(re.search(r"n° (\d+)", banner.inner_text()).group(1))  # type: ignore[union-attr]
    ended = api(stack, "lucas", "GET", f"/chat/sessions/{chat_id}")["chat"]
    assert (ended["state"]["code"], ended["filed"]) == ("ENDED", number)
    assert later in api(stack, "marie", "GET", f"/tickets/{number}")["description"]
    screenshot(lucas, "chat-console-ticket")
    axe(lucas, "the console after the ticket")
    lucas.get_by_role("link", name=f"Voir le ticket n° {number}").first.click()
    lucas.get_by_role("heading", level=1, name=re.compile(f"n° {number}")).wait_for()


# ------------------------------------------------------------------------------------------ the race
def test_of_two_agents_clicking_prendre_en_charge_at_once_exactly_one_gets_the_chat_the_other_is_told(
    agents: dict[str, Page], stack: Stack
) -> None:
    sophie, lucas = agents["sophie"], agents["lucas"]
    go_available(sophie)
    go_available(lucas)
    _, started = marie_asks_for_an_agent(stack)
    chat_id = started["chat"]["id"]
    for page in (sophie, lucas):
        waiting_item(page, chat_id).wait_for()
    # Both clicks start at the same instant of the machine's clock (both contexts share it).
    at = int(time.time() * 1000) + 800
    button = f"li.chatdesk-item:has(#attente-{chat_id}) button.fr-btn:not(.fr-btn--tertiary)"
    for page in (sophie, lucas):
        page.evaluate(
            "([selector, at]) => setTimeout(() => document.querySelector(selector).click(), at - Date.now())",
            [button, at],
        )
    for page in (sophie, lucas):
        page.wait_for_function(
            "(id) => document.getElementById(`discussion-${id}`) !== null"
            " || document.querySelector('.fr-alert--error') !== null",
            arg=chat_id,
        )
    got = {alias: chat_panel(page, chat_id).count() == 1 for alias, page in agents.items()}
    assert sorted(got.values()) == [False, True], got  # exactly one
    winner = next(alias for alias, won in got.items() if won)
    loser = agents[next(alias for alias, won in got.items() if not won)]
    alert = loser.locator(".fr-alert--error")
    assert messages.CHAT_ALREADY_TAKEN in alert.inner_text()  # in French, the API's words
    waiting_item(loser, chat_id).wait_for(state="detached")  # the chat left their queue
    taken = api(stack, winner, "GET", f"/chat/sessions/{chat_id}")["chat"]
    assert (taken["state"]["code"], taken["agent"]["name"]) == ("ACTIVE", NAMES[winner])
    screenshot(loser, "chat-console-race-lost")
    axe(loser, "the console of the agent who lost the race")
    end_quietly(stack, winner, chat_id)


# ------------------------------------------------------------------------------------------ keyboard, widths
def test_the_console_with_the_keyboard_alone(browser: Browser, stack: Stack) -> None:
    context, page, problems = agent_page(browser, stack, "sophie")
    try:

        def tab_to(test: str, what: str, limit: int = 120) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(test):
                    return
            pytest.fail(f"{what} cannot be reached with Tab")

        tab_to("() => document.activeElement?.name === 'disponibilite'", "the availability")
        if page.evaluate("() => document.activeElement.value") != "oui":
            page.keyboard.press("ArrowLeft")
        page.get_by_text(re.compile("Vous êtes disponible jusqu'à")).wait_for()
        conversation_id, started = marie_asks_for_an_agent(stack)
        chat_id = started["chat"]["id"]
        waiting_item(page, chat_id).wait_for()
        tab_to(
            f"() => document.activeElement?.textContent === 'Prendre en charge'"
            f" && document.activeElement.closest('li.chatdesk-item')?.querySelector('#attente-{chat_id}') !== null",
            "« Prendre en charge »",
        )
        page.keyboard.press("Enter")
        chat_panel(page, chat_id).wait_for()
        tab_to(f"() => document.activeElement?.id === 'message-{chat_id}'", "the message")
        page.keyboard.type("Je regarde tout de suite.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # « Envoyer »
        chat_panel(page, chat_id).get_by_role("log").locator("li", has_text="Je regarde tout de suite.").wait_for()
        tab_to("() => document.activeElement?.textContent === 'Terminer'", "« Terminer »")
        page.keyboard.press("Enter")
        dialog = opened(page.get_by_role("dialog", name="Terminer la discussion"))
        assert dialog.evaluate("d => d.contains(document.activeElement)") is True
        page.keyboard.press("Escape")  # Échap closes it, the focus back on « Terminer »
        dialog.wait_for(state="hidden")
        assert page.evaluate("() => document.activeElement?.textContent") == "Terminer"
        page.keyboard.press("Enter")
        opened(dialog)
        tab_to("() => document.activeElement?.name === 'outcome'", "the outcome")
        tab_to(
            "() => document.activeElement?.textContent === 'Terminer'"
            " && document.activeElement.closest('dialog') !== null",
            "the dialog's « Terminer »",
        )
        page.keyboard.press("Enter")
        page.get_by_text(f"La discussion avec {NAMES['marie']} est terminée.").wait_for()
        read = api(stack, "marie", "GET", f"/assistant/conversations/{conversation_id}/chat")
        assert read["chat"]["state"]["code"] == "ENDED" and read["chat"]["filed"] is None
    finally:
        context.close()
        api(stack, "sophie", "POST", "/chat/availability", {"available": False})
    assert problems == [], problems


@pytest.mark.parametrize("width", [320, 640])
def test_the_console_and_its_dialogs_without_horizontal_scrolling(browser: Browser, stack: Stack, width: int) -> None:
    context, page, problems = agent_page(browser, stack, "sophie", width=width)
    try:
        go_available(page)
        _, started = marie_asks_for_an_agent(stack)
        chat_id = started["chat"]["id"]
        waiting_item(page, chat_id).wait_for()
        assert horizontal_overflow(page) == 0
        screenshot(page, f"chat-console-waiting-{width}")
        waiting_item(page, chat_id).get_by_role("button", name=re.compile("^Prendre en charge")).click()
        panel = chat_panel(page, chat_id)
        panel.wait_for()
        panel.get_by_label("Votre message").fill("Un message assez long pour passer à la ligne " * 3)
        panel.get_by_role("button", name="Envoyer").click()
        panel.get_by_role("log").locator("li", has_text="Un message assez long").wait_for()
        assert horizontal_overflow(page) == 0
        axe(page, f"the console at {width} px")
        screenshot(page, f"chat-console-taken-{width}")
        panel.get_by_role("button", name="Transférer à un collègue").click()
        dialog = opened(page.get_by_role("dialog", name="Transférer la discussion à un collègue"))
        assert horizontal_overflow(page) == 0
        axe(page, f"the hand-over dialog at {width} px (no colleague available)")
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        end_quietly(stack, "sophie", chat_id)
    finally:
        context.close()
        api(stack, "sophie", "POST", "/chat/availability", {"available": False})
    assert problems == [], problems


# ------------------------------------------------------------------------------------------ a dropped socket
def test_a_dropped_socket_is_opened_again_and_the_chat_read_from_the_last_message_without_gap_or_duplicate(
    browser: Browser, stack: Stack
) -> None:
    from playwright.sync_api import WebSocketRoute

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    from tests.browser.portal import watch

    problems = watch(page)
    sockets: list[tuple[WebSocketRoute, WebSocketRoute]] = []

    def through(route: WebSocketRoute) -> None:  # each socket the page opens, passed on to the stack's server
        sockets.append((route, route.connect_to_server()))

    page.route_web_socket(re.compile(r"^ws://"), through)
    try:
        sign_in(page, stack, "sophie", fragment="/discussions")
        go_available(page)
        conversation_id, started = marie_asks_for_an_agent(stack)
        chat_id = started["chat"]["id"]
        waiting_item(page, chat_id).get_by_role("button", name=re.compile("^Prendre en charge")).click()
        panel = chat_panel(page, chat_id)
        log = panel.get_by_role("log")
        first = "Avant la coupure."
        api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat/messages", {"text": first})
        log.locator("li", has_text=first).wait_for()
        assert len(sockets) == 1

        # The connection drops (both ends closed): the stack gives the chat back to its queue; Marie writes meanwhile.
        page_side, server_side = sockets[0]
        server_side.close()
        page_side.close()
        page.get_by_text("Connexion interrompue").wait_for()
        during = "Pendant la coupure."
        api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat/messages", {"text": during})

        # A new socket opens by itself; the chat is read again after the last number held: what was said meanwhile
        # appears once, every number once and in order.
        log.locator("li", has_text=during).wait_for()
        assert len(sockets) >= 2
        page.get_by_text("Connexion interrompue").wait_for(state="hidden")
        whole = api(stack, "sophie", "GET", f"/chat/sessions/{chat_id}")
        assert whole["chat"]["state"]["code"] == "WAITING"  # the stack gave it back when the agent's socket closed
        panel.get_by_text("La discussion est retournée dans la file d'attente").wait_for()
        seqs = [int(s) for s in log.locator("li").evaluate_all("lis => lis.map((li) => li.dataset.seq)")]
        assert seqs == [m["seq"] for m in whole["messages"]] == list(range(1, whole["chat"]["last_seq"] + 1))
        texts = log.locator(".chatdesk-msg__text").all_inner_texts()
        assert texts == [m["text"] for m in whole["messages"]]  # the stored order, each message once
        screenshot(page, "chat-console-back-in-queue")
        axe(page, "the console after a dropped socket")

        # Taken again from the panel: the same chat, nothing shown twice; it is followed on the new socket.
        panel.get_by_role("button", name="Reprendre la discussion").click()
        panel.get_by_role("button", name="Envoyer").wait_for()
        after = "Après la reprise."
        api(stack, "marie", "POST", f"/assistant/conversations/{conversation_id}/chat/messages", {"text": after})
        log.locator("li", has_text=after).wait_for()
        whole = api(stack, "sophie", "GET", f"/chat/sessions/{chat_id}")
        seqs = [int(s) for s in log.locator("li").evaluate_all("lis => lis.map((li) => li.dataset.seq)")]
        assert seqs == list(range(1, whole["chat"]["last_seq"] + 1))
        end_quietly(stack, "sophie", chat_id)
    finally:
        context.close()
        api(stack, "sophie", "POST", "/chat/availability", {"available": False})
    assert problems == [], problems
