"""A real SMTP server for tests (aiosmtpd), with knobs for the fault tests: slow to accept, or not listening."""
from __future__ import annotations

import asyncio
import os
import random
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage
    peer: tuple = ()  # the client's (host, port): one per SMTP session


def _port_range() -> range:
    first, _, last = os.environ.get("PORTAL_TEST_SMTP_PORTS", "5300-5399").partition("-")
    return range(int(first), int(last) + 1)


def _free_port() -> int:
    ports = list(_port_range())
    random.shuffle(ports)
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the SMTP test server")


class SMTPSink:
    """The server and what it received. `delay` makes it wait that long before answering DATA (a slow server);
    `data_started` is set when a message's DATA has arrived (the client is then waiting for the answer)."""

    def __init__(self, port: int) -> None:
        self.host, self.port = HOST, port
        self.messages: list[Received] = []
        self.delay = 0.0
        self.data_started = threading.Event()
        self._lock = threading.Lock()
        self._controller = None
        self.controller_options: dict = {}  # e.g. an authenticator, for tests of SMTP AUTH

    @classmethod
    def on_free_port(cls) -> SMTPSink:
        """A sink on a free port, not started yet."""
        return cls(_free_port())

    @property
    def url(self) -> str:
        """SMTP_URL for the portal."""
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, _server, session, envelope):  # noqa: N802 - aiosmtpd's handler name
        """Record the message (after `delay`) and accept it."""
        self.data_started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                            message_from_bytes(raw, policy=policy.default), tuple(session.peer or ()))
        with self._lock:
            self.messages.append(received)
        return "250 Message accepted for delivery"

    def start(self) -> SMTPSink:
        """Listen (again) on the port."""
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=10,
                                          **self.controller_options)
            self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until at least `count` messages arrived; returns them all (fails the test on time-out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s) within {timeout} s, got {len(self.messages)}")


class ObservedSMTPSink(SMTPSink):
    """The sink the tests use: also `refuse_next_mail`, the reply to the next MAIL command instead of 250 (once),
    and `quits`, the number of QUITs. (The benchmark uses the plain sink: these hooks cost a little per message.)"""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.refuse_next_mail: str | None = None
        self.quits = 0

    async def handle_MAIL(self, _server, _session, envelope, address, mail_options):  # noqa: N802
        """Take the sender, unless told to refuse this one."""
        if self.refuse_next_mail:
            reply, self.refuse_next_mail = self.refuse_next_mail, None
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_QUIT(self, _server, _session, _envelope):  # noqa: N802
        """Count the goodbye."""
        with self._lock:
            self.quits += 1
        return "221 Bye"
