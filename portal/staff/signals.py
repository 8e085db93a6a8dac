"""What the staff console asks the other features (blinker signals; receivers connect in their own `init_app`,
with the app as sender, so each app has only the receivers it was given).

- `staff_overview`: the staff overview page (`/<lang>/staff`) is being built. Sent with `db`. A receiver returns the
  HTML of one section of the overview (Markup: a heading, counts only, and a link to the feature's own staff page),
  or None. Counts only: no staff page ever lists who is coming to a session, and a section must not either.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

staff_overview = _signals.signal("staff-overview")
