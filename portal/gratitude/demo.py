"""Demo stories for the gratitude space, by the demo member, in both languages. Never in production."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.gratitude.models import GratitudePost

DEMO_STORIES = [
    ("en", "first_name", "approved", 30,
     "To the unit clerk who noticed I had not eaten all shift and left half her sandwich on my keyboard: "
     "thank you.\n\nIt was the kindest thing anyone did for me that month."),
    ("fr", "anonymous", "approved", 54,
     "Merci à l'infirmière de nuit qui m'a dit «\u00a0tu as bien fait\u00a0» après un code difficile. "
     "Je repense souvent à ces quatre mots."),
    ("en", "anonymous", "approved", 80,
     "Grateful for my co-residents, who swapped three calls so I could be with my father in his last week."),
    ("fr", "first_name", "approved", 120,
     "Merci à ma patronne, qui m'a appris qu'on peut dire «\u00a0je ne sais pas\u00a0» à un patient "
     "et rester un bon médecin."),
    ("en", "first_name", "pending", 2,
     "Thank you to the pharmacist who caught my dosing error at 3 a.m. and was gentle about it."),
]


def load_demo_stories(db: Session, *, author_email: str) -> list[str]:
    """Add the demo stories once (idempotent: nothing is added when the demo member already has stories)."""
    author = db.exec(select(User).where(User.email == author_email)).first()
    if author is None:
        return []
    if db.exec(select(GratitudePost.id).where(GratitudePost.author_id == author.id)).first() is not None:
        return [f"Demo gratitude stories: 0 added, {len(DEMO_STORIES)} already there."]
    now = utcnow()
    for lang, display, status, hours_ago, body in DEMO_STORIES:
        written = now - timedelta(hours=hours_ago)
        db.add(GratitudePost(author_id=author.id, body=body, lang=lang, display=display, status=status,
                             created_at=written, approved_at=written if status == "approved" else None,
                             appreciation_count=0))
    return [f"Demo gratitude stories: {len(DEMO_STORIES)} added."]
