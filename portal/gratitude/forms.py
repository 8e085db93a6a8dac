"""The gratitude forms: writing a story, reporting one, and the moderators' reject form. Every field is bounded;
what a member typed always comes back with the message."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from portal.forms import PortalForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, ValidationError

from portal.gratitude.models import DISPLAYS, REJECT_REASONS, REPORT_REASONS

BODY_MIN, BODY_MAX = 10, 2000
NOTE_MAX = 1000
# Bidirectional overrides can make text read differently from what it is; other format characters (the joiners
# inside emoji) are welcome.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean(value):
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _plain_text(maximum: int, minimum: int = 0):
    def check(_form, field) -> None:
        text = field.data or ""
        if len(text) < minimum:
            raise ValidationError(_l("Write at least %(min)d characters (this has %(count)d).", min=minimum,
                                     count=len(text)))
        if len(text) > maximum:
            raise ValidationError(_l("Write at most %(max)d characters (this has %(count)d).", max=maximum,
                                     count=len(text)))
        if any((unicodedata.category(c) == "Cc" and c not in "\n\t") or c in _BIDI_CONTROLS for c in text):
            raise ValidationError(_l("Remove the invisible control characters."))
    check.max = maximum  # how much a re-shown form keeps (portal/forms.py)
    return check


def _options(choices: dict) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in choices.items()]


def _choice(field_class, label, choices: dict, message, **kwargs):
    """A radio or select field whose refusal is our own message, in the member's language."""
    # A required <select> must start with an empty option (HTML); AnyOf alone already refuses a missing value.
    required = [InputRequired(message)] if field_class is RadioField else []
    return field_class(label, choices=_options(choices), validate_choice=False,
                       validators=[*required, AnyOf(list(choices), message=message)], **kwargs)


LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French")}


class StoryForm(PortalForm):
    """A story: its text, how it is signed, and its language (the interface's by default)."""

    body = TextAreaField(_l("Your story"), filters=[_clean], validators=[
        InputRequired(_l("Write your story first.")), _plain_text(BODY_MAX, BODY_MIN)])
    display = _choice(RadioField, _l("Sign it with"), DISPLAYS, _l("Choose how to sign your story."),
                      default="first_name")
    language = _choice(SelectField, _l("Language of your story"), LANGUAGE_NAMES, _l("Choose English or French."))


class ReportForm(PortalForm):
    """Why a member reports a story."""

    reason = _choice(SelectField, _l("Why are you reporting it?"), REPORT_REASONS, _l("Choose a reason."))


class RejectForm(PortalForm):
    """Why a moderator refuses a story, and an optional note to its author."""

    reason = _choice(SelectField, _l("Reason"), REJECT_REASONS, _l("Choose a reason."))
    note = TextAreaField(_l("Note to the author (optional)"), filters=[_clean], validators=[_plain_text(NOTE_MAX)])
