"""Every page and state the quality checks visit. Adding a page to the harness is one line in PAGES.

Paths are format strings: `{lang}` becomes `en` and `fr`, and the other names come from the sample ids the
harness site creates (see quality.site.SAMPLE_KEYS). Each check reads these lists:

- PAGES: full pages. The browser test loads each one in both languages, runs axe, records every request and
  console error; the Nu test validates the served HTML; `screenshot=True` pages go into `make screenshots`.
- FRAGMENTS: what an htmx request gets back (checked by Nu, wrapped in a minimal document).
- SWAPS: states reached through htmx in a real browser (axe runs again after the swap).

A page behind sign-in names its `role` ("member", "unverified" or "staff", see quality.site.ROLES): the browser
check opens it in a context signed in through the login form, the Nu check fetches it with a signed-in client. A
state reached by submitting a form (errors shown, a failed sign-in) names it with `submit`.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.i18n import LANGUAGES

ERROR_CODES = (400, 403, 404, 405, 413, 429, 500, 503)


@dataclass(frozen=True)
class Submit:
    """A form on the page, submitted: its `action` path (with `{lang}`) and the fields filled in, by name.

    A field is typed into, chosen (select, radio) or ticked (checkbox, any non-empty value) as its kind requires.
    """

    action: str
    fields: tuple[tuple[str, str], ...] = ()

    def action_path(self, lang: str, sample: dict[str, object]) -> str:
        """Where the form posts, in one language."""
        return self.action.format(lang=lang, **sample)


@dataclass(frozen=True)
class Page:
    """A full page: where it is, what status it answers with, whether it belongs in the screenshots, who is signed
    in to see it (None: nobody) and, for the state after a submission, the form submitted."""

    name: str
    path: str
    status: int = 200
    screenshot: bool = False
    role: str | None = None
    submit: Submit | None = None

    def url_path(self, lang: str, sample: dict[str, object]) -> str:
        """The path for one language, with the sample ids filled in."""
        return self.path.format(lang=lang, **sample)


@dataclass(frozen=True)
class Fragment(Page):
    """An htmx partial: the same URL as a page, asked for with HX-Request."""


@dataclass(frozen=True)
class Swap:
    """A state reached by htmx: load `path` (signed in as `role`, None: nobody), do each step, wait for the swap to
    settle.

    Steps are (action, selector, value) with action "select" (choose an option), "type" (type text, key by key,
    as a person would) or "click".
    """

    name: str
    path: str
    steps: tuple[tuple[str, str, str], ...]
    role: str | None = None

    def url_path(self, lang: str, sample: dict[str, object]) -> str:
        """The starting path for one language."""
        return self.path.format(lang=lang, **sample)


# ---- Accounts (issue 4): sign-up, sign-in, links from emails, the account page, the staff outbox view ----
SIGNUP = "/{lang}/account/signup"
LOGIN = "/{lang}/account/login"
ACCOUNT_PAGES: tuple[Page, ...] = (
    Page("signup", SIGNUP, screenshot=True),
    Page("signup-errors", SIGNUP, screenshot=True, submit=Submit(SIGNUP, (
        ("first_name", "Ana"), ("email", "not-an-address"), ("password", "short"), ("cma_id", "12ab")))),
    Page("login", LOGIN, screenshot=True),
    Page("login-failed", LOGIN, screenshot=True, submit=Submit(LOGIN, (
        ("email", "quality@example.org"), ("password", "not the right password")))),
    Page("check-email", "/{lang}/account/check-email"),
    Page("check-email-errors", "/{lang}/account/check-email",
         submit=Submit("/{lang}/account/verify/resend", (("email", "not-an-address"),))),
    Page("verify-link-worked", "/{lang}/_quality/fresh-verify-link"),
    Page("verify-link-used", "/{lang}/account/verify/{used_verify_token}"),
    Page("verify-link-expired", "/{lang}/account/verify/{expired_verify_token}", status=400),
    Page("verify-link-invalid", "/{lang}/account/verify/not-a-real-token", status=400),
    Page("reset-request", "/{lang}/account/reset"),
    Page("reset-request-errors", "/{lang}/account/reset", submit=Submit("/{lang}/account/reset", (
        ("email", ""),))),
    Page("reset-form", "/{lang}/account/reset/{reset_token}"),
    Page("reset-form-errors", "/{lang}/account/reset/{reset_token}", submit=Submit(
        "/{lang}/account/reset/{reset_token}", (("password", "short"),))),
    Page("reset-link-invalid", "/{lang}/account/reset/not-a-real-token", status=400),
    Page("verify-link-cma-taken", "/{lang}/account/verify/{cma_taken_verify_token}", status=409),
    Page("login-link-request", "/{lang}/account/login/link"),
    Page("login-link-request-errors", "/{lang}/account/login/link", submit=Submit("/{lang}/account/login/link", (
        ("email", "not-an-address"),))),
    Page("login-link", "/{lang}/account/login/link/{login_token}"),
    Page("login-link-invalid", "/{lang}/account/login/link/not-a-real-token", status=400),
    Page("email-change-link-invalid", "/{lang}/account/email/not-a-real-token", status=400),
    Page("account", "/{lang}/account", screenshot=True, role="member"),
    Page("account-errors", "/{lang}/account", role="member", submit=Submit("/{lang}/account/password", (
        ("change-password-current_password", "not my password"), ("change-password-new_password", "short")))),
    Page("account-unverified", "/{lang}/account", screenshot=True, role="unverified"),
    Page("sessions-unverified", "/{lang}/sessions", role="unverified"),
    Page("staff-notifications", "/{lang}/staff/notifications", screenshot=True, role="staff"),
    Page("staff-notifications-as-member", "/{lang}/staff/notifications", status=403, role="member"),
)
# ---- end of accounts ----

# ---- Staff console (issue 10): overview, sessions, the form, the record ----
STAFF = "/{lang}/staff"
NEW_SESSION = "/{lang}/staff/sessions/new"
STAFF_PAGES: tuple[Page, ...] = (
    Page("staff-overview", STAFF, screenshot=True, role="staff"),
    Page("staff-sessions", STAFF + "/sessions", screenshot=True, role="staff"),
    Page("staff-sessions-drafts", STAFF + "/sessions?status=draft", role="staff"),
    Page("staff-sessions-corrected", STAFF + "/sessions?status=everything&page=99&q=no-such-session", role="staff"),
    Page("staff-session-new", NEW_SESSION, screenshot=True, role="staff"),
    Page("staff-session-new-errors", NEW_SESSION, status=422, screenshot=True, role="staff", submit=Submit(NEW_SESSION, (
        ("title_en", "Peer support"), ("starts_at", ""), ("capacity", "31"),
        ("duration_minutes", "5"), ("zoom_url", "http://example.org/j/1")))),
    Page("staff-session-repeated-hour", NEW_SESSION, status=422, role="staff", submit=Submit(NEW_SESSION, (
        ("title_en", "Peer support"), ("title_fr", "Soutien"), ("starts_at", "2027-11-07T01:30")))),
    Page("staff-session-edit", STAFF + "/sessions/{session_id}/edit", role="staff"),
    Page("staff-draft-edit", STAFF + "/sessions/{draft_session_id}/edit", screenshot=True, role="staff"),
    Page("staff-cancelled-edit", STAFF + "/sessions/{cancelled_session_id}/edit", role="staff"),
    Page("staff-draft-preview", STAFF + "/sessions/{draft_session_id}/preview", screenshot=True, role="staff"),
    Page("staff-cancel-confirm", STAFF + "/sessions/{session_id}/cancel", screenshot=True, role="staff"),
    Page("staff-log", STAFF + "/log", screenshot=True, role="staff"),
    Page("staff-overview-as-member", STAFF, status=403, role="member"),
)
# ---- end of the staff console ----

# ---- Surveys (issue 12): the anonymous survey behind an emailed link, and the results for staff ----
SURVEY_PAGES: tuple[Page, ...] = (
    Page("survey", "/{lang}/surveys/{survey_token}", screenshot=True),
    Page("survey-as-member", "/{lang}/surveys/{survey_token}", role="member"),
    Page("survey-used", "/{lang}/surveys/{used_survey_token}", status=410),
    Page("survey-expired", "/{lang}/surveys/{expired_survey_token}", status=410),
    Page("survey-unknown", "/{lang}/surveys/not-a-real-token", status=404),
    Page("survey-thanks", "/{lang}/surveys/thanks"),
    Page("staff-survey-results", "/{lang}/staff/surveys", screenshot=True, role="staff"),
    Page("staff-survey-results-per-topic", "/{lang}/staff/surveys?group=topic&from=2020-01-01", role="staff"),
    Page("staff-survey-results-corrected", "/{lang}/staff/surveys?group=colour&from=31-12-2026", role="staff"),
    Page("staff-survey-results-as-member", "/{lang}/staff/surveys", status=403, role="member"),
)
# ---- end of surveys ----

# ---- Gratitude space (issue 11): the feed, the queue and the log; forms and swaps in tests/gratitude ----
GRATITUDE_PAGES: tuple[Page, ...] = (
    Page("gratitude", "/{lang}/gratitude", screenshot=True, role="member"),
    Page("gratitude-page-2", "/{lang}/gratitude?page=2", role="member"),
    Page("gratitude-unverified", "/{lang}/gratitude", status=403, role="unverified"),
    Page("login-for-gratitude", "/{lang}/account/login?next=/{lang}/gratitude"),
    Page("staff-gratitude", "/{lang}/staff/gratitude", screenshot=True, role="staff"),
    Page("staff-moderation-log", "/{lang}/staff/moderation-log", role="staff"),
    Page("staff-gratitude-as-member", "/{lang}/staff/gratitude", status=403, role="member"),
)
GRATITUDE_FRAGMENTS: tuple[Fragment, ...] = (
    Fragment("gratitude-more", "/{lang}/gratitude?page=2", role="member"),
)
# ---- end of gratitude space ----

# ---- Offline and "Support a colleague" (issues 14 and 16) ----
OFFLINE_PAGES: tuple[Page, ...] = (
    Page("offline", "/{lang}/offline", screenshot=True),
    Page("support-a-colleague", "/{lang}/support-a-colleague", screenshot=True),
    Page("support-a-colleague-quebec", "/{lang}/support-a-colleague?province=QC", screenshot=True),
    Page("support-a-colleague-nunavut", "/{lang}/support-a-colleague?province=NU"),
    Page("support-a-colleague-as-member", "/{lang}/support-a-colleague", role="member"),
)
# ---- end of offline and "Support a colleague" ----

PAGES: tuple[Page, ...] = (
    Page("home", "/{lang}/", screenshot=True),
    Page("sessions", "/{lang}/sessions", screenshot=True),
    Page("sessions-filtered", "/{lang}/sessions?format=drop_in&language=bilingual", screenshot=True),
    Page("sessions-empty", "/{lang}/sessions?q=no-session-matches-this", screenshot=True),
    Page("sessions-corrected", "/{lang}/sessions?format=knitting&from=31-12-2026&page=99", screenshot=True),
    Page("sessions-page-2", "/{lang}/sessions?page=2"),
    Page("session", "/{lang}/sessions/{session_id}", screenshot=True),
    Page("session-full", "/{lang}/sessions/{full_session_id}"),
    Page("session-cancelled", "/{lang}/sessions/{cancelled_session_id}", screenshot=True),
    Page("session-english-only", "/{lang}/sessions/{english_only_session_id}"),
    Page("faq", "/{lang}/faq", screenshot=True),
    Page("help", "/{lang}/help", screenshot=True),
    Page("help-ontario", "/{lang}/help?province=ON", screenshot=True),
    Page("help-nunavut", "/{lang}/help?province=NU"),
    Page("help-unknown-province", "/{lang}/help?province=ZZ"),
    Page("not-found", "/{lang}/no-such-page", status=404, screenshot=True),
    # The other error pages, raised on purpose by the harness site's probe route (quality.site).
    *(Page(f"error-{code}", f"/{{lang}}/_quality/error/{code}", status=code, screenshot=code == 500)
      for code in ERROR_CODES if code != 404),
    *ACCOUNT_PAGES,
    *STAFF_PAGES,
    *SURVEY_PAGES,
    *GRATITUDE_PAGES,
    *OFFLINE_PAGES,
)

FRAGMENTS: tuple[Fragment, ...] = (
    Fragment("results", "/{lang}/sessions?format=peer_support"),
    Fragment("results-empty", "/{lang}/sessions?q=no-session-matches-this"),
    Fragment("results-page-2", "/{lang}/sessions?page=2"),
    Fragment("results-corrected", "/{lang}/sessions?topic=knitting"),
    Fragment("help-results", "/{lang}/help?province=QC"),
    # The registration panel as an anonymous visitor gets it: open, full (waiting list), cancelled. The signed-in
    # states are checked in tests/registrations/test_registration_browser.py.
    Fragment("registration-panel", "/{lang}/sessions/{session_id}"),
    Fragment("registration-panel-full", "/{lang}/sessions/{full_session_id}"),
    Fragment("registration-panel-cancelled", "/{lang}/sessions/{cancelled_session_id}"),
    Fragment("staff-results", "/{lang}/staff/sessions?status=published", role="staff"),
    Fragment("staff-results-empty", "/{lang}/staff/sessions?q=no-such-session", role="staff"),
    *GRATITUDE_FRAGMENTS,
)

SWAPS: tuple[Swap, ...] = (
    Swap("filter-format", "/{lang}/sessions", (("select", "#filter-format", "drop_in"),)),
    Swap("search-empty", "/{lang}/sessions", (("type", "#filter-q", "no-session-matches-this"),)),
    Swap("next-page", "/{lang}/sessions", (("click", ".pagination a[rel=next]", ""),)),
    Swap("help-province", "/{lang}/help", (("select", "#province", "QC"),)),
    Swap("staff-filter-status", "/{lang}/staff/sessions", (("select", "#filter-status", "draft"),), role="staff"),
    Swap("staff-cancel-dialog", "/{lang}/staff/sessions",
         (("click", "tbody tr:first-child form[action$='/cancel'] button", ""),),
         role="staff"),
    Swap("staff-duplicate-row", "/{lang}/staff/sessions",
         (("click", "tbody tr:first-child form[action$='/duplicate'] button", ""),), role="staff"),
)


def in_every_language(specs):
    """(spec, lang) pairs, for parametrizing a check over every page in both languages."""
    return [(spec, lang) for spec in specs for lang in LANGUAGES]
