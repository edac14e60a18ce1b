"""The SES v2 adapter of the ``Mailer`` port: one MIME message (plain text and HTML alternatives, UTF-8),
sent from the configured identity, in the configured configuration set if any."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import MailUnavailable
from chorus_desk.models import OutgoingMail, utc_now


def mime_message(mail: OutgoingMail, sender: str) -> bytes:
    """The mail as SES sends it: multipart/alternative, text first then HTML, UTF-8 throughout."""
    message = EmailMessage()
    local, _, domain = sender.partition("@")
    message["From"] = Address(messages.MAIL_SENDER_NAME, local, domain)
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(idstring=mail.key.replace("#", "."), domain=domain or None)
    message["Content-Language"] = "fr"
    message.set_content(mail.text, charset="utf-8")
    message.add_alternative(mail.html, subtype="html", charset="utf-8")
    return message.as_bytes()


def default_client() -> Any:
    """An SES v2 client with short timeouts and bounded retries (endpoint from AWS_ENDPOINT_URL if set)."""
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return boto.client("sesv2", config=config)


class SesMailer:
    def __init__(self, sender: str, configuration_set: str | None = None, client: Any | None = None) -> None:
        self._sender = sender
        self._configuration_set = configuration_set or None
        self._client = client or default_client()

    def send(self, mail: OutgoingMail) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [mail.to]},
            "Content": {"Raw": {"Data": mime_message(mail, self._sender)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            reply = self._client.send_email(**request)
        except (ClientError, BotoCoreError) as exc:
            raise MailUnavailable(messages.MAIL_UNAVAILABLE) from exc
        return str(reply["MessageId"])
