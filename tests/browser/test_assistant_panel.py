"""The assistant's panel in Chromium (issue 23, point 6; seed 004): « Besoin d'aide ? Posez une question » on every
page, a visitor's and a signed-in user's conversations, the frequent questions with their « Pour aller plus loin »
pages opening in a new window, two questions in one message offered as choices, the thumbs (the thumbs-down modal
with seed 004's four reasons and the mandatory comment, refused empty in the API's words), then « Contacter un
agent » and « Continuer notre conversation »; the structure procedure through the panel, an inactivation with a
takeover checked afterwards through the API; the hand-over draft opened from the panel; the conversation kept
across screens and a reload; the keyboard alone; axe-core on the panel and the dialog; 320 px and 200 % zoom.

The module runs on a local stack of its own: the inactivation moves the demo's invoices and tickets, which the
other browser tests rely on. Expected texts come from the API (the conversation read back with the user's token)
or from the desk's message templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from chorus_desk import messages
from tests.browser.portal import axe, horizontal_overflow, open_portal, screenshot, settled, sign_in, watch
from tests.e2e.stack import Stack, start_stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

COMMUNE, ATELIERS = "21769001500011", "21769001500029"
COMMUNITY = "https://communaute.chorus-pro.gouv.fr/"
LAUNCHER = "Besoin d'aide ? Posez une question"
NO_RELOAD = "window.__sansRechargement"


@pytest.fixture(scope="module")
def stack(portal_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("assistant-browser"))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    # The community's pages are outside the sandbox (network blocked): answered by a page of the test.
    page = "<title>Communauté Chorus Pro</title>"
    context.route(f"{COMMUNITY}**", lambda route: route.fulfill(body=page, content_type="text/html"))
    return context


# ------------------------------------------------------------------------------------------------ helpers
def panel(page: Page) -> Locator:
    return page.get_by_role("dialog", name=re.compile("assistante virtuelle"))


def log(page: Page) -> Locator:
    return panel(page).get_by_role("log")


def open_panel(page: Page) -> Locator:
    page.get_by_role("button", name=LAUNCHER).click()
    shown = panel(page)
    expect(shown).to_be_visible()
    expect(log(page)).to_contain_text("Bonjour, je suis")
    return shown


def last_said(page: Page) -> str:
    """What the assistant said last in the panel, as shown."""
    turns = log(page).locator(".portal-assistant__turn")
    return (turns.last.locator(".portal-assistant__text").all_text_contents() or [""])[0] if turns.count() else ""


def said_texts(page: Page) -> list[str]:
    """Each line of the log: who, then what (paragraphs joined by a blank line)."""
    turns = log(page).locator(".portal-assistant__turn")
    return [
        f"{t.locator('.portal-assistant__who').text_content()}|"
        + "\n\n".join(t.locator(".portal-assistant__text").all_text_contents())
        for t in turns.all()
    ]


def ask(page: Page, text: str) -> None:
    before = log(page).locator(".portal-assistant__turn").count()
    field = panel(page).get_by_label("Votre message")
    field.fill(text)
    panel(page).get_by_role("button", name="Envoyer").click()
    expect(log(page).locator(".portal-assistant__turn")).to_have_count(before + 2)
    if field.count():  # offered again: emptied once sent
        expect(field).to_have_value("")


def choose(page: Page, label: str) -> None:
    before = log(page).locator(".portal-assistant__turn").count()
    panel(page).get_by_role("button", name=label, exact=True).click()
    expect(log(page).locator(".portal-assistant__turn")).not_to_have_count(before)


def choices(page: Page) -> list[str]:
    group = panel(page).get_by_role("list", name="Réponses proposées")
    return [b.strip() for b in group.get_by_role("button").all_text_contents()] if group.count() else []


def conversation_id(page: Page) -> str:
    kept: dict[str, Any] = page.evaluate("() => JSON.parse(sessionStorage.getItem('portal.assistant'))")
    return str(kept["id"])


def read_back(stack: Stack, page: Page, alias: str | None) -> dict[str, Any]:
    """The conversation as the API gives it (the user's token, or the public route for a visitor)."""
    prefix = "/assistant" if alias else "/public/assistant"
    status, answer, _ = stack.http("GET", f"{prefix}/conversations/{conversation_id(page)}", alias)
    assert status == 200, answer
    assert isinstance(answer, dict)
    return answer


def shows_the_transcript(page: Page, conversation: dict[str, Any]) -> None:
    """The log holds the API's transcript line for line, each with its speaker."""
    name = re.search(r"je suis ([^,]+),", conversation["transcript"][0]["text"])
    assert name
    who = {"USER": "Vous", "ASSISTANT": name.group(1)}
    expected = [f"{who[t['by']]}|{t['text']}" for t in conversation["transcript"]]
    shown = said_texts(page)
    assert [s.split("|")[0] for s in shown[: len(expected)]] == [e.split("|")[0] for e in expected]
    # The texts as the API gives them (the addresses of « label (url) » shown as links named by their label).
    flatten = [re.sub(r" \((https?://[^\s)]+)\)", "", e) for e in expected]
    assert shown[: len(expected)] == flatten


def opened(dialog: Locator) -> Locator:
    """A DSFR modal once open and its opening transition over (axe would measure contrasts half faded in)."""
    dialog.wait_for(state="visible")
    dialog.evaluate("d => Promise.all(d.getAnimations({ subtree: true }).map((a) => a.finished))")
    return dialog


def described_by(field: Locator) -> str:
    text: str = field.evaluate(
        "f => (f.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)"
        ".map((id) => document.getElementById(id).textContent).join(' | ')"
    )
    return text


def feedback_dialog(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Votre avis sur la réponse")


# ------------------------------------------------------------------------------- a visitor without an account
def test_a_visitor_asks_a_frequent_question_opens_its_page_and_rates_the_answer_down_then_both_follow_ups(
    stack: Stack, context: BrowserContext, page: Page
) -> None:
    open_portal(page, stack, "/contact")
    page.get_by_role("heading", level=1).wait_for()
    page.evaluate(f"{NO_RELOAD} = true")
    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    open_panel(page)
    expect(launcher).to_be_hidden()
    # The welcome as the API gives it, its topics as buttons.
    conversation = read_back(stack, page, None)
    shows_the_transcript(page, conversation)
    assert choices(page) == [c["label"] for c in conversation["reply"]["choices"]]
    screenshot(page, "assistant-accueil-visiteur", full_page=False)

    ask(page, "comment je cree mon compte ?")
    conversation = read_back(stack, page, None)
    shows_the_transcript(page, conversation)
    assert last_said(page).startswith(messages.FAQ_ANSWERS["CREATE_ACCOUNT"][:40])
    # « Pour aller plus loin »: the page of the answer, a link opening a new window with its title saying so.
    (link_data,) = conversation["reply"]["links"]
    link = log(page).get_by_role("link", name=link_data["label"]).last
    expect(link).to_have_attribute("href", link_data["url"])
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("title", f"{link_data['label']} - nouvelle fenêtre")
    with context.expect_page() as new_page:
        link.click()
    community = new_page.value
    community.wait_for_load_state()
    assert community.url == link_data["url"]
    community.close()
    assert choices(page) == ["Continuer notre conversation", "Contacter un agent"]
    expect(panel(page).get_by_text("Cette réponse vous a-t-elle aidé ?")).to_be_visible()
    screenshot(page, "assistant-reponse-lien", full_page=False)

    # Thumbs down: the modal with seed 004's four reasons and the comment; sent empty, the API's messages.
    panel(page).get_by_role("button", name="Non, cette réponse ne m'a pas aidé").click()
    dialog = opened(feedback_dialog(page))
    reasons = dialog.get_by_role("group", name=re.compile("Pouvez-vous nous décrire ce qui ne va pas"))
    assert [r.strip() for r in reasons.locator("label").all_text_contents()] == list(
        messages.FEEDBACK_REASON_LABELS.values()
    )
    expect(dialog.get_by_role("button", name="Annuler")).to_be_visible()
    dialog.get_by_role("button", name="Envoyer").click()
    comment = dialog.get_by_label("Commentaire")
    expect(comment).to_have_attribute("aria-invalid", "true")
    assert described_by(comment) == messages.FEEDBACK_COMMENT_REQUIRED
    expect(dialog.get_by_text(messages.FEEDBACK_REASON_REQUIRED)).to_be_visible()
    axe(page, "the thumbs-down dialog, refused")
    screenshot(page, "assistant-avis-refuse", full_page=False)
    # A reason without a comment: the comment is still refused, nothing counted.
    dialog.get_by_text("La réponse apportée était compliquée").click()
    dialog.get_by_role("button", name="Envoyer").click()
    expect(dialog.get_by_text(messages.FEEDBACK_COMMENT_REQUIRED)).to_be_visible()
    assert read_back(stack, page, None)["reply"]["feedback"] is True  # not rated yet
    comment.fill("Je n'ai pas pu aller au bout de la procédure")
    dialog.get_by_role("button", name="Envoyer").click()
    expect(dialog).to_be_hidden()
    expect(log(page)).to_contain_text(messages.FEEDBACK_THANKS)
    assert choices(page) == ["Contacter un agent", "Continuer notre conversation"]
    # Rated once: the thumbs are not offered again to a visitor.
    expect(panel(page).get_by_text("Cette réponse vous a-t-elle aidé ?")).to_have_count(0)
    screenshot(page, "assistant-apres-avis", full_page=False)

    # « Continuer notre conversation »: the topics again, then « Contacter un agent » sends a visitor to the form.
    choose(page, "Continuer notre conversation")
    assert last_said(page) == read_back(stack, page, None)["reply"]["text"] == messages.ASSISTANT_WELCOME
    ask(page, "comment ajouter un espace")
    choose(page, "Contacter un agent")
    conversation = read_back(stack, page, None)
    shows_the_transcript(page, conversation)
    assert messages.ASSISTANT_AGENT_ANONYMOUS in log(page).inner_text()
    assert page.evaluate(NO_RELOAD) is True


# ----------------------------------------------------------------------------------------- a signed-in user
def test_two_questions_in_one_message_are_offered_as_choices_and_the_conversation_follows_the_user(
    stack: Stack, context: BrowserContext, page: Page
) -> None:
    sign_in(page, stack, "marie")
    open_panel(page)
    ask(page, "comment créer mon compte ? et comment ajouter un espace ?")
    assert last_said(page) == messages.ASSISTANT_SEVERAL_TOPICS
    conversation = read_back(stack, page, "marie")
    assert choices(page) == [c["label"] for c in conversation["reply"]["choices"]]
    assert len(choices(page)) == 3
    screenshot(page, "assistant-deux-questions", full_page=False)
    first, second, _ = choices(page)
    choose(page, first)
    assert choices(page)[0] == messages.ASSISTANT_OTHER_QUESTION.format(title=second)

    # Another screen of the portal: the panel and its conversation are still there; closed and opened again too.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes tickets").click()
    page.get_by_role("heading", level=1, name="Mes tickets").wait_for()
    shows_the_transcript(page, read_back(stack, page, "marie"))
    panel(page).get_by_role("button", name="Fermer").click()
    expect(panel(page)).to_be_hidden()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Accueil").click()
    settled(page)
    page.get_by_role("button", name=LAUNCHER).click()
    choose(page, choices(page)[0])
    assert last_said(page).startswith(messages.FAQ_ANSWERS["ADD_SPACES"][:40])

    # A reload: the panel opens again with the conversation read back from the API.
    page.reload()
    expect(panel(page)).to_be_visible()
    expect(log(page)).to_contain_text(messages.FAQ_ANSWERS["ADD_SPACES"][:40])
    shows_the_transcript(page, read_back(stack, page, "marie"))
    assert choices(page) == ["Continuer notre conversation", "Contacter un agent"]

    # Thumbs up: thanked, then « Contacter un agent » → a draft of the conversation, opened from the panel.
    panel(page).get_by_role("button", name="Oui, cette réponse m'a aidé").click()
    expect(log(page)).to_contain_text(messages.FEEDBACK_THANKS)
    choose(page, "Contacter un agent")
    assert choices(page)[:2] == [messages.ASSISTANT_CHOICES["SEND_TICKET"], messages.ASSISTANT_CHOICES["DRAFT_TICKET"]]
    choose(page, messages.ASSISTANT_CHOICES["DRAFT_TICKET"])
    draft = re.search(r"brouillon n° (\d+)", last_said(page))
    assert draft, last_said(page)
    status, ticket, _ = stack.http("GET", f"/tickets/{draft.group(1)}", "marie")
    assert status == 200 and ticket["status"]["code"] == "DRAFT", ticket
    screenshot(page, "assistant-brouillon", full_page=False)
    panel(page).get_by_role("link", name=f"Compléter le brouillon n° {draft.group(1)}").click()
    expect(page).to_have_url(re.compile(rf"#/tickets/{draft.group(1)}/modifier$"))
    expect(page.get_by_label(re.compile("^Titre"))).to_have_value(ticket["title"])


def test_an_inactivation_with_a_takeover_through_the_assistant_then_read_through_the_api(
    stack: Stack, context: BrowserContext, page: Page
) -> None:
    status, commune, _ = stack.http("GET", f"/structures/{COMMUNE}", "claire")
    assert status == 200 and commune["active"] is True, commune
    sign_in(page, stack, "claire")
    page.evaluate(f"{NO_RELOAD} = true")
    open_panel(page)
    ask(page, "je voudrais inactiver ma structure")
    choose(page, "Structure publique")
    choose(page, "Inactiver une structure publique")
    ask(page, COMMUNE)
    assert commune["designation"] in last_said(page)
    choose(page, "Je confirme")
    assert last_said(page) == messages.ASSISTANT_TAKEOVER_EXISTS
    choose(page, "Oui")
    ask(page, "217 690 015 00029")
    screenshot(page, "assistant-procedure-confirmation", full_page=False)
    status, ateliers, _ = stack.http("GET", f"/structures/{ATELIERS}", "claire")
    assert ateliers["designation"] in last_said(page)
    choose(page, "Je confirme")
    # The operation runs; the panel follows it and the assistant gives its outcome without a click.
    expect(log(page)).to_contain_text(f"La structure de SIRET {COMMUNE} est inactivée", timeout=60_000)
    conversation = read_back(stack, page, "claire")
    operation_id = conversation["reply"]["operation_id"]
    status, operation, _ = stack.http("GET", f"/operations/{operation_id}", "claire")
    assert status == 200 and operation["state"]["code"] == "SUCCEEDED", operation
    assert operation["takeover_siret"] == ATELIERS
    assert operation["message"] in log(page).inner_text()
    status, commune, _ = stack.http("GET", f"/structures/{COMMUNE}", "claire")
    assert commune["active"] is False, commune
    shows_the_transcript(page, conversation)
    screenshot(page, "assistant-procedure-realisee", full_page=False)
    assert page.evaluate(NO_RELOAD) is True
    # The commune active again for the module's other tests.
    assert stack.http("POST", f"/structures/{COMMUNE}/activation", "claire", {"confirm": True})[0] == 200


# ------------------------------------------------------------------------------------ keyboard, axe, widths
def test_the_keyboard_alone_from_opening_the_panel_to_sending_feedback(
    stack: Stack, context: BrowserContext, page: Page
) -> None:
    sign_in(page, stack, "paul")
    launcher = page.get_by_role("button", name=LAUNCHER)
    launcher.focus()
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text("Bonjour, je suis")
    expect(panel(page).get_by_role("heading", name=re.compile("assistante virtuelle"))).to_be_focused()
    field = panel(page).get_by_label("Votre message")
    while not field.evaluate("f => f === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.type("comment deposer une facture de sous-traitance")
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text(messages.FAQ_ANSWERS["SUBCONTRACTING"][:40])
    thumb = panel(page).get_by_role("button", name="Non, cette réponse ne m'a pas aidé")
    for _ in range(40):
        if thumb.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(thumb).to_be_focused()
    page.keyboard.press("Enter")
    dialog = opened(feedback_dialog(page))
    # Échap closes the dialog only, the focus back on the thumb; the panel stays open.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(thumb).to_be_focused()
    expect(panel(page)).to_be_visible()
    page.keyboard.press("Enter")
    opened(dialog)
    first_reason = dialog.get_by_role("radio").first
    for _ in range(10):
        if first_reason.evaluate("r => r === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_label("La réponse apportée était imprécise ou incomplète")).to_be_checked()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Commentaire")).to_be_focused()
    page.keyboard.type("Il manque la marche à suivre du sous-traitant")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Envoyer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(log(page)).to_contain_text(messages.FEEDBACK_THANKS)
    # Échap closes the panel, the focus back on « Besoin d'aide ? ».
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(launcher).to_be_focused()


@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 450)], ids=["320px", "zoom-200"])
def test_the_panel_and_its_dialog_have_no_axe_violation_and_no_horizontal_scrolling(
    stack: Stack, browser: Any, width: int, height: int
) -> None:
    viewport = {"width": width, "height": height}
    narrow = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=viewport)
    narrow.set_default_timeout(15_000)
    try:
        page = narrow.new_page()
        problems = watch(page)
        sign_in(page, stack, "marie")
        axe(page, f"the home with the launcher at {width} px")
        open_panel(page)
        ask(page, "comment ajouter un espace")
        assert horizontal_overflow(page) == 0
        axe(page, f"the panel at {width} px")
        screenshot(page, f"assistant-{width}px", full_page=False)
        panel(page).get_by_role("button", name="Non, cette réponse ne m'a pas aidé").click()
        dialog = opened(feedback_dialog(page))
        assert horizontal_overflow(page) == 0
        axe(page, f"the thumbs-down dialog at {width} px")
        screenshot(page, f"assistant-avis-{width}px", full_page=False)
        dialog.get_by_role("button", name="Annuler").click()
        expect(dialog).to_be_hidden()
        assert problems == []
    finally:
        narrow.close()


