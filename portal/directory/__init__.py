"""'Get help now': the crisis and support directory. It must answer even when the database and broker are down."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("directory", __name__, url_prefix="/<lang:lang>")


@bp.get("/help")
def get_help():
    """Crisis numbers first: 911 and 988. Touches no database."""
    return render_template("directory/help.html")
