"""/<lang>/account: profile, email change, password change, account deletion. Every view needs a signed-in member."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, limits, profile, tokens
from portal.accounts.forms import DeleteAccountForm, EmailChangeForm, PasswordChangeForm, ProfileForm
from portal.accounts.passwords import verify_password
from portal.accounts.routes import token_problem
from portal.extensions import db, limiter


def _forms(**submitted):
    """The four forms of the account page; the one submitted keeps its input and errors."""
    user = current_user._get_current_object()
    forms = {
        "profile_form": ProfileForm(formdata=None, obj=user),
        "email_form": EmailChangeForm(formdata=None, prefix="change-email"),
        "password_form": PasswordChangeForm(formdata=None, prefix="change-password"),
        "delete_form": DeleteAccountForm(formdata=None, prefix="delete"),
    }
    forms.update(submitted)
    return forms


def _page(status: int = 200, **submitted):
    return render_template("accounts/account.html", **_forms(**submitted)), status


def _sign_in_again(user=None) -> None:
    """After a new auth stamp: keep this browser signed in (and remembered, if it was)."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(user or current_user._get_current_object(), remember=remember)


def _confirmed(form, password_field, wrong_message: str) -> bool:
    """The form is valid and `password_field` holds the member's current password (else the field says so)."""
    if not form.validate_on_submit():
        return False
    if verify_password(current_user.password_hash, password_field.data):
        return True
    password_field.errors.append(wrong_message)
    return False


@bp.get("")
@login_required
def account():
    """The member's account: status, profile, language, email, password, deletion."""
    return _page()


@bp.post("/profile")
@login_required
def update_profile():
    """Save name, province and language; the page comes back in the chosen language."""
    form = ProfileForm()
    if not form.validate_on_submit():
        return _page(profile_form=form)
    profile.update_profile(db.session, current_user, first_name=form.first_name.data,
                           last_name=form.last_name.data, province=form.province.data, locale=form.locale.data)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("accounts.account", lang=form.locale.data))


@bp.post("/email")
@login_required
@limiter.limit("5 per hour", key_func=limits.ip_and_email)
def change_email():
    """Ask to move the account to a new address: a link goes there, and the change happens when it is opened."""
    form = EmailChangeForm(prefix="change-email")
    if _confirmed(form, form.current_password, _("That is not your current password.")):
        if form.new_email.data == current_user.email:
            form.new_email.errors.append(_("That is already your address."))
        else:
            profile.request_email_change(db.session, current_user, form.new_email.data)
            flash(_("We sent a link to %(email)s. Your address changes when you open it.",
                    email=form.new_email.data), "info")
            return redirect(url_for("accounts.account"))
    return _page(email_form=form)


@bp.get("/email/<token>")
def confirm_email_change(token: str):
    """Open the link sent to the new address: the account moves there and every other session ends."""
    signed_in_id = current_user.id if current_user.is_authenticated else None  # before the stamp changes
    try:
        user = profile.confirm_email_change(db.session, token)
    except tokens.TokenError as exc:
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason), reason=exc.reason,
                               form=None, purpose="email"), 400
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    if signed_in_id == user.id:
        _sign_in_again(user)
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login", email=user.email))


@bp.post("/password")
@login_required
@limiter.limit("10 per hour", key_func=limits.ip_and_email)
def change_password():
    """Change the password (knowing the current one); other browsers are signed out, this one stays in."""
    form = PasswordChangeForm(prefix="change-password")
    form.user_inputs = [current_user.first_name, current_user.last_name, current_user.email]
    if _confirmed(form, form.current_password, _("That is not your current password.")):
        profile.change_password(db.session, current_user, form.new_password.data)
        _sign_in_again()
        flash(_("Your new password is saved. Other devices have been signed out."), "success")
        return redirect(url_for("accounts.account"))
    return _page(password_form=form)


@bp.post("/delete")
@login_required
@limiter.limit("10 per hour", key_func=limits.ip_and_email)
def delete_account():
    """Delete the account for good, once the password confirms it."""
    form = DeleteAccountForm(prefix="delete")
    if _confirmed(form, form.password, _("That is not your password.")):
        user = current_user._get_current_object()
        logout_user()
        profile.delete_account(db.session, user)
        flash(_("Your account and your personal information have been deleted."), "info")
        return redirect(url_for("pages.home"))
    return _page(delete_form=form)
