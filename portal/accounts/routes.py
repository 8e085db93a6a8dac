"""The accounts feature's whole URL map: sign-up, verification, sign-in and out, password reset, and the member's
own account page (profile, email, password, deletion). Thin views over services.py and profile.py; each view
owns its transaction and commits."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

import portal.accounts.limits as limits
import portal.accounts.profile as profile
import portal.accounts.services as services
import portal.accounts.signins as signins
import portal.accounts.tokens as tokens
from portal.access import is_safe_path
from portal.accounts.forms import (ConfirmForm, DeleteAccountForm, EmailChangeForm, EmailOnlyForm, LoginForm, NewPasswordForm,
                                   PasswordChangeForm, ProfileForm, SignupForm)
from portal.accounts.passwords import verify_password
from portal.accounts.signals import account_page
from portal.extensions import db, limiter
from portal.i18n import current_lang
from portal.security import ORIGIN_ONLY_REFERRER

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account")


@bp.after_request
def _private(response):
    """Account pages are personal and some carry one-time links: never cache them, never leak the URL (the origin
    only, so that their forms still pass the HTTPS Referer check; see portal.security)."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Referrer-Policy"] = ORIGIN_ONLY_REFERRER
    return response


def token_problem(reason: str) -> str:
    """A TokenError's reason, said to the reader."""
    messages = {"invalid": _("This link is not valid. It may have been copied incompletely."),
                "expired": _("This link has expired."),
                "used": _("This link has already been used."),
                "taken": _("That address now belongs to another account, so we could not move yours to it."),
                "cma_taken": _("We could not confirm this account: a confirmed account already uses the CMA ID "
                               "it was created with. If that account is yours, sign in to it or choose a new "
                               "password for it. If you think someone else used your CMA ID, write to us.")}
    return messages.get(reason, messages["invalid"])


def _remember_address(email: str) -> None:
    """Fill in the sign-in form for this browser next time, without putting the address in a URL."""
    session["login_email"] = email


def _email_budget_spent() -> None:
    """This request reached a service that may send an email: count it against the sending limits (limits.py)."""
    g.email_budget_spent = True


@bp.route("/signup", methods=["GET", "POST"])
@limits.apply(limits.email_sending_limits)
def signup():
    """Create an account; the same "check your email" page follows whether or not the address is new."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = SignupForm()
    if request.method == "GET":
        form.locale.data = current_lang()
    if form.validate_on_submit():
        _email_budget_spent()
        services.sign_up(db.session, services.SignupData(
            first_name=form.first_name.data, last_name=form.last_name.data, email=form.email.data,
            password=form.password.data, cma_id=form.cma_id.data, category=form.category.data,
            province=form.province.data, locale=form.locale.data))
        db.session.commit()
        session["pending_email"] = form.email.data
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/signup.html", form=form)


@bp.get("/check-email")
def check_email():
    """"We sent you a verification email", with a way to have it sent again."""
    form = EmailOnlyForm(email=session.get("pending_email", ""))
    return render_template("accounts/check_email.html", form=form, email=session.get("pending_email"))


@bp.post("/verify/resend")
@limits.apply(limits.email_sending_limits)
def resend_verification():
    """Send the verification link again (rate-limited); the answer never says whether the address exists."""
    if current_user.is_authenticated:
        if not current_user.is_verified:
            _email_budget_spent()
        services.resend_verification(db.session, current_user.email)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "info")
        return redirect(url_for("accounts.account"))
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        return render_template("accounts/check_email.html", form=form, email=None)
    _email_budget_spent()
    services.resend_verification(db.session, form.email.data)
    db.session.commit()
    session["pending_email"] = form.email.data
    flash(_("If an account with that address is waiting for confirmation, we sent it a new link."), "info")
    return redirect(url_for("accounts.check_email"))


@bp.get("/verify/<token>")
def verify(token: str):
    """Open the link from the verification email: the address is confirmed once."""
    try:
        user = services.verify_email(db.session, token)
    except tokens.TokenError as exc:
        db.session.commit()  # "cma_taken" told the owner of the confirmed account
        form = EmailOnlyForm(email=current_user.email if current_user.is_authenticated else "")
        status = 200 if exc.reason == "used" else 409 if exc.reason == "cma_taken" else 400
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason),
                               reason=exc.reason, form=form, purpose="verify"), status
    db.session.commit()
    session.pop("pending_email", None)
    flash(_("Thank you, your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.account"))
    _remember_address(user.email)
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@limits.apply(limits.login_limits)
def login():
    """Sign in; `next` is followed only when it is a path on this site."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = session.get("login_email", "")
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session for the new identity (keeps nothing from before sign-in)
            signins.sign_in(db.session, user, remember=form.remember.data)
            db.session.commit()  # the sign-in row, and an upgraded password hash
            limits.remember_device(user)
            target = form.next.data if is_safe_path(form.next.data) else url_for("accounts.account",
                                                                                   lang=user.locale)
            return redirect(target)
        form.password.errors.append(_("The email address or password is not right. Check both and try again."))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("accounts.account"))
    return render_template("accounts/login.html", form=form)


