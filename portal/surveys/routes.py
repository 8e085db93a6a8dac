"""The survey feature's whole URL map.

- `surveys` (/<lang>/surveys/...): the survey behind an emailed token, and the thank-you page. No sign-in, and the
  signed-in member is never loaded there, even with a session cookie: the answer is written the same way for
  everyone. Not rate-limited by user (there is no user here).
- `survey_emails` (/<lang>/account/survey-emails): a member turns survey emails off or on again.
- `survey_results` (/<lang>/staff/surveys, .csv): aggregates for staff, groups of 5 responses or more only.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.access import staff_required
from portal.extensions import db, login_manager, utcnow
from portal.security import ORIGIN_ONLY_REFERRER
import portal.surveys.answers as answers
import portal.surveys.preferences as preferences
import portal.surveys.results as results
from portal.surveys.forms import QUESTIONS, SurveyForm
from portal.surveys.invitations import eastern_day

bp = Blueprint("surveys", __name__, url_prefix="/<lang:lang>/surveys")
account_bp = Blueprint("survey_emails", __name__, url_prefix="/<lang:lang>/account")
staff_bp = Blueprint("survey_results", __name__, url_prefix="/<lang:lang>/staff")

# A token that cannot be answered: the status and what the page says.
CLOSED_STATUS = {"unknown": 404, "used": 410, "expired": 410}


@bp.before_request
def _nobody_signed_in() -> None:
    """Whoever holds the link is nobody in particular: Flask-Login sees an anonymous visitor here, so the member
    behind a session cookie is never read (nor could anything on these pages name them)."""
    g._login_user = login_manager.anonymous_user()


@bp.after_request
def _private(response: Response) -> Response:
    """Never cached, and the token in the URL never sent on: the origin only (the form still passes the HTTPS
    Referer check; see portal.security)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = ORIGIN_ONLY_REFERRER
    return response


@bp.route("/<token>", methods=["GET", "POST"])
def survey(token: str):
    """The form, or a kind page when the link was used, has expired or is unknown. One answer per link."""
    today = eastern_day(utcnow())
    found = answers.look_up(db.session, token, today=today)
    if found.state != "open":
        return _closed(found)
    form = SurveyForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("surveys/survey.html", form=form, session=found.session, questions=QUESTIONS), status
    done = answers.submit(db.session, token, answers=form.answers(), comment=form.comment.data or "", today=today)
    if done.state != "open":  # answered meanwhile in another tab
        db.session.rollback()
        return _closed(done)
    db.session.commit()
    return redirect(url_for("surveys.thanks"), 303)


def _closed(found: answers.Lookup):
    return render_template("surveys/closed.html", state=found.state, session=found.session), \
        CLOSED_STATUS[found.state]


@bp.get("/thanks")
def thanks():
    """After an answer: thanks, and nothing about the answer itself."""
    return render_template("surveys/thanks.html")


@account_bp.post("/survey-emails")
@login_required
def survey_emails():
    """Turn survey emails off (`survey_emails` unticked) or on again, from the account page."""
    wanted = request.form.get("survey_emails") == "yes"
    preferences.set_wanted(db.session, current_user, wanted=wanted)
    db.session.commit()
    flash(_("You will be asked for your opinion after sessions.") if wanted
          else _("You will no longer receive survey emails."), "success")
    return redirect(url_for("accounts.account") + "#survey-emails")


@staff_bp.get("/surveys")
@staff_required
def staff_results():
    """Aggregates per session, format or topic over a date range; groups under 5 responses are hidden."""
    choice = results.parse_choice(request.args, today=eastern_day(utcnow()))
    groups = results.grouped(db.session, choice)
    return render_template("surveys/staff_results.html", choice=choice, groups=groups, questions=QUESTIONS,
                           groupings=results.GROUPINGS)


@staff_bp.get("/surveys.csv")
@staff_required
def staff_results_csv():
    """The same aggregates as the page, under the same rule, as CSV."""
    choice = results.parse_choice(request.args, today=eastern_day(utcnow()))
    body = results.as_csv(results.grouped(db.session, choice))
    filename = f"survey-results-{choice.grouping}-{choice.start}-{choice.end}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
