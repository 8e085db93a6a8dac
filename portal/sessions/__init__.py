"""Session listings, detail pages and public calendars."""
from flask import Blueprint

from portal.sessions.models import DELIVERY_LANGUAGES, FORMAT_EXPLAINED, FORMATS, TOPICS

bp = Blueprint("sessions", __name__, url_prefix="/<lang:lang>")


@bp.record_once
def _template_globals(state) -> None:
    """The session vocabularies (formats, topics, languages) are labels every template may need."""
    state.app.jinja_env.globals.update(FORMATS=FORMATS, FORMAT_EXPLAINED=FORMAT_EXPLAINED, TOPICS=TOPICS,
                                       DELIVERY_LANGUAGES=DELIVERY_LANGUAGES)


from portal.sessions import routes  # noqa: E402,F401
