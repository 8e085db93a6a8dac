"""Nothing written to a log may pair a survey token with a time. Request logs (the development server's
`werkzeug` logger, gunicorn's `gunicorn.access` when someone turns it on) and the app's own error log print the
path with a timestamp, so `/surveys/<token>` is printed as `/surveys/[token]` in all three."""
from __future__ import annotations

import logging
import re

from flask import Flask

SURVEY_PATH = re.compile(r"(/surveys/)(?!thanks\b)[A-Za-z0-9_%-]+")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class HideSurveyTokens(logging.Filter):
    """Rewrite a record's message with every survey token replaced by `[token]`."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        message = record.getMessage()
        if "/surveys/" in message:
            record.msg, record.args = SURVEY_PATH.sub(r"\1[token]", message), None
        return True


def install(app: Flask) -> None:
    """Put the filter on the request loggers and the app's logger (once each)."""
    for logger in (*(logging.getLogger(name) for name in LOGGERS), app.logger):
        if not any(isinstance(existing, HideSurveyTokens) for existing in logger.filters):
            logger.addFilter(HideSurveyTokens())