# ------------------------------------------------------------------------------------------- the live chat
def test_a_live_chat_between_a_users_panel_and_an_agents_console_then_rated_and_mailed(
    stack: Stack, browser: Any, context: BrowserContext, page: Page
) -> None:
    # Sophie, an agent of the support, says she is available in her console (another browser context).
    agent_context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    agent_context.set_default_timeout(15_000)
    try:
        agent = agent_context.new_page()
        agent_problems = watch(agent)
        sign_in(agent, stack, "sophie", fragment="/discussions")
        agent.get_by_text("Disponible", exact=True).click()
        expect(agent.get_by_role("status").filter(has_text="Vous êtes disponible")).to_be_visible()

        # Marie asks the assistant, then for an agent: the chat is offered first, she joins the queue.
        sign_in(page, stack, "marie")
        page.evaluate(f"{NO_RELOAD} = true")
        open_panel(page)
        ask(page, "comment ajouter un espace")
        choose(page, "Contacter un agent")
        assert choices(page)[0] == messages.ASSISTANT_CHOICES["LIVE_CHAT"]
        panel(page).get_by_role("button", name=messages.ASSISTANT_CHOICES["LIVE_CHAT"]).click()
        chat_log = panel(page).get_by_role("log", name="Discussion avec un agent")
        expect(chat_log).to_contain_text("Vous êtes en file d'attente")
        status, read, _ = stack.http("GET", f"/assistant/conversations/{conversation_id(page)}/chat", "marie")
        assert status == 200 and read["chat"]["state"]["code"] == "WAITING", read
        state = panel(page).locator("#discussion-etat")
        expect(state).to_have_text(f"{read['chat']['state']['label']} – {read['chat']['queue_name']}")
        assert messages.CHAT_WAITING.format(queue=read["chat"]["queue_name"]) in chat_log.inner_text()
        screenshot(page, "chat-utilisateur-attente", full_page=False)
        axe(page, "the panel waiting for an agent")

        # Sophie takes it in her console: Marie's panel shows her name, without a reload.
        agent.get_by_role("button", name=re.compile("^Prendre en charge la demande de")).first.click()
        # The take goes over Sophie's socket: once her console shows the chat taken, the API says so too.
        expect(agent.get_by_role("heading", name=re.compile("^Discussion avec "))).to_be_visible()
        status, read, _ = stack.http("GET", f"/assistant/conversations/{conversation_id(page)}/chat", "marie")
        assert read["chat"]["state"]["code"] == "ACTIVE", read
        agent_name = read["chat"]["agent"]["name"]
        expect(state).to_have_text(f"En ligne avec {agent_name}")
        expect(chat_log).to_contain_text(messages.CHAT_JOINED.format(agent=agent_name))

        # Messages both ways, each appearing on the other side without a reload.
        agent_box = agent.locator("main").get_by_label("Votre message")
        agent_box.fill("Bonjour, je regarde vos espaces.")
        agent.locator("main").get_by_role("button", name="Envoyer").click()
        expect(chat_log).to_contain_text("Bonjour, je regarde vos espaces.")
        panel(page).get_by_label("Votre message à l'agent").fill("Merci, l'onglet Factures reçues me manque.")
        panel(page).get_by_role("button", name="Envoyer").click()
        expect(agent.locator("main")).to_contain_text("Merci, l'onglet Factures reçues me manque.")
        expect(chat_log).to_contain_text("Merci, l'onglet Factures reçues me manque.")
        screenshot(page, "chat-utilisateur-en-ligne", full_page=False)
        axe(page, "the panel in a chat with an agent")
        # A reload: the panel opens again on the chat under way, its messages read back.
        assert page.evaluate(NO_RELOAD) is True
        page.reload()
        expect(state).to_have_text(f"En ligne avec {agent_name}")
        expect(chat_log).to_contain_text("Merci, l'onglet Factures reçues me manque.")
        expect(chat_log).to_contain_text("Bonjour, je regarde vos espaces.")
        page.evaluate(f"{NO_RELOAD} = true")

        # Sophie ends it: Marie's panel says so, then she rates it and asks for the transcript by mail.
        agent.locator("main").get_by_role("button", name="Terminer", exact=True).click()
        end_dialog = opened(agent.get_by_role("dialog", name="Terminer la discussion"))
        end_dialog.get_by_role("button", name="Terminer", exact=True).click()
        expect(state).to_have_text(messages.CHAT_STATE_LABELS["ENDED"])
        expect(chat_log).to_contain_text(messages.CHAT_ENDED_BY_AGENT)
        panel(page).get_by_role("button", name="Non, cet échange ne m'a pas aidé").click()
        panel(page).get_by_role("button", name="Envoyer", exact=True).click()
        comment = panel(page).get_by_label("Commentaire")
        expect(comment).to_have_attribute("aria-invalid", "true")
        assert described_by(comment) == messages.FEEDBACK_COMMENT_REQUIRED
        panel(page).get_by_text("La réponse apportée était imprécise ou incomplète").click()
        comment.fill("L'agent a dû chercher longtemps")
        panel(page).get_by_role("button", name="Envoyer", exact=True).click()
        expect(panel(page).get_by_text("Merci pour votre avis sur cet échange.")).to_be_visible()
        panel(page).get_by_role("button", name="Recevoir la transcription par courriel").click()
        expect(panel(page).get_by_role("status").filter(has_text="La transcription de l'échange")).to_be_visible()
        status, read, _ = stack.http("GET", f"/assistant/conversations/{conversation_id(page)}/chat", "marie")
        assert read["chat"]["feedback_given"] is True and read["chat"]["transcript_asked"] is True, read
        mail = stack.wait_for_mail("marie.dupont@menuiserie-dupont.example", "transcription de votre échange")
        body = str(mail.get("text") or mail.get("body") or mail)
        assert "Bonjour, je regarde vos espaces." in body
        assert "Merci, l'onglet Factures reçues me manque." in body
        screenshot(page, "chat-utilisateur-fin", full_page=False)
        axe(page, "the panel after the chat")

        # Back to the assistant: the chat's lines joined the conversation's transcript.
        panel(page).get_by_role("button", name="Revenir à l'assistante").click()
        expect(log(page)).to_contain_text("Bonjour, je regarde vos espaces.")
        assert page.evaluate(NO_RELOAD) is True
        assert agent_problems == []
    finally:
        agent_context.close()


