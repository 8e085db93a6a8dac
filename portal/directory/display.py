"""Directory entries in words, in the page's language, for the HTML page and the plain-text version alike.

Data is never translated: where the file has no French, French pages show the English text, and HTML marks it
lang="en" so screen readers switch voice. `Phrase` carries that mark: str() gives plain text (help.txt),
__html__() gives escaped HTML with the lang span when needed (help.html).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup, escape

from portal.directory.schema import DAYS, OFFICIAL_NUMBER_IDS, Hours, Language, Organization, Phone, Service
from portal.directory.services import ProvinceChoice
from portal.i18n import PROVINCES, pick_language
from portal.times import BABEL_LOCALES, clock, zone_label

PURPOSES = {
    "emergency": _l("Emergency services: police, fire and ambulance."),
    "crisis_line": _l("Crisis and distress line: talk to someone now."),
    "physician_health": _l("Physician health program: confidential help for physicians, residents and medical "
                           "students."),
    "medico_legal": _l("Medico-legal advice and support. Not a crisis line."),
    "peer_support": _l("Peer support and mentorship. Not a crisis service."),
    "none_found": _l("No program found yet."),
}


@dataclass(frozen=True)
class Phrase:
    """Text in a known language, shown on a page in `page_lang`."""

    text: str
    lang: str
    page_lang: str
    note: Phrase | None = None  # said in brackets after the text: "cri (on request)"

    def __str__(self) -> str:
        return f"{self.text} ({self.note})" if self.note else self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())

    def __html__(self) -> Markup:
        if self.lang == self.page_lang:
            html = escape(self.text)
        else:
            html = Markup('<span lang="%s">%s</span>') % (self.lang, self.text)
        if self.note:
            html += Markup(" (") + self.note.__html__() + Markup(")")
        return html


def data_text(english: str, french: str, lang: str) -> Phrase:
    """The French value on French pages when the file has one, else the English value marked as English."""
    return Phrase(*pick_language(english, french, lang), lang)


def service_name(service: Service, lang: str) -> Phrase:
    """The service's name in the page's language (English fallback)."""
    return data_text(service.name_en, service.name_fr, lang)


def organization_name(organization: Organization, lang: str) -> Phrase:
    """Who runs the service, in the page's language (English fallback)."""
    return data_text(organization.name_en, organization.name_fr, lang)


def eligibility(service: Service, lang: str) -> Phrase:
    """Who may use the service, in the page's language (English fallback)."""
    return data_text(service.eligibility, service.eligibility_fr, lang)


def phone_link(phone: Phone) -> str:
    """tel: for calls, sms: for text lines."""
    return ("sms:" if phone.kind == "text" else "tel:") + phone.digits


def _phone_sentence(kind: str, number: str) -> str:
    if kind == "text":
        return _("Text %(number)s", number=number)
    if kind == "tollfree":
        return _("Call %(number)s (toll-free)", number=number)
    return _("Call %(number)s", number=number)


def phone_text(phone: Phone) -> str:
    """What the link says, as plain text, with the number written out (it must survive printing)."""
    return _phone_sentence(phone.kind, phone.number)


_NUMBER = "\ufffc"  # stands for the number while the sentence around it is escaped


def phone_label(phone: Phone) -> Markup:
    """The link's words in HTML: a number written with hyphens is kept on one line (a phone's narrow screen would
    otherwise break "1-800-" from "668-6868")."""
    if "-" not in phone.number:
        return escape(phone_text(phone))
    sentence = str(escape(_phone_sentence(phone.kind, _NUMBER)))
    number = Markup('<span class="nowrap">{}</span>').format(phone.number)
    return Markup(sentence.replace(_NUMBER, str(number)))


def website_label(url: str) -> str:
    """The web address without its scheme or a trailing slash: shorter to read, still exact."""
    return url.split("://", 1)[-1].rstrip("/")


def hours_in_words(hours: Hours, lang: str) -> Phrase:
    """Opening hours in the page's language, from the machine form; else the source's words; else 'not published'."""
    machine = hours.machine
    if machine == "24/7":
        return Phrase(_("24 hours a day, 7 days a week"), lang, lang)
    if machine is None:
        if hours.text.strip():
            return data_text(hours.text, hours.text_fr, lang)
        return Phrase(_("Hours not published"), lang, lang)
    label = zone_label(machine.zone, lang)
    zone = f"({label})" if lang == "fr" else label  # French names the zone in brackets: "de 8 h 30 à 16 h 30 (HE)"
    opens = clock(machine.open_time, lang)
    closes = clock(machine.close_time, lang, ends=True) if machine.close_time else _("midnight")
    if machine.days is None:
        words = _("%(opens)s to %(closes)s %(zone)s (days not confirmed)", opens=opens, closes=closes, zone=zone)
    else:
        words = _("%(days)s, %(opens)s to %(closes)s %(zone)s", days=days_in_words(machine.days, lang),
                  opens=opens, closes=closes, zone=zone)
    return Phrase(words[:1].upper() + words[1:], lang, lang)  # "du lundi..." starts the line: "Du lundi..."


