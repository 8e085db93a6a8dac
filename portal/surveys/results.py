"""Survey results for staff: aggregates per session, per format or per topic, over a date range of sessions.

A group with fewer than MIN_GROUP responses shows nothing but that fact: no count, no distribution, no mean, no
comment ("fewer than 5 responses: hidden to protect anonymity"). Comments of larger groups come in random order.
The page and the CSV are built from the same `grouped()` result, so they hide the same groups.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import SystemRandom

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, select

from portal.i18n import current_lang, localized
from portal.sessions.models import FORMATS, TOPICS, SupportSession
from portal.surveys.forms import QUESTIONS
from portal.surveys.models import SurveyResponse
from portal.times import EASTERN, eastern_instant, format_session_date, parse_day

MIN_GROUP = 5
DEFAULT_DAYS = 90
MAX_DAYS = 3660
SCORES = (1, 2, 3, 4, 5)
GROUPINGS = {"session": _l("Session"), "format": _l("Format"), "topic": _l("Topic")}


@dataclass
class Choice:
    """What staff asked for: grouping and the range of session dates (Eastern), with messages about bad input."""

    grouping: str
    start: date
    end: date
    messages: list = field(default_factory=list)


@dataclass
class Question:
    """One question's figures in a group: how many chose each score, how many answered, the mean."""

    name: str
    counts: dict[int, int]

    @property
    def answered(self) -> int:
        """Responses that answered this question."""
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        """The mean score, or None when nobody answered."""
        return sum(score * n for score, n in self.counts.items()) / self.answered if self.answered else None


@dataclass
class Group:
    """A session, format or topic with its responses' aggregates; `hidden` below MIN_GROUP responses."""

    key: str
    label: str
    responses: int = 0
    questions: list[Question] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        """Too few responses to show anything without risking someone's anonymity."""
        return self.responses < MIN_GROUP


def parse_choice(args: Mapping[str, str], *, today: date) -> Choice:
    """Check `group`, `from` and `to`; a bad value falls back to the default with a message."""
    choice = Choice(grouping="session", start=today - timedelta(days=DEFAULT_DAYS), end=today)
    grouping = (args.get("group") or "session").strip()
    if grouping in GROUPINGS:
        choice.grouping = grouping
    else:
        choice.messages.append(_l("That grouping does not exist, so results are shown per session."))
    for name, attribute in (("from", "start"), ("to", "end")):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        value = parse_day(raw)
        if value is None:
            choice.messages.append(_l("“%(value)s” is not a date like 2026-03-31, so it was ignored.", value=raw[:40]))
        else:
            setattr(choice, attribute, value)
    if choice.start > choice.end:
        choice.start, choice.end = choice.end, choice.start
        choice.messages.append(_l("The start came after the end, so the two dates were swapped."))
    if (choice.end - choice.start).days > MAX_DAYS:
        choice.start = choice.end - timedelta(days=MAX_DAYS)
        choice.messages.append(_l("The range was shortened to ten years."))
    return choice


def _keys(grouping: str, session: SupportSession) -> list[tuple[str, str]]:
    if grouping == "format":
        return [(session.format, str(FORMATS.get(session.format, session.format)))]
    if grouping == "topic":
        return [(topic, str(TOPICS.get(topic, topic))) for topic in session.topics or ()]
    day = format_session_date(session.starts_at, current_lang(), EASTERN, "medium")
    return [(str(session.id), f"{localized(session, 'title')} ({day})")]


def _window(choice: Choice) -> tuple[datetime, datetime]:
    return eastern_instant(choice.start, time(0)), eastern_instant(choice.end + timedelta(days=1), time(0))


def grouped(db: Session, choice: Choice) -> list[Group]:
    """The groups of the chosen kind among sessions held in the range, in one query; hidden ones keep no figure."""
    low, high = _window(choice)
    rows = db.exec(select(SurveyResponse, SupportSession)
                   .join(SupportSession, SupportSession.id == SurveyResponse.session_id)
                   .where(SupportSession.starts_at >= low, SupportSession.starts_at < high)
                   .order_by(SupportSession.starts_at, SupportSession.id)).all()
    groups: dict[str, Group] = {}
    members: dict[str, list[SurveyResponse]] = {}
    for response, session in rows:
        for key, label in _keys(choice.grouping, session):
            groups.setdefault(key, Group(key=key, label=label))
            members.setdefault(key, []).append(response)
    for key, group in groups.items():
        _fill(group, members[key])
    ordered = list(groups.values())
    if choice.grouping != "session":
        ordered.sort(key=lambda group: group.label.casefold())
    return ordered


def _fill(group: Group, responses: list[SurveyResponse]) -> None:
    group.responses = len(responses)
    if group.hidden:
        return
    for name in QUESTIONS:
        counts = {score: 0 for score in SCORES}
        for response in responses:
            score = getattr(response, name)
            if score in counts:
                counts[score] += 1
        group.questions.append(Question(name=name, counts=counts))
    group.comments = [response.comment for response in responses if response.comment]
    SystemRandom().shuffle(group.comments)


def _cell(text: str) -> str:
    # A spreadsheet must not read a session title as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def as_csv(groups: list[Group]) -> str:
    """One row per group: its label and, when shown, the count and each question's distribution and mean.
    A hidden group's row says why and holds no figure."""
    out = io.StringIO()
    writer = csv.writer(out)
    answered, mean = _("answered"), _("mean")
    header = [_("Group"), _("Responses")]
    for name in QUESTIONS:
        header += [f"{name} {score}" for score in SCORES] + [f"{name} {answered}", f"{name} {mean}"]
    writer.writerow(header)
    for group in groups:
        if group.hidden:
            writer.writerow([_cell(group.label), _("fewer than 5 responses: hidden to protect anonymity")])
            continue
        row = [_cell(group.label), group.responses]
        for question in group.questions:
            mean = "" if question.mean is None else f"{question.mean:.2f}"
            row += [question.counts[score] for score in SCORES] + [question.answered, mean]
        writer.writerow(row)
    return out.getvalue()


def overview_part(_app, *, db: Session) -> Markup:
    """The `staff_overview` receiver: responses to surveys of the last DEFAULT_DAYS days (a number only, and only
    from MIN_GROUP on), with the link to the results."""
    from flask import render_template

    from portal.extensions import utcnow
    from portal.surveys.invitations import eastern_day

    start = eastern_day(utcnow()) - timedelta(days=DEFAULT_DAYS)
    count = db.exec(select(func.count()).select_from(SurveyResponse)
                    .where(SurveyResponse.submitted_on >= start)).one()
    return Markup(render_template("surveys/_overview_part.html", count=count, min_group=MIN_GROUP,
                                  days=DEFAULT_DAYS))
