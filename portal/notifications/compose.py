"""Turn an outbox row into the exact MIME message: builder, templates, headers, attachments.

`compose(notification, db)` is what delivery sends and what tests inspect. The builder runs inside
`force_locale(...)` with the page language set to the row's locale, so `_()`, `localized()` and the date filters
all speak the recipient's language. Templates are `templates/email/<template>.txt` and `.html`; both extend
`email/base.txt` / `email/base.html`, which end every email with the "Get help now" line (988, 911).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from contextlib import contextmanager
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime

from flask import current_app, g, render_template
from flask_babel import force_locale, gettext
from sqlmodel import Session

from portal.extensions import utcnow
from portal.i18n import LANGUAGES
from portal.times import BABEL_LOCALES
from portal.notifications.kinds import builder_for
from portal.notifications.models import Notification
from portal.urls import absolute_url, mail_domain, mail_from_address

CONTENT_LANGUAGES = {"en": "en-CA", "fr": "fr-CA"}

# Headers whose values repeat from one email to the next (the same few strings): parsed once, then shared.
_CONSTANT_HEADERS = frozenset({"from", "auto-submitted", "content-language", "mime-version",
                               "content-transfer-encoding"})
_MAX_SHARED = 256


class _SharedFoldHeader(BaseHeader):
    """A header that remembers how it folds: a shared header is folded once, not in every email."""

    def fold(self, *, policy):  # noqa: D102
        key = (policy.max_line_length, policy.linesep, policy.utf8)  # all that BaseHeader.fold reads
        folded = self.__dict__.setdefault("_folded", {}).get(key)
        if folded is None:
            folded = self._folded[key] = super().fold(policy=policy)
        return folded


class _HeaderRegistry(HeaderRegistry):
    """The standard library's header registry, minus work it repeats for every header of every email: it builds a
    new class per header (`type(...)` on each lookup) and parses "MIME-Version: 1.0" anew each time. The classes
    are built once per name, and the values of `_CONSTANT_HEADERS` (and of a part's plain Content-Type) are parsed
    once per distinct value; header objects are immutable, so sharing them changes no byte of the message."""

    def __init__(self) -> None:
        super().__init__(base_class=_SharedFoldHeader)
        self._classes: dict[str, type] = {}
        self._shared: dict[tuple[str, str], BaseHeader] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name: str, value) -> BaseHeader:
        lowered = name.lower()
        text = str(value) if isinstance(value, (str, Address)) else None  # an Address folds as its text does
        if text is None or not (lowered in _CONSTANT_HEADERS or (lowered == "content-type" and "boundary" not in text
                                                                 and "name" not in text)):
            return super().__call__(name, value)
        key = (name, text)
        header = self._shared.get(key)
        if header is None:
            header = super().__call__(name, value)
            if len(self._shared) < _MAX_SHARED:
                self._shared[key] = header
        return header


# The policy of every composed email: email.policy.default with the registry above (same output, less CPU).
POLICY = default_policy.clone(header_factory=_HeaderRegistry())


def message_id(dedupe_key: str) -> str:
    """A Message-ID derived from the dedupe key: the same on every retry, so mail clients fold duplicates.

    Keyed with the installation's SECRET_KEY, so two installations (say, staging and production sending from the
    same domain) never produce the same id, and the id does not reveal the dedupe key (row ids) it comes from.
    """
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, dedupe_key.encode(), hashlib.sha256).hexdigest()[:40]
    return f"<{digest}@{mail_domain()}>"


@contextmanager
def recipient_language(lang: str):
    """Render as if the page were in `lang`: Babel locale and the portal's current_lang()."""
    had, previous = "lang" in g, g.get("lang")
    g.lang = lang
    try:
        with force_locale(BABEL_LOCALES[lang]):
            yield
    finally:
        if had:
            g.lang = previous
        else:
            g.pop("lang", None)


def _one_line(value: str) -> str:
    # A header is one line: a name someone typed must never add headers. No-break spaces stay (French typography
    # puts one before ":"), every other run of whitespace, line breaks included, becomes one space.
    return re.sub(r"[^\S\u00a0\u202f]+", " ", str(value)).strip()


def sender(name: str) -> Address:
    """The From header: MAIL_FROM's address, named after the portal in the recipient's language (the French
    name is "Connexion bien-être"; MAIL_FROM's own display name is not used in emails)."""
    return Address(display_name=name, addr_spec=mail_from_address())


def compose(notification: Notification, db: Session) -> EmailMessage | None:
    """The message to send for this row, or None when its builder says it no longer applies."""
    builder = builder_for(notification.kind)
    lang = notification.locale if notification.locale in LANGUAGES else "en"
    with recipient_language(lang):
        content = builder(notification, db)
        if content is None:
            return None
        context = dict(content.context, subject=content.subject, lang=lang,
                       help_url=absolute_url("directory.get_help", lang=lang),
                       home_url=absolute_url("pages.home", lang=lang))
        text = render_template(f"email/{content.template}.txt", **context)
        html = render_template(f"email/{content.template}.html", **context)
        subject = _one_line(content.subject)
        from_header = sender(gettext("Wellness Connection"))

    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message["From"] = from_header
    message["To"] = notification.recipient_email
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(notification.dedupe_key)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in content.attachments:
        if attachment.mimetype == "text/calendar" and "method" in attachment.params:
            # An iTIP message (an invite) is also a part of the alternative, the way Outlook and Google send one:
            # Gmail shows an invitation only from there. The attachment below stays, for clients that import files.
            message.add_alternative(attachment.content.decode("utf-8"), subtype="calendar",
                                    params={"method": attachment.params["method"]})
    for attachment in content.attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename, params=dict(attachment.params))
    # Last: set_content clears Content-* headers, and add_attachment moves them into the inner part.
    message["Content-Language"] = CONTENT_LANGUAGES[lang]
    return message
