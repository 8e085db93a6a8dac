"""Demo accounts: a verified member and a staff account, so a newcomer can sign in at once. Never in production."""
from __future__ import annotations

from sqlmodel import Session, select

from portal.accounts.models import User

DEMO_ACCOUNTS = [
    dict(email="member@demo.wellness.example", password="demo member password", first_name="Alex",
         last_name="Member", province="ON", locale="en", staff=False, category="resident", cma_id="90000001"),
    dict(email="staff@demo.wellness.example", password="demo staff password", first_name="Sam",
         last_name="Staff", province="QC", locale="fr", staff=True, category="practising_physician",
         cma_id="90000002"),
]


def load_demo_accounts(db: Session) -> list[str]:
    """Create the demo accounts that do not exist yet (idempotent); returns report lines with credentials. The
    caller commits."""
    from portal.accounts.cli import create_verified_user

    added = 0
    for account in DEMO_ACCOUNTS:
        if db.exec(select(User.id).where(User.email == account["email"])).first() is None:
            create_verified_user(**account)
            added += 1
    lines = [f"Demo accounts: {added} added, {len(DEMO_ACCOUNTS) - added} already there."]
    lines += [f"  {'staff ' if a['staff'] else 'member'}  {a['email']}  password: {a['password']}"
              for a in DEMO_ACCOUNTS]
    return lines
