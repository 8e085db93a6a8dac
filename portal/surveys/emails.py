"""The survey invitation email. Delivery builds it inside force_locale(notification.locale); once delivery is over
(sent or skipped), `invitations.forget_token` clears the row's payload, the token's only copy outside the email."""
from __future__ import annotations

from babel.dates import format_date
from flask_babel import gettext as _
from sqlmodel import Session

from portal.extensions import utcnow
from portal.i18n import LANGUAGES, localized
from portal.notifications.kinds import EmailContent
from portal.notifications.models import Notification
from portal.surveys.answers import look_up
from portal.surveys.invitations import INVITATION_KIND, eastern_day, payload_token
from portal.surveys.preferences import wants_surveys
from portal.times import BABEL_LOCALES
from portal.urls import absolute_url


def survey_invitation(notification: Notification, db: Session) -> EmailContent | None:
    """"How was the session?": the link to the anonymous survey. Not sent once the link is used or expired, or if
    the member turned survey emails off meanwhile."""
    token = payload_token(notification)
    if token is None or (notification.user_id and not wants_surveys(db, notification.user_id)):
        return None
    found = look_up(db, token, today=eastern_day(utcnow()))
    if found.state != "open":
        return None
    lang = notification.locale if notification.locale in LANGUAGES else "en"
    title = localized(found.session, "title", lang)
    context = {"title": title, "survey_url": absolute_url("surveys.survey", lang=lang, token=token),
               "expires": format_date(found.invitation.expires_on, "long", locale=BABEL_LOCALES[lang]),
               "account_url": absolute_url("accounts.account", lang=lang)}
    return EmailContent(subject=_("How was the session? %(title)s", title=title), template="survey_invitation",
                        context=context)


BUILDERS = {INVITATION_KIND: survey_invitation}