def days_in_words(days: list[str], lang: str) -> str:
    """'Monday to Friday', 'Every day', or a list such as 'Monday, Wednesday and Friday'."""
    locale = Locale.parse(BABEL_LOCALES[lang])
    names = locale.days["format"]["wide"]
    indexes = sorted(DAYS.index(day) for day in days)
    if len(indexes) == 7:
        return _("Every day")
    if len(indexes) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return _("%(first)s to %(last)s", first=names[indexes[0]], last=names[indexes[-1]])
    return format_list([names[index] for index in indexes], locale=locale)


def languages_in_words(languages: list[Language], lang: str) -> list[Phrase]:
    """Each language served, named in the page's language; notes in the page's language (English fallback)."""
    locale = Locale.parse(BABEL_LOCALES[lang])
    phrases = []
    for language in languages:
        if language.code is None:
            phrases.append(data_text(language.note, language.note_fr, lang))
            continue
        note = data_text(language.note, language.note_fr, lang) if language.note else None
        phrases.append(Phrase(locale.languages.get(language.code, language.code), lang, lang, note))
    return phrases


def verified_text(service: Service, lang: str) -> str:
    """'Official national number' (911, 988: set by regulation, never in doubt), else 'Last verified by staff on …'
    or 'Not yet verified by staff'."""
    if service.id in OFFICIAL_NUMBER_IDS:
        return _("Official national number")
    verified_on = service.verified_on
    if verified_on is None:
        return _("Not yet verified by staff")
    return _("Last verified by staff on %(date)s",
             date=format_date(verified_on, "long", locale=BABEL_LOCALES[lang]))


def status_text(choice: ProvinceChoice) -> str:
    """What the list shows (and what was ignored), said on the page and announced after an htmx swap."""
    shown = (_("Showing services across Canada.") if choice.anywhere else
             _("Showing services across Canada, and services for %(province)s.", province=PROVINCES[choice.code]))
    if choice.ignored:
        # Never the value itself: text from a link must not speak on the crisis page ("ON. URGENT: 988 is down").
        return _("We did not recognise the province or territory in the link, so we ignored it.") + " " + shown
    return shown


def purpose_text(service: Service) -> str:
    """What the service is for, in the page's language (an interface string, not data)."""
    return str(PURPOSES[service.purpose])


def phone_note(phone: Phone, lang: str) -> Phrase:
    """The file's note about a number ("24-hour helpline"), in the page's language (English fallback)."""
    return data_text(phone.note, phone.note_fr, lang)


def french_gaps(service: Service) -> list[str]:
    """The fields a reader of this entry sees in English on a French page because the file has no French for them.

    Names of organisations are exempt (a proper name is not translated: "Doctors of BC"), except where the "name"
    is a sentence written by us (purpose none_found: "Yukon: no ... found").
    """
    gaps = []
    if service.purpose == "none_found" and not service.name_fr.strip():
        gaps.append("name_fr")
    if service.eligibility.strip() and not service.eligibility_fr.strip():
        gaps.append("eligibility_fr")
    gaps += [f"phones[{i}].note_fr" for i, phone in enumerate(service.phones)
             if phone.note.strip() and not phone.note_fr.strip()]
    if service.hours.text.strip() and not service.hours.text_fr.strip():
        gaps.append("hours.text_fr")
    gaps += [f"languages[{i}].note_fr" for i, language in enumerate(service.languages)
             if language.note.strip() and not language.note_fr.strip()]
    return gaps


def provinces_by_name(lang: str) -> list[tuple[str, str]]:
    """(code, name) for the 13 provinces and territories, in alphabetical order of their names in this language."""
    names = [(code, str(name)) for code, name in PROVINCES.items()]
    return sorted(names, key=lambda item: _collation_key(item[1]))


def _collation_key(name: str) -> str:
    # Accents sort as their base letter: Île-du-Prince-Édouard among the I's, as a French reader expects.
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)).casefold()
