"""The base of every form in the portal: Flask-WTF's FlaskForm, hardened against input no browser form sends.

- A file posted in a text field (a multipart body) is ignored, as if the field were empty: the portal takes no
  uploads, and WTForms' filters and validators expect text (a FileStorage made them raise TypeError).
- A value far longer than its field allows is cut before the form is shown again, so an over-long submission is
  never echoed back whole (the request size limit, MAX_CONTENT_LENGTH, bounds it first).
"""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto

# A field whose validators declare no maximum is shown again with at most this many characters: twice the longest
# field of any form (a session description, 5,000), so nothing a person typed within the limits is ever cut.
ECHO_MAX = 10_000


def echo_limit(field) -> int:
    """How many characters of `field` a re-shown form may carry: twice its maximum length (a Length validator's
    `max`, or a `max` attribute on a custom validator), so a little too much is still there to shorten, and a
    flood is not."""
    maxima = [v.max for v in field.validators if isinstance(getattr(v, "max", None), int) and v.max > 0]
    return min(2 * min(maxima), ECHO_MAX) if maxima else ECHO_MAX


class PortalForm(FlaskForm):
    """FlaskForm that reads only the text fields of a request and never re-shows a flood."""

    class Meta(FlaskForm.Meta):
        """Form data: request.form alone (never request.files), when the form was submitted."""

        def wrap_formdata(self, form, formdata):  # noqa: D102
            if formdata is _Auto:
                if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                    return request.form if request.form or request.files else None
                return None
            return formdata

    def validate(self, extra_validators=None) -> bool:
        """Validate, then cut over-long text values before the form can be shown again."""
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            limit = echo_limit(field)
            if isinstance(field.data, str) and len(field.data) > limit:
                field.data = field.data[:limit]
            if field.raw_data and any(isinstance(raw, str) and len(raw) > limit for raw in field.raw_data):
                field.raw_data = [raw[:limit] if isinstance(raw, str) else raw for raw in field.raw_data]
        return valid

