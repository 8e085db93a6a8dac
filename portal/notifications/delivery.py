"""How an email leaves: claim the outbox row, compose it, send it (SMTP or .eml), mark it. One module sends.

`deliver(notification_id)` is safe to run any number of times for the same id, in any number of workers:
1. Claim: one UPDATE ... RETURNING (SQLite: in a `BEGIN IMMEDIATE` transaction; PostgreSQL: on its own, atomic)
   takes a lease (`claimed_until`) only where the row is pending, due and not held, and returns the row. The
   lease, not an open transaction, protects the send, so a slow SMTP server never holds a database lock (on SQLite
   that would stop every other writer).
2. Compose (the kind's builder decides whether it still applies; None marks the row skipped).
3. Send through SMTP_URL, or write `<id>-<kind>.eml` into PORTAL_OUTBOX_DIR.
4. Mark the row sent: one UPDATE (or, for a kind with an after-delivery callback, the locked row given to the
   callback in one transaction with the mark).
All four use one pooled connection (see `deliver`).
If the worker dies between 3 and 4, the lease runs out and the clock enqueues the row again: the email may then
arrive twice, with the same Message-ID.

A failure is handled the way an MTA handles its queue: it records `attempts` and `last_error`, logs one WARNING line
(no traceback), sets `retry_at` (the clock leaves the row to the broker's retry until then) and raises
`DeliveryFailed`, a `dramatiq.Retry` carrying the delay: doubling from PORTAL_DELIVERY_MIN_BACKOFF_MS, capped at
PORTAL_DELIVERY_MAX_BACKOFF_MS. It keeps trying for as long as the row is younger than PORTAL_DELIVERY_MAX_AGE_HOURS
(48 h; age counts from when the email was due), so an SMTP outage of any length within that heals itself with no
one pressing Retry. Past that age, or on a permanent refusal (5xx for the recipient, an unknown kind), the row is
marked failed, logged at ERROR, and staff see it. If the broker loses its retry, the clock sends the row again
once `retry_at` has passed.
"""
from __future__ import annotations

import functools
import io
import logging
import os
import smtplib
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.generator import BytesGenerator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dramatiq
from flask import current_app
from sqlalchemy import Connection, bindparam, or_, update
from sqlmodel import Session, select

from portal.extensions import db, utcnow
from portal.notifications.compose import compose  # noqa: F401  (re-exported: tests call delivery.compose)
from portal.notifications.kinds import after_delivery_for
from portal.notifications.models import Notification
from portal.urls import mail_from_address

log = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 30
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class DeliveryFailed(dramatiq.Retry):
    """This attempt failed and the row is waiting for another: the broker retries after `delay` ms. A Retry, so the
    worker logs no traceback (delivery has logged its one line)."""


@dataclass(frozen=True)
class SMTPSettings:
    """Where and how to hand mail over, from SMTP_URL."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SMTPSettings:
    """smtp://[user:pass@]host[:port] (plain), smtp+starttls://... (STARTTLS), smtps://... (TLS from the start)."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://...")
    return SMTPSettings(scheme=parts.scheme, host=parts.hostname, port=parts.port or DEFAULT_PORTS[parts.scheme],
                        username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None)


def lease() -> timedelta:
    """How long a claimed row is left alone; longer than the actor's time limit."""
    return timedelta(seconds=int(current_app.config.get("PORTAL_DELIVERY_LEASE_SECONDS", 120)))


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling from the minimum, never more than the maximum."""
    config = current_app.config
    doubled = config["PORTAL_DELIVERY_MIN_BACKOFF_MS"] * 2 ** min(max(attempts - 1, 0), 40)
    return timedelta(milliseconds=min(doubled, config["PORTAL_DELIVERY_MAX_BACKOFF_MS"]))


def retry_delay(attempts: int) -> timedelta:
    """How long the clock leaves a failed row to the broker's own retry: the backoff plus a margin."""
    return backoff(attempts) + timedelta(seconds=30)


def max_age() -> timedelta:
    """How long after it was due an email is still tried (PORTAL_DELIVERY_MAX_AGE_HOURS, like an MTA's queue)."""
    return timedelta(hours=float(current_app.config["PORTAL_DELIVERY_MAX_AGE_HOURS"]))