def test_a_user_of_several_structures_picks_one_then_leaves_the_queue_and_a_visitor_gets_the_transcript_by_mail(
    stack: Stack, browser: Any, context: BrowserContext, page: Page
) -> None:
    status, queues, _ = stack.http("POST", "/chat/availability", "sophie", {"available": True})
    assert status == 200, queues
    # Claire has several structures: the API asks which one, the panel lists hers; she picks one, then leaves.
    sign_in(page, stack, "claire")
    open_panel(page)
    ask(page, "comment ajouter un espace")
    choose(page, "Contacter un agent")
    panel(page).get_by_role("button", name=messages.ASSISTANT_CHOICES["LIVE_CHAT"]).click()
    expect(panel(page).get_by_text(messages.CHAT_WHICH_STRUCTURE).first).to_be_visible()
    me = stack.http("GET", "/me", "claire")[1]
    mine = {o["id"]: o["name"] for o in me["organisations"] if o["kind"] == "STRUCTURE"}
    structure = panel(page).get_by_label("Votre structure")
    options = structure.locator("option:not([value=''])")
    assert {o.get_attribute("value") for o in options.all()} == set(mine)
    axe(page, "the panel asking which structure")
    structure.select_option(ATELIERS)
    panel(page).get_by_role("button", name="Rejoindre la file d'attente").click()
    chat_log = panel(page).get_by_role("log", name="Discussion avec un agent")
    expect(chat_log).to_contain_text("Vous êtes en file d'attente")
    read = stack.http("GET", f"/assistant/conversations/{conversation_id(page)}/chat", "claire")[1]
    assert read["chat"]["structure"] == {"siret": ATELIERS, "name": mine[ATELIERS]}, read
    panel(page).get_by_role("button", name="Quitter la file d'attente").click()
    expect(chat_log).to_have_count(0)
    read = stack.http("GET", f"/assistant/conversations/{conversation_id(page)}/chat", "claire")[1]
    assert read["chat"]["state"]["code"] == "ENDED", read
    assert choices(page)[0] == messages.ASSISTANT_CHOICES["LIVE_CHAT"]  # back to « Contacter un agent »

    # A visitor: a kept conversation the API no longer knows is replaced by a new one, and the panel says so.
    visitor = context.new_page()
    open_portal(visitor, stack, "/contact")
    visitor.get_by_role("heading", level=1).wait_for()
    gone = "AAAAAAAAAAAAAAAAAAAAAA"
    visitor.evaluate(
        "(id) => sessionStorage.setItem('portal.assistant', JSON.stringify({who: '', id, open: true}))", gone
    )
    visitor.reload()
    expect(panel(visitor)).to_be_visible()
    expect(panel(visitor).get_by_text("La conversation précédente n'est plus disponible")).to_be_visible()
    assert conversation_id(visitor) != gone
    ask(visitor, "comment ajouter un espace")
    choose(visitor, "Contacter un agent")
    panel(visitor).get_by_role("button", name=messages.ASSISTANT_CHOICES["LIVE_CHAT"]).click()
    chat_log = panel(visitor).get_by_role("log", name="Discussion avec un agent")
    expect(chat_log).to_contain_text("Vous êtes en file d'attente")
    read = stack.http("GET", f"/public/assistant/conversations/{conversation_id(visitor)}/chat")[1]
    chat_id = read["chat"]["id"]
    # Sophie takes it and ends it through the API; the visitor's panel follows without a reload.
    assert stack.http("POST", f"/chat/sessions/{chat_id}/take", "sophie", {})[0] == 200
    expect(panel(visitor).locator("#discussion-etat")).to_have_text(re.compile("^En ligne avec "))
    assert (
        stack.http("POST", f"/chat/sessions/{chat_id}/messages", "sophie", {"text": "Voici la marche à suivre."})[0]
        == 200
    )
    expect(chat_log).to_contain_text("Voici la marche à suivre.")
    assert stack.http("POST", f"/chat/sessions/{chat_id}/end", "sophie", {"outcome": "CLOSE"})[0] == 200
    expect(panel(visitor).locator("#discussion-etat")).to_have_text(messages.CHAT_STATE_LABELS["ENDED"])
    # The transcript: the address is the visitor's to give; without it, the API's message beside the field.
    ask_mail = panel(visitor).get_by_role("button", name="Recevoir la transcription par courriel")
    ask_mail.click()
    address = panel(visitor).get_by_label(re.compile("^Adresse électronique"))
    expect(address).to_have_attribute("aria-invalid", "true")
    assert messages.CHAT_TRANSCRIPT_EMAIL_REQUIRED in described_by(address)
    axe(visitor, "the visitor's transcript refused")
    address.fill("visiteur.test@exemple.fr")
    ask_mail.click()
    expect(
        panel(visitor).get_by_text("La transcription de l'échange sera envoyée à visiteur.test@exemple.fr")
    ).to_be_visible()
    mail = stack.wait_for_mail("visiteur.test@exemple.fr", "transcription de votre échange")
    assert "Voici la marche à suivre." in str(mail)
    screenshot(visitor, "chat-visiteur-transcription", full_page=False)
