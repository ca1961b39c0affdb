"""A real SMTP server for the tests (aiosmtpd), on a free loopback port: it keeps every
message it accepts, and refuses the recipients it is told to refuse (550)."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """aiosmtpd's handler: what was delivered, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.running = False

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def start(self) -> None:
        self._controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._controller.stop()
            self.running = False


def text_of(message: EmailMessage) -> str:
    """The whole message as a reader sees it: headers and body."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    return f"{message['Subject']}\n{content}"
