"""Operator commands: `flask --app portal user create EMAIL --password P ...` and `staff grant|revoke EMAIL`."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlmodel import select

from portal.accounts.forms import LOCALES
from portal.accounts.models import CATEGORIES, User
from portal.accounts.passwords import hash_password, password_problem
from portal.extensions import db, utcnow
from portal.i18n import PROVINCES

user_cli = AppGroup("user", help="Member accounts.")
staff_cli = AppGroup("staff", help="Staff rights.")


def create_verified_user(*, email: str, password: str, first_name: str = "Member", last_name: str = "",
                         province: str = "ON", locale: str = "en", staff: bool = False,
                         category: str = "practising_physician", cma_id: str | None = None) -> User:
    """Create a verified account (operators, demo data, tests); the caller commits."""
    session = db.session
    if cma_id is None:
        taken = set(session.exec(select(User.cma_id)).all())
        cma_id = next(c for c in (str(secrets.randbelow(10**8)).zfill(8) for _ in range(100)) if c not in taken)
    user = User(email=email, password_hash=hash_password(password), first_name=first_name, last_name=last_name,
                cma_id=cma_id, category=category, province=province, locale=locale, is_staff=staff,
                email_verified_at=utcnow())
    session.add(user)
    return user


def _find(email: str) -> User:
    user = db.session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    return user


@user_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="At least 12 characters, not a common password.")
@click.option("--first-name", default="Member", show_default=True)
@click.option("--last-name", default="")
@click.option("--province", default="ON", show_default=True, type=click.Choice(sorted(PROVINCES)))
@click.option("--locale", default="en", show_default=True, type=click.Choice(sorted(LOCALES)))
@click.option("--category", default="practising_physician", show_default=True, type=click.Choice(sorted(CATEGORIES)))
@click.option("--staff", is_flag=True, help="Give staff rights.")
def user_create(email, password, first_name, last_name, province, locale, category, staff) -> None:
    """Create a verified account for EMAIL."""
    from email_validator import EmailNotValidError, validate_email

    try:
        email = validate_email(email, check_deliverability=False, allow_smtputf8=False).ascii_email.lower()
    except EmailNotValidError as exc:
        raise click.ClickException(f"Not a usable email address: {exc}") from exc
    with force_locale("en_CA"):  # no request to choose a language from: operators read English
        problem = password_problem(password, user_inputs=[first_name, last_name, email])
        if problem is not None:
            raise click.ClickException(str(problem))
    if db.session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise click.ClickException(f"An account already uses {email}.")
    user = create_verified_user(email=email, password=password, first_name=first_name, last_name=last_name,
                                province=province, locale=locale, staff=staff, category=category)
    db.session.commit()
    click.echo(f"Created {'staff' if staff else 'member'} account {user.email} (verified).")


def _set_staff(email: str, value: bool) -> None:
    user = _find(email)
    user.is_staff = value
    user.updated_at = utcnow()
    db.session.add(user)
    db.session.commit()
    click.echo(f"{user.email} {'is now staff' if value else 'is no longer staff'}.")


@staff_cli.command("grant")
@click.argument("email")
def staff_grant(email: str) -> None:
    """Give EMAIL's account staff rights."""
    _set_staff(email, True)


@staff_cli.command("revoke")
@click.argument("email")
def staff_revoke(email: str) -> None:
    """Take staff rights away from EMAIL's account."""
    _set_staff(email, False)