@bp.route("/login/link", methods=["GET", "POST"])
@limits.apply(limits.email_sending_limits)
def login_link_request():
    """Ask for a one-time sign-in link by email (the way in while sign-in is paused for an account); the answer
    is the same whether or not the address has an account."""
    form = EmailOnlyForm()
    if request.method == "GET":
        form.email.data = session.get("login_email", "")
    if form.validate_on_submit():
        _email_budget_spent()
        services.request_login_link(db.session, form.email.data)
        db.session.commit()
        flash(_("If an account uses %(email)s, we sent it a link to sign in. It works once, for %(minutes)d "
                "minutes.", email=form.email.data, minutes=int(tokens.LOGIN_LINK_MAX_AGE.total_seconds() // 60)),
              "info")
        return redirect(url_for("accounts.login_link_request"))
    return render_template("accounts/login_link_request.html", form=form)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@limits.apply(limits.token_limits)
def login_link(token: str):
    """Open a sign-in link: a button signs in (a POST, so a mail scanner that follows links spends nothing)."""
    form = ConfirmForm()
    try:
        if request.method == "GET":
            tokens.use_login_token(db.session, token)
            return render_template("accounts/login_link.html", form=form, token=token)
        user = services.use_login_link(db.session, token) if form.validate_on_submit() else None
    except tokens.TokenError as exc:
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason), reason=exc.reason,
                               form=None, purpose="login"), 400
    if user is None:
        return render_template("accounts/login_link.html", form=form, token=token), 400
    session.clear()
    signins.sign_in(db.session, user, remember=False)
    db.session.commit()
    limits.remember_device(user)
    return redirect(url_for("accounts.account", lang=user.locale))


@bp.post("/logout")
def logout():
    """Sign out (a POST form, so a link or an image cannot sign anyone out). The server forgets this browser's
    sign-in, so neither a copy of its session cookie nor its remember-me cookie opens the account again."""
    signins.end(db.session, signins.current_key())
    db.session.commit()
    logout_user()
    session.pop("pending_email", None)
    flash(_("You are signed out."), "info")
    return redirect(url_for("pages.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limits.apply(limits.email_sending_limits)
def reset_request():
    """Ask for a password reset link; the answer is the same whether or not the address has an account."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        _email_budget_spent()
        services.request_password_reset(db.session, form.email.data)
        db.session.commit()
        flash(_("If an account uses %(email)s, we sent it a link to choose a new password. It works for one "
                "hour.", email=form.email.data), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limits.apply(limits.token_limits)
def reset_password(token: str):
    """Choose a new password with the link from the email; it ends every session of the account."""
    try:
        user = services.check_reset_token(db.session, token)
    except tokens.TokenError as exc:
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason), reason=exc.reason,
                               form=EmailOnlyForm(), purpose="reset"), 400
    form = NewPasswordForm()
    form.user_inputs = [user.first_name, user.last_name, user.email]
    if form.validate_on_submit():
        services.reset_password(db.session, token, form.password.data)
        db.session.commit()
        logout_user()
        _remember_address(user.email)
        flash(_("Your new password is saved. Please sign in with it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, token=token)


# ---- The account page: every view needs a signed-in member ----


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
    """The account page, with the parts other features add (my sessions, my private calendar)."""
    user = current_user._get_current_object()
    replies = account_page.send(current_app._get_current_object(), user=user)
    parts = [part for _receiver, part in replies if part]
    return render_template("accounts/account.html", parts=parts, **_forms(**submitted)), status



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
    db.session.commit()
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
            db.session.commit()
            flash(_("We sent a link to %(email)s. Your address changes when you open it.",
                    email=form.new_email.data), "info")
            return redirect(url_for("accounts.account"))
    return _page(email_form=form)


@bp.get("/email/<token>")
def confirm_email_change(token: str):
    """Open the link sent to the new address: the account moves there and every other session ends."""
    signed_in_id = current_user.id if current_user.is_authenticated else None
    try:
        user = profile.confirm_email_change(db.session, token, keep=signins.current_key())
    except tokens.TokenError as exc:
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason), reason=exc.reason,
                               form=None, purpose="email"), 400
    db.session.commit()
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    if signed_in_id == user.id:
        return redirect(url_for("accounts.account"))
    _remember_address(user.email)
    return redirect(url_for("accounts.login"))


@bp.post("/password")
@login_required
@limiter.limit("10 per hour", key_func=limits.ip_and_email)
def change_password():
    """Change the password (knowing the current one); other browsers are signed out, this one stays in."""
    form = PasswordChangeForm(prefix="change-password")
    form.user_inputs = [current_user.first_name, current_user.last_name, current_user.email]
    if _confirmed(form, form.current_password, _("That is not your current password.")):
        profile.change_password(db.session, current_user, form.new_password.data, keep=signins.current_key())
        db.session.commit()
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
        db.session.commit()
        flash(_("Your account and your personal information have been deleted."), "info")
        return redirect(url_for("pages.home"))
    return _page(delete_form=form)
