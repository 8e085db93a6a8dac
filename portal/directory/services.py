"""Which entries to show, in which order, for which province or territory. No flask.request in here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from portal.directory.loader import Directory
from portal.directory.schema import CRISIS_LINE_ID, EMERGENCY_ID, NATIONAL, PROVINCE_CODES, Service

ANYWHERE = NATIONAL  # the filter's "Anywhere in Canada" value
# Something to call comes first; then the physician health program (why people come), crisis lines, the rest.
_PURPOSE_ORDER = {"physician_health": 0, "crisis_line": 1, "medico_legal": 2, "peer_support": 3, "emergency": 4}
_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}

Source = Literal["query", "member", "cookie", "default"]


@dataclass(frozen=True)
class ProvinceChoice:
    """The province or territory to show (a code, or ANYWHERE), where the choice came from, and what was ignored."""

    code: str
    source: Source
    ignored: str | None = None

    @property
    def anywhere(self) -> bool:
        """True when no province or territory is chosen."""
        return self.code == ANYWHERE


def normalise_province(value: str | None) -> str | None:
    """A province or territory code, ANYWHERE, or None when the value is not one of them."""
    cleaned = (value or "").strip()
    if cleaned.lower() == ANYWHERE:
        return ANYWHERE
    return cleaned.upper() if cleaned.upper() in PROVINCE_CODES else None


def choose_province(*, requested: str | None, member_province: str | None, cookie: str | None) -> ProvinceChoice:
    """What to show: the value asked for in the URL, else the member's profile, else the remembered cookie.

    An unknown requested value is ignored (and reported) and the next source decides; an empty one counts as not
    asked. A bad cookie is ignored silently: nobody typed it just now.
    """
    ignored = None
    requested = "".join(ch for ch in requested or "" if ch.isprintable()).strip()  # no NULs or controls in the page
    if requested:
        code = normalise_province(requested)
        if code is not None:
            return ProvinceChoice(code, "query")
        ignored = requested[:40]
    for value, source in ((member_province, "member"), (cookie, "cookie")):
        code = normalise_province(value)
        if code is not None:
            return ProvinceChoice(code, source, ignored)
    return ProvinceChoice(ANYWHERE, "default", ignored)


@dataclass(frozen=True)
class HelpListing:
    """Everything the page shows: the two lines at the top, services across Canada, those of the province."""

    province: str
    emergency: Service
    crisis_line: Service
    national: list[Service]
    provincial: list[Service]
    program_phone_found: bool

    @property
    def anywhere(self) -> bool:
        """True when no province or territory is chosen."""
        return self.province == ANYWHERE


def help_listing(directory: Directory, province: str) -> HelpListing:
    """The listing for a province or territory code, or ANYWHERE (services across Canada only)."""
    order = {service.id: index for index, service in enumerate(directory.services)}

    def rank(service: Service) -> tuple:
        return (not service.phones, _PURPOSE_ORDER.get(service.purpose, 9),
                _CONFIDENCE_ORDER[service.confidence], order[service.id])

    top = {EMERGENCY_ID, CRISIS_LINE_ID}
    national = [s for s in directory.services if s.national and s.id not in top]
    in_province = [] if province == ANYWHERE else [s for s in directory.services if province in s.scope]
    provincial = [s for s in in_province if s.purpose != "none_found"]
    return HelpListing(
        province=province, emergency=directory.get(EMERGENCY_ID), crisis_line=directory.get(CRISIS_LINE_ID),
        national=sorted(national, key=rank), provincial=sorted(provincial, key=rank),
        program_phone_found=any(s.purpose == "physician_health" and s.phones for s in provincial),
    )
