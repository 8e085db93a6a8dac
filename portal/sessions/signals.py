"""What the sessions feature tells the features built on it (blinker signals; receivers connect in their own
`init_app`, with the app as sender, so each app has only the receivers it was given).

- `session_page`: the session page is being built. Sent with `session` (already loaded). A receiver returns the
  HTML of a part of the page (Markup), or None; the page shows the parts in its "Registration" section, and an htmx
  request for the page gets the parts alone. The registration panel is such a part.
- `session_changed`: staff changed a session, inside the transaction that changes it. Sent with `db`, `session`
  (already changed) and `changes`, a dict of field name -> (old value, new value). Receivers queue what follows
  (new reminders, emails to registered members) in the same transaction.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

session_page = _signals.signal("session-page")
session_changed = _signals.signal("session-changed")
