"""A real SMTP server on loopback (aiosmtpd), and the project's mailer pointed at it.

`smtp_server` (a pytest fixture; tests/conftest.py registers this module as a plugin) starts an
aiosmtpd Controller on 127.0.0.1 at a free port, points settings.MAILERS["default"] at it with
Django's SMTP backend, and yields an SmtpSink: every message the server accepted, parsed
(`email.message.EmailMessage`, with `.recipients` from the envelope). Each test gets its own
server; it is stopped afterwards.

    def test_it(smtp_server):
        ...  # something sends mail
        message = smtp_server.wait_for(1)[0]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

How it answers, for the tests of refusals:
- `answer`: one SMTP reply to every RCPT TO ("550 5.1.1 No such user") until set back to None;
- `answers[address]`: replies to that recipient's RCPT TO, one per attempt ("451 …", then it
  is accepted);
- `sender_answer`: a reply to every MAIL FROM ("550 5.7.1 Sender not allowed");
- `hold(n, accept=…)`: the Nth message waits after its data until the test sets `release`
  (`held` is set once it waits), kept or not: the test knows exactly where a sender stands
  (killed mid-send, say), with no sleep.
"""

import asyncio
import socket
import threading
from collections import defaultdict
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

# How long wait_for() waits for the mails a test expects before failing (s). Mail sent from the
# test's own thread has arrived when send() returns; this covers a sender in another thread.
ARRIVAL_TIMEOUT = 10


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes


class SmtpSink:
    """What the server received, and how it answers (see the module)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.received: list[Received] = []
        self.answer: str | None = None
        self.answers: dict[str, list[str]] = defaultdict(list)
        self.sender_answer = ""
        self.data_count = 0  # DATA commands seen, kept or not
        self.held = threading.Event()
        self.release = threading.Event()
        self._hold_at, self._hold_accepts = 0, False
        self._arrived = threading.Condition()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._arrived:
            return [item.message for item in self.received]

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def clear(self) -> None:
        with self._arrived:
            self.received.clear()

    def hold(self, number: int, *, accept: bool) -> None:
        """Hold the `number`th message (1-based) once its data arrived, until `release` is
        set. `accept`: kept before holding (delivered, though the sender never heard so);
        else answered 451 when released (never delivered)."""
        self._hold_at, self._hold_accepts = number, accept

    def wait_for(self, count: int) -> list[EmailMessage]:
        """The messages once at least `count` have arrived; fails after ARRIVAL_TIMEOUT."""
        with self._arrived:
            arrived = self._arrived.wait_for(
                lambda: len(self.received) >= count, timeout=ARRIVAL_TIMEOUT
            )
        assert arrived, f"expected {count} mails, the SMTP server received {len(self.received)}"
        return self.messages

    def point_mailers_at(self, settings) -> None:
        """Make Django's default mailer send here (the fixture already did)."""
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 30},
            }
        }

    def _keep(self, envelope) -> None:
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        message.recipients = list(envelope.rcpt_tos)
        with self._arrived:
            self.received.append(Received(envelope.mail_from, message.recipients, message, raw))
            self._arrived.notify_all()

    # aiosmtpd's handler interface

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.sender_answer:
            return self.sender_answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.answer:
            return self.answer
        if self.answers.get(address):
            return self.answers[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._arrived:
            self.data_count += 1
            number = self.data_count
        if number == self._hold_at:
            if self._hold_accepts:
                self._keep(envelope)
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "250 OK" if self._hold_accepts else "451 4.3.0 Not kept"
        self._keep(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 that the project's default mailer sends to (see the
    module); yields its SmtpSink."""
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port, decode_data=False)
    controller.start()
    sink.point_mailers_at(settings)
    try:
        yield sink
    finally:
        sink.release.set()  # a held message lets its server thread go
        controller.stop()
