"""End to end, the walk-through's « activation link sent again »: a visitor with no account tells the public assistant
over HTTP that the activation mail never came and gives the address; the assistant answers at once and the same
whatever the address, puts the request on the desk's bus (moto's EventBridge, hooked by the stack), the stack's
bus hands it to InvitationsFunction, which asks the local Cognito (moto) to RESEND, and Cognito's invitation
leaves through SES as the desk (`make mail` shows it). Once a day per address, whoever asks."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from chorus_desk import messages
from local_stack import demo
from tests.e2e.stack import Stack, start_stack
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

ACTIVE = demo.USERS[0].email  # marie: an account in use
UNKNOWN = "personne@exemple.fr"
DELIVERED = "EVENT  InvitationsFunction (Invitation Resend Requested) ok"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("invitations"), "--no-demo-tickets")
    yield started
    if started.process.poll() is None:
        started.process.kill()


def ask(stack: Stack, *texts: str) -> str:
    """A new conversation without an account, then ``texts``: the assistant's last answer."""
    status, started, _ = stack.http("POST", "/public/assistant/conversations")
    assert status == 201, started
    said = ""
    for text in texts:
        status, reply, _ = stack.http(
            "POST", f"/public/assistant/conversations/{started['id']}/messages", None, {"text": text}
        )
        assert status == 200, reply
        said = reply["reply"]["text"]
    return said


def deliveries(stack: Stack, count: int, timeout: float = 30) -> int:
    """Wait until the stack's bus has delivered ``count`` requests to InvitationsFunction; how many it did."""
    deadline = time.monotonic() + timeout
    while True:
        done = stack.log.read_text(errors="replace").count(DELIVERED)
        if done >= count or time.monotonic() > deadline:
            return done
        time.sleep(0.1)


def invitations_to(stack: Stack, address: str) -> list[dict[str, str]]:
    return [m for m in stack.mails() if m["to"] == address]


def test_the_readme_step_sends_the_activation_link_again_through_ses(stack: Stack) -> None:
    # The walk-through's two messages, word for word.
    said = ask(stack, "je ne trouve pas le mail avec le lien pour activer mon compte", demo.INVITED_EMAIL)
    assert said == messages.ASSISTANT_LINK_SENT
    mail = stack.wait_for_mail(demo.INVITED_EMAIL, "temporary password")  # Cognito's own text (no template)
    assert mail["from"] == "ne-pas-repondre@support-chorus.example.fr"  # the desk's sender: SES, not Cognito's
    assert demo.INVITED_EMAIL in mail["text"]
    # …and what the walk-through's `make mail LAST=1 WAIT=…` prints.
    command = ["mail", "--last", "1", "--wait-for", "temporary password", "--state-file", str(stack.state)]
    printed = subprocess.run(
        [sys.executable, "-m", "local_stack", *command],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"To:      {demo.INVITED_EMAIL}" in printed and "Subject: Your temporary password" in printed
    served = stack.log.read_text(errors="replace").split("Ready.", 1)[1]  # after the banner's list of demo users
    assert DELIVERED in served and "nouvelle.recrue" not in served  # the console never shows the address


def test_the_same_answer_for_an_active_or_unknown_address_and_once_a_day_per_address(stack: Stack) -> None:
    before = deliveries(stack, 1)
    invited_before = len(invitations_to(stack, demo.INVITED_EMAIL))
    answers = {
        email: ask(stack, "je ne trouve pas le mail avec le lien pour activer mon compte", email)
        for email in (ACTIVE, UNKNOWN)
    }
    assert set(answers.values()) == {messages.ASSISTANT_LINK_SENT}
    assert deliveries(stack, before + 2) == before + 2  # both handed to the function, which resent nothing
    assert invitations_to(stack, ACTIVE) == [] and invitations_to(stack, UNKNOWN) == []
    # Asked again today, from another conversation: the same answer, and nothing handed over. A new address asked
    # after it is delivered in order: once its request is through, the capped one would have been too.
    assert ask(stack, "lien d'activation", demo.INVITED_EMAIL) == messages.ASSISTANT_LINK_SENT
    assert ask(stack, "lien d'activation", "encore.personne@exemple.fr") == messages.ASSISTANT_LINK_SENT
    assert deliveries(stack, before + 3) == before + 3
    time.sleep(0.5)
    assert deliveries(stack, before + 4, timeout=0) == before + 3
    assert len(invitations_to(stack, demo.INVITED_EMAIL)) == invited_before