def _locked(session: Session, notification_id: int) -> Notification | None:
    query = select(Notification).where(Notification.id == notification_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


@contextmanager
def _connection(connection: Connection | None) -> Iterator[Connection]:
    """The given connection, or a pooled one for the duration (one checkout, so one pre-ping)."""
    if connection is not None:
        yield connection
        return
    with db.engine.connect() as own:
        yield own


@contextmanager
def _writing(connection: Connection) -> Iterator[Connection]:
    """A short write transaction on the connection (SQLite: BEGIN IMMEDIATE), committed when the block ends. On
    a connection that `deliver` set to autocommit, each statement of the block stands alone instead."""
    connection.execution_options(sqlite_immediate=True)
    try:
        with connection.begin():
            yield connection
    finally:
        connection.execution_options(sqlite_immediate=False)


@contextmanager
def _transaction(connection: Connection) -> Iterator[Connection]:
    """A real transaction even on a connection set to autocommit (several statements that must hold together)."""
    level = connection.get_execution_options().get("isolation_level")
    if level == "AUTOCOMMIT":
        connection.execution_options(isolation_level=connection.default_isolation_level)
    try:
        with _writing(connection):
            yield connection
    finally:
        if level == "AUTOCOMMIT":
            connection.execution_options(isolation_level=level)


_TABLE = Notification.__table__
# The two statements of every delivery, built once (building one costs about as much as running it on SQLite).
_CLAIM = (update(_TABLE)
          .where(_TABLE.c.id == bindparam("notification_id"), _TABLE.c.status == "pending",
                 _TABLE.c.due_at <= bindparam("now"),
                 or_(_TABLE.c.claimed_until.is_(None), _TABLE.c.claimed_until <= bindparam("now")))
          .values(claimed_until=bindparam("until"))
          .returning(*_TABLE.c))
_MARK = {
    "sent": update(_TABLE).where(_TABLE.c.id == bindparam("notification_id")).values(
        status="sent", claimed_until=None, retry_at=None, sent_at=bindparam("at")),
    "skipped": update(_TABLE).where(_TABLE.c.id == bindparam("notification_id")).values(
        status="skipped", claimed_until=None, retry_at=None),
}


def claim(notification_id: int, connection: Connection | None = None) -> Notification | str:
    """Take the row for sending: the claimed row (detached, as it stands once claimed), or why not ("missing",
    "sent", "skipped", "failed", "not-due", "busy").

    One statement does it: an UPDATE that takes the lease only where the row is pending, due and not held, and
    returns the row. A second worker claiming the same row at the same moment waits for the first one's short
    transaction, then finds the row held. Only a row that could not be claimed is read again, to say why."""
    now = utcnow()
    with _connection(connection) as connection, _writing(connection):
        claimed = connection.execute(_CLAIM, {"notification_id": notification_id, "now": now,
                                              "until": now + lease()}).first()
        if claimed is not None:
            return Notification(**claimed._mapping)
        row = connection.execute(select(_TABLE.c.status, _TABLE.c.due_at).where(_TABLE.c.id == notification_id)
                                 ).first()
    if row is None:
        return "missing"
    if row.status != "pending":
        return row.status
    return "not-due" if row.due_at > now else "busy"


def _finish(notification: Notification, status: str, connection: Connection | None = None) -> None:
    """Mark the row sent or skipped and release the lease: one UPDATE, unless its kind has an after-delivery
    callback, which is given the locked row in the same transaction."""
    after_delivery = after_delivery_for(notification.kind)
    with _connection(connection) as connection:
        if after_delivery is None:
            with _writing(connection):
                connection.execute(_MARK[status], {"notification_id": notification.id, "at": utcnow()})
            return
        # The session joins the transaction opened here: the callback's changes commit with the mark, or not at all.
        with _transaction(connection), Session(connection, expire_on_commit=False) as session:
            locked = _locked(session, notification.id)
            if locked is None:
                return
            locked.status = status
            locked.claimed_until = None
            locked.retry_at = None
            if status == "sent":
                locked.sent_at = utcnow()
            after_delivery(locked)
            session.add(locked)
            session.flush()


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, KeyError):  # no builder for this kind: a programming error, retrying will not help
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _msg in exc.recipients.values())
    return False


@dataclass(frozen=True)
class Failure:
    """What a failed attempt left on the row."""

    status: str
    attempts: int = 0
    age: timedelta = timedelta(0)


def _record_failure(notification_id: int, exc: Exception) -> Failure:
    with db.new_session(write=True) as session:
        notification = _locked(session, notification_id)
        if notification is None:
            return Failure("missing")
        now = utcnow()
        notification.attempts += 1
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        notification.claimed_until = None
        age = now - notification.due_at
        if age >= max_age() or _is_permanent(exc):
            notification.status = "failed"
            notification.retry_at = None
        else:
            notification.retry_at = now + retry_delay(notification.attempts)
        session.add(notification)
        session.commit()
        return Failure(notification.status, notification.attempts, age)


