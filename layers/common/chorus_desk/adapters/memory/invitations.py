"""``Invitations`` and ``InvitationRequests`` in memory: the twins of the Cognito and EventBridge adapters,
which keep what they were asked."""

from __future__ import annotations

from collections.abc import Iterable


class MemoryInvitations:
    """Accounts waiting for activation, by e-mail; ``resent`` lists the invitations sent again."""

    def __init__(self, pending: Iterable[str] = ()) -> None:
        self.pending = {e.casefold() for e in pending}
        self.resent: list[str] = []

    def resend(self, email: str) -> bool:
        if email.casefold() not in self.pending:
            return False
        self.resent.append(email)
        return True


class MemoryInvitationRequests:
    """The requests handed to the invitations function, in order (``requested``): what it would be sent."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def request_resend(self, email: str) -> None:
        self.requested.append(email)
