"""The survey form: four questions on a 1-5 scale and a comment, every one of them optional."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from portal.forms import PortalForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

COMMENT_MAX = 2000

QUESTIONS = {
    "supported": _l("How supported did you feel during the session?"),
    "facilitation": _l("How helpful was the facilitation?"),
    "come_again": _l("How likely are you to come to another session?"),
    "recommend": _l("How likely are you to recommend these sessions to a colleague?"),
}
SCALE = (
    SelectChoice("", _l("No answer")),
    SelectChoice("1", _l("1 – Not at all")),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 – Very much")),
)


def _score(value):
    """"1".."5" as an int, and "" (no answer) as None; anything else is refused by the choices check."""
    if value in ("", None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def no_hidden_characters(_form, field) -> None:
    """Line breaks and tabs are fine in a comment; other invisible control characters are not."""
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\r\n\t" for c in field.data or ""):
        raise ValidationError(_l("Remove invisible control characters."))


def _question(name: str) -> RadioField:
    return RadioField(QUESTIONS[name], choices=SCALE, coerce=_score, default="", validators=[Optional()])


class SurveyForm(PortalForm):
    """Every field optional: an empty form is a valid (if quiet) answer."""

    supported = _question("supported")
    facilitation = _question("facilitation")
    come_again = _question("come_again")
    recommend = _question("recommend")
    comment = TextAreaField(_l("Anything else you would like to tell us? (optional)"),
                            filters=[lambda value: value.strip() if isinstance(value, str) else value],
                            validators=[Optional(), Length(max=COMMENT_MAX, message=_l(
                                "Please keep your comment under %(max)d characters.")), no_hidden_characters])

    def answers(self) -> dict[str, int | None]:
        """Each question's answer, 1-5 or None."""
        return {name: getattr(self, name).data for name in QUESTIONS}