def _log_failure(notification_id: int, failure: Failure, exc: BaseException) -> None:
    """One line per failed attempt, no traceback: WARNING while it will be retried, ERROR when it is given up."""
    if failure.status == "pending":
        log.warning("Delivery of notification %s failed (attempt %d), retrying in %d s: %s: %s", notification_id,
                    failure.attempts, backoff(failure.attempts).total_seconds(), type(exc).__name__, exc)
    elif failure.status == "failed":
        log.error("Gave up delivering notification %s after %d attempts over %s; staff can retry it: %s: %s",
                  notification_id, failure.attempts, str(failure.age).split(".")[0], type(exc).__name__, exc)


def deliver(notification_id: int) -> str:
    """Send one outbox row at most once (see the module docstring); returns what happened.

    One pooled connection serves the claim, the builder's reads and the mark (one checkout, one pre-ping); no
    transaction is open on it while the email is sent. On PostgreSQL it is in autocommit: the claim and the mark
    are one UPDATE each, atomic on their own, and builders only read (each statement of a READ COMMITTED
    transaction sees its own snapshot anyway), so BEGIN and COMMIT would only add two round trips to each; the
    after-delivery mark, two statements, still gets its transaction (`_transaction`)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        notification = claim(notification_id, connection)
        if isinstance(notification, str):
            return notification
        try:
            with Session(connection, expire_on_commit=False) as session:  # reads; closing it ends the transaction
                message = compose(notification, session)
            if message is not None:
                send(message, notification)
        except BaseException as exc:  # noqa: BLE001 - every failure is recorded on the row, then retried or failed
            failure = _record_failure(notification_id, exc)
            _log_failure(notification_id, failure, exc)
            if not isinstance(exc, Exception):  # the worker's time limit or shutdown: let it carry on
                raise
            if failure.status == "pending":
                delay_ms = int(backoff(failure.attempts).total_seconds() * 1000)
                raise DeliveryFailed(f"notification {notification_id}: {type(exc).__name__}", delay=delay_ms) from exc
            return "failed"
        _finish(notification, "skipped" if message is None else "sent", connection)
    return "skipped" if message is None else "sent"


def send(message: EmailMessage, notification: Notification) -> None:
    """Hand the message to SMTP_URL, or write it into PORTAL_OUTBOX_DIR when no SMTP is configured."""
    url = current_app.config.get("SMTP_URL")
    if url:
        smtp_send(parse_smtp_url(url), message)
    else:
        write_eml(Path(current_app.config["PORTAL_OUTBOX_DIR"]), message, notification)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context, built once per process: loading the system's CA certificates takes ~0.2 s of CPU
    (holding the GIL), which a context per email paid on every email, TLS or not."""
    return ssl.create_default_context()


class _Generator(BytesGenerator):
    """The standard BytesGenerator, with a cheaper check that a new MIME boundary is absent from the text: the
    standard one compiles a regular expression for every boundary it makes (each is random, so the cache never
    helps), a large part of flattening an email. A boundary that does not occur in the text at all cannot start
    one of its lines either, so a substring test is at least as strict; the boundaries look the same."""

    @classmethod
    def _make_boundary(cls, text: bytes | str | None = None) -> str:
        boundary = super()._make_boundary()  # without text: a random boundary, unchecked
        if text is None:
            return boundary
        candidate, counter = boundary, 0
        while _encoded_like(text, "--" + candidate) in text:
            candidate, counter = f"{boundary}.{counter}", counter + 1
        return candidate


def _encoded_like(text: bytes | str, value: str) -> bytes | str:
    return value.encode("ascii") if isinstance(text, bytes) else value


def flatten_for_smtp(message: EmailMessage) -> bytes:
    """The bytes `smtplib.send_message` sends for a message with ASCII addresses and no Bcc or Resent-Bcc: the
    message under its own policy, CRLF line ends."""
    buffer = io.BytesIO()
    _Generator(buffer).flatten(message, linesep="\r\n")
    return buffer.getvalue()


class _Tracked:
    """Remembers the last command sent, so a failure can tell whether the server had been given the message."""

    last_command = ""

    def putcmd(self, cmd, args=""):  # noqa: D102
        self.last_command = cmd.lower()
        super().putcmd(cmd, args)


class _SMTP(_Tracked, smtplib.SMTP):
    pass


class _SMTPS(_Tracked, smtplib.SMTP_SSL):
    pass


