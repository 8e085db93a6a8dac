"""Member accounts: sign-up, verification, sign-in, password reset, the account page, operator commands."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account")


@bp.record_once
def _template_helpers(state) -> None:
    """The header's Staff link needs to know where the staff console lives."""
    from portal.accounts.access import staff_home_endpoint

    state.app.jinja_env.globals["staff_home_endpoint"] = staff_home_endpoint


@bp.after_request
def _private(response):
    """Account pages are personal and some carry one-time links: never cache them, never leak the URL."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


from portal.accounts import emails, routes, account_routes  # noqa: E402,F401
