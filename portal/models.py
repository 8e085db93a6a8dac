"""Every table, imported in one place so Alembic and the tests see the whole schema."""
from sqlmodel import SQLModel

from portal.accounts.models import User  # noqa: F401
from portal.gratitude.models import Appreciation, Flag, GratitudePost, ModerationAction  # noqa: F401
from portal.notifications.models import Notification  # noqa: F401
from portal.registrations.models import CalendarFeed, Registration  # noqa: F401
from portal.sessions.models import SupportSession  # noqa: F401
from portal.staff.models import StaffAction  # noqa: F401
from portal.surveys.models import SurveyInvitation, SurveyOptOut, SurveyResponse, SurveyRound  # noqa: F401

metadata = SQLModel.metadata
