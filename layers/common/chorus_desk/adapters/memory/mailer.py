"""``Mailer`` in memory: the twin of the SES adapter."""

from __future__ import annotations

import uuid

from chorus_desk import messages
from chorus_desk.errors import MailUnavailable
from chorus_desk.models import OutgoingMail


class MemoryMailer:
    """A mailer that keeps what it sends in ``sent``; ``available = False`` makes it fail as SES would."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.available = True

    def send(self, mail: OutgoingMail) -> str:
        if not self.available:
            raise MailUnavailable(messages.MAIL_UNAVAILABLE)
        self.sent.append(mail)
        return str(uuid.uuid4())