def _open(settings: SMTPSettings) -> smtplib.SMTP:
    """A new SMTP session, greeted (and in TLS and logged in, as the settings say)."""
    if settings.scheme == "smtps":
        connection = _SMTPS(settings.host, settings.port, timeout=SMTP_TIMEOUT_S, context=tls_context())
    else:
        connection = _SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
    try:
        connection.ehlo()
        if settings.scheme == "smtp+starttls":
            connection.starttls(context=tls_context())
            connection.ehlo()
        if settings.username:
            connection.login(settings.username, settings.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def _goodbye(connection: smtplib.SMTP) -> None:
    """QUIT; the server has every message already, so a failed goodbye is not a failed delivery."""
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


# A worker thread keeps its SMTP session for the next email, the way an MTA reuses a connection during a burst:
# no new TCP connection, greeting, EHLO, TLS handshake and login per email. Only within a short pause, and for a
# limited number of messages, so an idle worker does not sit on a relay's connection.
SMTP_REUSE_SECONDS = 10.0
SMTP_MESSAGES_PER_CONNECTION = 100


class _KeptSession(threading.local):
    """This thread's SMTP session, when the thread keeps one (Dramatiq worker threads do; see KeepSMTPSessions)."""

    enabled = False
    connection: smtplib.SMTP | None = None
    settings: SMTPSettings | None = None
    last_used = 0.0
    messages = 0

    def take(self, settings: SMTPSettings) -> smtplib.SMTP | None:
        """The kept session, if it may carry this message; otherwise it is ended and None returned."""
        connection, self.connection = self.connection, None
        if connection is None:
            return None
        if (settings == self.settings and self.messages < SMTP_MESSAGES_PER_CONNECTION
                and time.monotonic() - self.last_used < SMTP_REUSE_SECONDS):
            return connection
        _goodbye(connection)
        return None

    def keep(self, connection: smtplib.SMTP, settings: SMTPSettings, fresh: bool) -> None:
        self.connection, self.settings = connection, settings
        self.messages = 1 if fresh else self.messages + 1
        self.last_used = time.monotonic()

    def end(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            _goodbye(connection)


_kept = _KeptSession()


class KeepSMTPSessions(dramatiq.Middleware):
    """Lets each Dramatiq worker thread keep its SMTP session between emails, and ends it when the thread stops."""

    def after_worker_thread_boot(self, broker, thread):  # noqa: D102
        _kept.enabled = True

    def before_worker_thread_shutdown(self, broker, thread):  # noqa: D102
        _kept.end()
        _kept.enabled = False


def smtp_send(settings: SMTPSettings, message: EmailMessage) -> None:
    """Hand one message over: on this thread's kept session when there is one, else on a new one (TLS and login
    as the scheme says). A kept session the server has closed meanwhile fails at MAIL, before the server was given
    anything: the message then goes once more on a new session. Outside a worker thread the session ends with the
    message (QUIT)."""
    connection = _kept.take(settings) if _kept.enabled else None
    fresh = connection is None
    try:
        if fresh:
            connection = _open(settings)
        try:
            _transfer(connection, message)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as exc:
            if fresh or not _ended_before_handover(connection, exc):
                raise
            connection.close()  # the server had ended the kept session: nothing was handed over on it
            connection, fresh = _open(settings), True
            _transfer(connection, message)
    except BaseException:
        if connection is not None:
            connection.close()
        raise
    if _kept.enabled:
        _kept.keep(connection, settings, fresh)
    else:
        _goodbye(connection)


def _ended_before_handover(connection: smtplib.SMTP, exc: smtplib.SMTPException) -> bool:
    """Whether the server had ended the session when it was asked to take a message (at MAIL, its first command):
    the connection was closed, or the server said 421 (closing, as servers do after a pause)."""
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return exc.smtp_code == 421
    return connection.last_command == "mail"


def _transfer(connection: smtplib.SMTP, message: EmailMessage) -> None:
    """MAIL, RCPT and DATA for one message on an open session."""
    sender, recipient = mail_from_address(), str(message["To"])
    if message["Bcc"] is None and message["Resent-Bcc"] is None and (sender + recipient).isascii():
        connection.sendmail(sender, [recipient], flatten_for_smtp(message))
    else:  # smtplib drops the Bcc, and asks for SMTPUTF8 for an address that is not ASCII
        connection.send_message(message, from_addr=sender, to_addrs=[recipient])


def write_eml(outbox: Path, message: EmailMessage, notification: Notification) -> Path:
    """Write the message as an .eml file named after the row, atomically (a re-run overwrites, never doubles)."""
    outbox.mkdir(parents=True, exist_ok=True)
    safe_kind = "".join(c if c.isalnum() or c in "-_" else "-" for c in notification.kind)
    path = outbox / f"{notification.id:06d}-{safe_kind}.eml"
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(message.as_bytes())
    os.replace(tmp, path)
    return path
