"""Sign-up, verification, sign-in and out, password reset: thin views over portal.accounts.services."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import bp, limits, services, tokens
from portal.accounts.access import is_safe_path
from portal.accounts.forms import EmailOnlyForm, LoginForm, NewPasswordForm, SignupForm
from portal.extensions import db
from portal.i18n import current_lang

def token_problem(reason: str) -> str:
    """A TokenError's reason, said to the reader."""
    messages = {"invalid": _("This link is not valid. It may have been copied incompletely."),
                "expired": _("This link has expired."),
                "used": _("This link has already been used."),
                "taken": _("That address now belongs to another account, so we could not move yours to it.")}
    return messages.get(reason, messages["invalid"])


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
        services.sign_up(db.session, services.SignupData(
            first_name=form.first_name.data, last_name=form.last_name.data, email=form.email.data,
            password=form.password.data, cma_id=form.cma_id.data, category=form.category.data,
            province=form.province.data, locale=form.locale.data))
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
        services.resend_verification(db.session, current_user.email)
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "info")
        return redirect(url_for("accounts.account"))
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        return render_template("accounts/check_email.html", form=form, email=None)
    services.resend_verification(db.session, form.email.data)
    session["pending_email"] = form.email.data
    flash(_("If an account with that address is waiting for confirmation, we sent it a new link."), "info")
    return redirect(url_for("accounts.check_email"))


@bp.get("/verify/<token>")
def verify(token: str):
    """Open the link from the verification email: the address is confirmed once."""
    try:
        user = services.verify_email(db.session, token)
    except tokens.TokenError as exc:
        form = EmailOnlyForm(email=current_user.email if current_user.is_authenticated else "")
        status = 200 if exc.reason == "used" else 400
        return render_template("accounts/link_problem.html", problem=token_problem(exc.reason),
                               reason=exc.reason, form=form, purpose="verify"), status
    session.pop("pending_email", None)
    flash(_("Thank you, your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/login", methods=["GET", "POST"])
@limits.apply(limits.login_limits)
def login():
    """Sign in; `next` is followed only when it is a path on this site."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = (request.args.get("email") or "")[:254]
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session for the new identity (keeps nothing from before sign-in)
            login_user(user, remember=form.remember.data)
            target = form.next.data if is_safe_path(form.next.data) else url_for("accounts.account",
                                                                                   lang=user.locale)
            return redirect(target)
        form.password.errors.append(_("The email address or password is not right. Check both and try again."))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("accounts.account"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out (a POST form, so a link or an image cannot sign anyone out)."""
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
        services.request_password_reset(db.session, form.email.data)
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
        logout_user()
        flash(_("Your new password is saved. Please sign in with it."), "success")
        return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/reset_password.html", form=form, token=token)
