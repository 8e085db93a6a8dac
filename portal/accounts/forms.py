"""Account forms. Field names are fixed by DESIGN.md for sign-up and sign-in; messages are in the reader's language.

Every text field has a maximum length, strips surrounding spaces and refuses control characters; emails are
lower-cased and checked with email-validator (no deliverability lookup: that would leak and be slow).
"""
from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from portal.forms import PortalForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp, StopValidation, ValidationError

from portal.accounts.models import CATEGORIES
from portal.accounts.passwords import MAX_LENGTH as PASSWORD_MAX, password_problem
from portal.i18n import PROVINCES

NAME_MAX = 100
EMAIL_MAX = 254
LOCALES = {"en": "English", "fr": "Français"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def no_control_characters(_form, field) -> None:
    """Refuse line breaks, tabs and other invisible control characters in one-line fields."""
    if isinstance(field.data, str) and any(unicodedata.category(c) in ("Cc", "Cf") for c in field.data):
        raise ValidationError(_l("Remove line breaks and other invisible characters."))


def valid_email(_form, field) -> None:
    """A deliverable-looking address, stored lower-case (international domains in their ASCII form)."""
    if not field.data:
        return
    if len(field.data) > EMAIL_MAX:
        raise StopValidation(_l("Use at most %(max)d characters.", max=EMAIL_MAX))
    try:
        result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise StopValidation(_l("Enter an email address like name@example.ca.")) from exc
    field.data = result.ascii_email.lower()


valid_email.max = EMAIL_MAX  # how much a re-shown form keeps (portal/forms.py)


def _cma_id_pattern() -> Regexp:
    pattern = Regexp(r"^\d{4,12}$", message=_l("Your CMA ID is 4 to 12 digits, with no letters or spaces."))
    pattern.max = 12  # how much a re-shown form keeps (portal/forms.py)
    return pattern


def _required(message):
    return DataRequired(message=message)


def _name_field(label, required_message):
    return StringField(label, filters=[_strip], validators=[
        _required(required_message), Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
        no_control_characters])


def _email_field(label=_l("Email address")):
    return EmailField(label, filters=[_strip], validators=[
        _required(_l("Enter your email address.")), valid_email])


def _choice_field(label, choices, message, **kwargs):
    options = [SelectChoice("", _l("Choose…"))] + [SelectChoice(value, text) for value, text in choices.items()]
    return SelectField(label, choices=options, validate_choice=False,
                       validators=[_required(message), AnyOf(list(choices), message=message)], **kwargs)


class NewPassword:
    """The password rules (length, common list, guessability) for a new password field."""

    def __init__(self, *other_fields: str) -> None:
        self.other_fields = other_fields

    def __call__(self, form, field) -> None:
        inputs = [getattr(form, name).data or "" for name in self.other_fields if hasattr(form, name)]
        inputs += getattr(form, "user_inputs", [])  # set by the view: the account's own name and email
        problem = password_problem(field.data or "", user_inputs=[str(v) for v in inputs])
        if problem is not None:
            raise StopValidation(problem)


def _new_password_field(label, *other_fields):
    return PasswordField(label, validators=[_required(_l("Choose a password.")), NewPassword(*other_fields)])


def _current_password_field(label=_l("Current password")):
    return PasswordField(label, validators=[
        _required(_l("Enter your password.")),
        Length(max=PASSWORD_MAX, message=_l("Use at most %(max)d characters."))])


class SignupForm(PortalForm):
    """Create an account."""

    first_name = _name_field(_l("First name"), _l("Enter your first name."))
    last_name = _name_field(_l("Last name"), _l("Enter your last name."))
    email = _email_field()
    password = _new_password_field(_l("Password"), "first_name", "last_name", "email")
    cma_id = StringField(_l("CMA ID"), filters=[_strip], validators=[
        _required(_l("Enter your CMA ID.")),
        _cma_id_pattern()])
    category = _choice_field(_l("I am a"), CATEGORIES, _l("Choose what describes you."))
    province = _choice_field(_l("Province or territory"), PROVINCES, _l("Choose your province or territory."))
    locale = RadioField(_l("Preferred language"), choices=LOCALES, validate_choice=False,
                        validators=[AnyOf(list(LOCALES), message=_l("Choose English or French."))])
    accept_rules = BooleanField(_l("I have read and accept the rules of engagement."), validators=[
        _required(_l("Please accept the rules of engagement to join."))])


class LoginForm(PortalForm):
    """Sign in."""

    email = _email_field()
    password = _current_password_field(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class EmailOnlyForm(PortalForm):
    """Ask for a link by email (password reset, verification link again)."""

    email = _email_field()


class NewPasswordForm(PortalForm):
    """Choose a new password after a reset link."""

    password = _new_password_field(_l("New password"))


class ProfileForm(PortalForm):
    """Name, province, language."""

    first_name = _name_field(_l("First name"), _l("Enter your first name."))
    last_name = _name_field(_l("Last name"), _l("Enter your last name."))
    province = _choice_field(_l("Province or territory"), PROVINCES, _l("Choose your province or territory."))
    locale = RadioField(_l("Preferred language"), choices=LOCALES, validate_choice=False,
                        validators=[AnyOf(list(LOCALES), message=_l("Choose English or French."))])


class EmailChangeForm(PortalForm):
    """Move the account to another address (confirmed by a link sent there)."""

    new_email = _email_field(_l("New email address"))
    current_password = _current_password_field()


class PasswordChangeForm(PortalForm):
    """Choose a new password, knowing the current one."""

    current_password = _current_password_field()
    new_password = _new_password_field(_l("New password"))


class DeleteAccountForm(PortalForm):
    """Delete the account, confirmed with the password."""

    password = _current_password_field(_l("Your password"))


class ConfirmForm(PortalForm):
    """A button and its CSRF token, nothing else (opening a sign-in link)."""
