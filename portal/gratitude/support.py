"""The help shown beside a story that signals distress: 988 by phone and text, 911, and the physician health
program of the author's province or territory, from the crisis directory (data/directory.yaml)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal.directory.schema import PROVINCE_CODES, Service


@dataclass(frozen=True)
class SupportNow:
    """What to offer: the province (None when unknown) and its physician health programs."""

    province: str | None
    programs: list[Service]


def support_for(province: str | None) -> SupportNow:
    """The physician health programs serving `province`; when the province is unknown, every provincial one,
    so nobody is left with nothing to call."""
    directory = current_app.extensions["directory"]
    known = province if province in PROVINCE_CODES else None
    programs = [service for service in directory.services if service.purpose == "physician_health"
                and service.display and (known in service.scope if known else not service.national)]
    return SupportNow(known, programs)


def template_helpers() -> dict:
    """What the gratitude templates use to show the programs (the directory's own wording rules)."""
    import portal.directory.display as display
    from portal.gratitude.cards import story_cards
    from portal.gratitude.models import REPORT_REASONS
    from portal.i18n import current_lang

    return {"program_name": lambda service: display.service_name(service, current_lang()),
            "phone_link": display.phone_link, "phone_label": display.phone_label,
            "website_label": display.website_label, "REPORT_REASONS": REPORT_REASONS,
            "story_cards": story_cards}
