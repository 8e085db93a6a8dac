"""What the accounts feature tells the features built on it (blinker signals; receivers connect in their own
`init_app`, with the app as sender, so each app has only the receivers it was given).

- `account_deleting`: an account is being deleted. Sent with `db` and `user` inside the deletion's transaction,
  before the row goes: a receiver frees what the person held (registrations) or keeps what must outlive them in
  another form (approved gratitude posts become anonymous). It must not commit.
- `account_page`: the member's account page is being built. Sent with `user`; a receiver returns the HTML of a part
  of the page (Markup), or None. "My sessions" and the private calendar are such parts.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_deleting = _signals.signal("account-deleting")
account_page = _signals.signal("account-page")
