"""The session form: English and French side by side, every field checked, messages in the staff member's language.

Field names are fixed by DESIGN.md. Numbers and the start time are read by hand rather than by WTForms' typed
fields, so every message is ours (and translated) and what was typed is always shown back as typed.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from portal.forms import PortalForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.sessions.models import DELIVERY_LANGUAGES, FORMATS, MAX_CAPACITY, TOPICS
from portal.times import EASTERN, NonexistentTime, eastern_instant, wall_time_problem

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
MODERATOR_MAX = 200
ZOOM_MAX = 500
DURATION_RANGE = (15, 240)
WALL_TIME_FORMAT = "%Y-%m-%dT%H:%M"

# What publishing needs, with the words staff see in the list of what is missing.
REQUIRED_TO_PUBLISH = {
    "title_en": _l("English title"),
    "title_fr": _l("French title"),
    "description_en": _l("English description"),
    "description_fr": _l("French description"),
    "moderator": _l("moderator"),
    "zoom_url": _l("Zoom link"),
}


def missing_to_publish(session) -> list[str]:
    """The fields publishing needs that a stored session leaves empty (field names, in the form's order)."""
    return [name for name in REQUIRED_TO_PUBLISH if not (getattr(session, name) or "").strip()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _paragraphs(value):
    """A textarea's text with the line breaks browsers send (CRLF) stored as plain newlines, so saving a form
    unchanged changes nothing."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def _text_problem(value: str, maximum: int, *, one_line: bool) -> str | None:
    if len(value) > maximum:
        return _l("Use at most %(max)d characters (this has %(count)d).", max=maximum, count=len(value))
    allowed = () if one_line else ("\n", "\r", "\t")
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in value):
        return _l("Remove line breaks and other invisible characters.") if one_line else \
            _l("Remove invisible control characters.")
    return None


def _whole_number(field, low: int, high: int, message) -> int:
    text = (field.data or "").strip()
    # ASCII digits, and no more of them than `high` has: int() refuses "²" and strings of 4,300 digits or more.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)) or not low <= int(text) <= high:
        raise ValidationError(message)
    return int(text)


def zoom_problem(url: str) -> str | None:
    """Why this is not a Zoom meeting link we accept (https, on zoom.us or a subdomain of it), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return _l("Enter a Zoom link like https://zoom.us/j/123456789.")
    if parts.scheme != "https" or port not in (None, 443) or parts.username or parts.password:
        return _l("The Zoom link must start with https:// (like https://zoom.us/j/123456789).")
    if host != "zoom.us" and not host.endswith(".zoom.us"):
        return _l("The Zoom link must be on zoom.us or one of its subdomains (like https://ca01web.zoom.us/j/123).")
    return None


def _options(choices: dict) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in choices.items()]


def _checkboxes(label, choices):
    return SelectMultipleField(label, choices=_options(choices), validate_choice=False,
                               option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


@dataclass
class SessionValues:
    """What the form says, checked: ready for the console's services."""

    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    format: str
    topics: list[str]
    language: str
    moderator: str
    moderator_fr: str
    starts_at: datetime
    duration_minutes: int
    capacity: int
    zoom_url: str

    @property
    def ends_at(self) -> datetime:
        """When it ends."""
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SessionForm(PortalForm):
    """Create or change a session. `action` is "publish" (both languages required) or "draft"."""

    title_en = StringField(_l("Title (English)"), filters=[_strip])
    title_fr = StringField(_l("Title (French)"), filters=[_strip])
    description_en = TextAreaField(_l("Description (English)"), filters=[_paragraphs])
    description_fr = TextAreaField(_l("Description (French)"), filters=[_paragraphs])
    format = SelectField(_l("Format"), choices=_options(FORMATS), validate_choice=False)
    topics = _checkboxes(_l("Topics"), TOPICS)
    language = SelectField(_l("Language of the session"), choices=_options(DELIVERY_LANGUAGES),
                           validate_choice=False)
    moderator = StringField(_l("Moderator"), filters=[_strip])
    moderator_fr = StringField(_l("Moderator (French form)"), filters=[_strip])
    starts_at = StringField(_l("Starts at (Eastern Time)"), filters=[_strip])
    fold = RadioField(_l("Which 1 a.m. hour?"), choices=[
        SelectChoice("0", _l("The first one, still on daylight time (EDT, UTC−4)")),
        SelectChoice("1", _l("The second one, after the clocks go back (EST, UTC−5)"))], validate_choice=False)
    duration_minutes = StringField(_l("Length in minutes"), filters=[_strip], default="60")
    capacity = StringField(_l("Places"), filters=[_strip], default=str(MAX_CAPACITY))
    zoom_url = StringField(_l("Zoom link"), filters=[_strip])

    def __init__(self, *args, current_zoom_url: str = "", publishing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # A stored link was accepted when it was saved (the demo's placeholder links too); only a new one is checked.
        self.current_zoom_url = current_zoom_url
        self.publishing = publishing
        self.asks_fold = False
        self._starts_at: datetime | None = None

    # Each field's own checks (WTForms calls validate_<name>).
    def validate_title_en(self, field):
        self._check_text(field, TITLE_MAX, one_line=True)

    def validate_title_fr(self, field):
        self._check_text(field, TITLE_MAX, one_line=True)

    def validate_description_en(self, field):
        self._check_text(field, DESCRIPTION_MAX, one_line=False)

    def validate_description_fr(self, field):
        self._check_text(field, DESCRIPTION_MAX, one_line=False)

    def validate_moderator(self, field):
        self._check_text(field, MODERATOR_MAX, one_line=True)

    def validate_moderator_fr(self, field):
        self._check_text(field, MODERATOR_MAX, one_line=True)

    def validate_format(self, field):
        if field.data not in FORMATS:
            raise ValidationError(_l("Choose one of the four formats."))

    def validate_language(self, field):
        if field.data not in DELIVERY_LANGUAGES:
            raise ValidationError(_l("Choose English, French or bilingual."))

    def validate_topics(self, field):
        unknown = [topic for topic in field.data or [] if topic not in TOPICS]
        if unknown:
            raise ValidationError(_l("Choose topics from the list."))

    def validate_duration_minutes(self, field):
        low, high = DURATION_RANGE
        _whole_number(field, low, high, _l("Enter a length from %(low)d to %(high)d minutes.", low=low, high=high))

    def validate_capacity(self, field):
        _whole_number(field, 1, MAX_CAPACITY, _l("Enter a number of places from 1 to %(max)d.", max=MAX_CAPACITY))

    def validate_zoom_url(self, field):
        if field.data and field.data != self.current_zoom_url:
            problem = _text_problem(field.data, ZOOM_MAX, one_line=True) or zoom_problem(field.data)
            if problem:
                raise ValidationError(problem)

    def validate_starts_at(self, field):
        if not field.data:
            raise ValidationError(_l("Enter the date and time the session starts, in Eastern Time."))
        try:
            local = datetime.strptime(field.data, WALL_TIME_FORMAT)
        except ValueError:
            raise ValidationError(_l("Enter a date and time like 2027-03-04T19:00 (Eastern Time).")) from None
        problem = wall_time_problem(local)
        if problem == "skipped":
            raise ValidationError(_l("That time does not exist: at 2 a.m. that night the clocks jump to 3 a.m. "
                                     "(daylight saving time starts). Choose another time."))
        if problem == "repeated":
            if self.fold.data not in ("0", "1"):
                self.asks_fold = True
                raise ValidationError(_l("That time happens twice that night, when the clocks go back an hour. "
                                         "Choose which one you mean below."))
            self.asks_fold = True  # keep the choice on screen if another field needs fixing
        try:
            self._starts_at = eastern_instant(local.date(), local.time(), fold=int(self.fold.data or 0))
        except NonexistentTime:  # covered above; kept so an odd zone rule can never become a 500
            raise ValidationError(_l("That time does not exist in Eastern Time. Choose another time.")) from None

    def _check_text(self, field, maximum: int, *, one_line: bool) -> None:
        problem = _text_problem(field.data or "", maximum, one_line=one_line)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then what publishing needs (both languages, a moderator, a Zoom link) or what
        even a draft needs (a title in either language)."""
        valid = super().validate(extra_validators)
        if self.publishing:
            for name in self.missing():
                field = getattr(self, name)
                field.errors = [*field.errors, _l("Needed to publish: enter it, or save as a draft.")]
                valid = False
        elif not (self.title_en.data or self.title_fr.data):
            self.title_en.errors = [*self.title_en.errors, _l("Give the draft a title in at least one language.")]
            valid = False
        return valid

    def missing(self) -> list[str]:
        """The fields publishing needs that are empty (field names)."""
        return [name for name in REQUIRED_TO_PUBLISH if not (getattr(self, name).data or "").strip()]

    def values(self) -> SessionValues:
        """The checked values (call after validate() returned True)."""
        assert self._starts_at is not None
        return SessionValues(
            title_en=self.title_en.data or "", title_fr=self.title_fr.data or "",
            description_en=self.description_en.data or "", description_fr=self.description_fr.data or "",
            format=self.format.data, topics=list(dict.fromkeys(self.topics.data or [])),
            language=self.language.data, moderator=self.moderator.data or "",
            moderator_fr=self.moderator_fr.data or "", starts_at=self._starts_at,
            duration_minutes=int(self.duration_minutes.data), capacity=int(self.capacity.data),
            zoom_url=self.zoom_url.data or "")


def form_data_of(session) -> dict:
    """A stored session as the form's data (start in Eastern wall-clock time, with the fold when it is ambiguous)."""
    local = session.starts_at.astimezone(EASTERN)
    return {
        "title_en": session.title_en, "title_fr": session.title_fr, "description_en": session.description_en,
        "description_fr": session.description_fr, "format": session.format, "topics": list(session.topics),
        "language": session.language, "moderator": session.moderator, "moderator_fr": session.moderator_fr,
        "starts_at": local.strftime(WALL_TIME_FORMAT), "fold": str(local.fold),
        "duration_minutes": str(session.duration_minutes), "capacity": str(session.capacity),
        "zoom_url": session.zoom_url,
    }
