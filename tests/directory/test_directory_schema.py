"""The directory file: the real one validates; bad entries stop the app with the entry and field named."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import yaml

from portal import create_app
from portal.config import ROOT
from portal.directory.loader import DirectoryError, load_directory, parse_directory
from directory_entries import entry, required_entries

REAL_FILE = ROOT / "data" / "directory.yaml"


def test_the_real_file_validates_and_keeps_only_displayed_entries():
    raw = yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))
    directory = load_directory(REAL_FILE)
    hidden = {item["id"] for item in raw if item["display"] is False}
    # The legacy Talk Suicide record, and the CMA Wellness Support Line until its current status is confirmed.
    assert hidden == {"talk-suicide-canada-legacy", "cma-wellness-support-line"}
    assert {service.id for service in directory.services} == {item["id"] for item in raw} - hidden
    assert len(directory.services) == len(raw) - 2


def test_the_real_file_keeps_the_research_header_and_sources():
    text = REAL_FILE.read_text(encoding="utf-8")
    assert text.startswith('# "Get help now" directory')
    assert "Never add a phone number, hours or website without a source. Never guess." in text
    for item in yaml.safe_load(text):
        if item["phones"] or item["website"]:
            assert item["sources"], item["id"]


def test_the_app_loads_the_directory_once_at_start_up(app):
    directory = app.extensions["directory"]
    assert directory.get("988-suicide-crisis-helpline").phones[1].kind == "text"
    assert directory.source.endswith("data/directory.yaml")


def _problems(*entries: dict) -> str:
    with pytest.raises(DirectoryError) as caught:
        parse_directory([*required_entries(), *entries], source="test.yaml")
    return str(caught.value)


def test_a_phone_number_without_a_source_is_refused():
    message = _problems(entry(id="no-source", sources=[], website="", hours={"text": "", "machine": None}))
    assert "entry 'no-source' (#3), field 'sources': phones given without a source" in message


def test_a_website_or_hours_without_a_source_are_refused():
    message = _problems(entry(id="site-only", phones=[], sources=[]))
    assert "entry 'site-only' (#3), field 'sources': website and hours given without a source" in message


def test_an_entry_with_nothing_to_source_needs_no_source():
    directory = parse_directory([*required_entries(), entry(id="placeholder", phones=[], website="", sources=[],
                                                            hours={"text": "", "machine": None})])
    assert directory.get("placeholder").sources == []


@pytest.mark.parametrize(("scope", "expected"), [
    (["ON", "XX"], "field 'scope': 'XX': use 'national' or one of AB, BC"),
    (["Ontario"], "field 'scope': 'Ontario': use 'national'"),
    ([True], "field 'scope.0': YAML read this value as True (bool), not as text: put it in quotes"),
    (["national", "QC"], "'national' already covers every province and territory"),
    (["QC", "QC"], "list each province or territory once"),
    ([], "field 'scope': List should have at least 1 item"),
])
def test_an_unknown_province_is_refused(scope, expected):
    assert expected in _problems(entry(id="bad-scope", scope=scope))


@pytest.mark.parametrize(("machine", "expected"), [
    ({"tz": "America/Torronto", "open": "09:00", "close": "17:00", "days": None},
     "field 'hours.machine.tz': 'America/Torronto' is not a time zone name"),
    ({"tz": "Canada/Nowhere", "open": "09:00", "close": "17:00", "days": None}, "is not a time zone name"),
    ({"tz": "America/Toronto", "open": "9:00", "close": "17:00", "days": None},
     "field 'hours.machine.open': '9:00' is not a time written HH:MM"),
    ({"tz": "America/Toronto", "open": 570, "close": "17:00", "days": None},
     "field 'hours.machine.open': YAML read this value as 570 (int)"),
    ({"tz": "America/Toronto", "open": "09:00", "close": "25:00", "days": None},
     "field 'hours.machine.close': '25:00' is not a time"),
    ({"tz": "America/Toronto", "open": "17:00", "close": "09:00", "days": None},
     "opens at 17:00 but closes at 09:00"),
    ({"tz": "America/Toronto", "open": "09:00", "close": "17:00", "days": ["mon", "funday"]},
     "field 'hours.machine.days.1'"),
    ({"tz": "America/Toronto", "open": "09:00", "close": "17:00", "days": []}, "list each day once"),
    ({"tz": "America/Toronto", "open": "09:00", "close": "17:00"}, "field 'hours.machine.days': Field required"),
    ("always", "field 'hours.machine': 'always': write \"24/7\", null"),
])
def test_bad_hours_are_refused(machine, expected):
    assert expected in _problems(entry(id="bad-hours", hours={"text": "", "machine": machine}))


@pytest.mark.parametrize(("phone", "expected"), [
    ({"number": "1-800-555-0100", "kind": "fax"}, "field 'phones.0.kind': Input should be 'voice', 'text' or 'tollfree'"),
    ({"number": 988, "kind": "voice"}, "field 'phones.0.number': YAML read this value as 988 (int)"),
    ({"number": "call us", "kind": "voice"}, "field 'phones.0.number': write the number as 911"),
    ({"number": "1-800-555-0100", "kind": "voice", "extension": "12"}, "field 'phones.0.extension': Extra inputs"),
])
def test_bad_phones_are_refused(phone, expected):
    assert expected in _problems(entry(id="bad-phone", phones=[phone]))


@pytest.mark.parametrize(("fields", "expected"), [
    ({"website": "www.example.org"}, "field 'website': 'www.example.org' is not a web address"),
    ({"languages": ["english"]}, "field 'languages.0.code': 'english' is not a language code"),
    ({"languages": [{"note": " "}]}, "field 'languages.0': give a language code, a note, or both"),
    ({"purpose": "hotline"}, "field 'purpose'"),
    ({"confidence": "certain"}, "field 'confidence'"),
    ({"display": "yes"}, "field 'display': Input should be a valid boolean"),
    ({"verified_on": date.today() + timedelta(days=1)}, "is in the future"),
    ({"verified_on": 20260101}, "field 'verified_on': write the date as YYYY-MM-DD"),
    ({"name_en": ""}, "field 'name_en'"),
    ({"id": "Bad Id"}, "field 'id': use lower-case letters"),
    ({"phone": []}, "field 'phone': Extra inputs are not permitted"),
])
def test_other_broken_rules_are_named(fields, expected):
    assert expected in _problems(entry(**{"id": "broken", **fields}))


def test_ids_are_unique():
    message = _problems(entry(id="twice"), entry(id="twice", name_en="Again"))
    assert "entry 'twice' (#4), field 'id': already used by entry #3" in message


def test_the_crisis_lines_at_the_top_must_be_in_the_file():
    with pytest.raises(DirectoryError, match="'988-suicide-crisis-helpline' must exist"):
        parse_directory([required_entries()[0], entry()])
    hidden = required_entries()
    hidden[1]["display"] = False
    with pytest.raises(DirectoryError, match="'988-suicide-crisis-helpline' must exist, be national, have display"):
        parse_directory(hidden)


def test_every_problem_is_listed_at_once():
    message = _problems(entry(id="one", scope=["XX"]), entry(id="two", phones=[{"number": "1", "kind": "voice"}]))
    assert "entry 'one'" in message and "entry 'two'" in message


def test_a_bad_file_stops_the_app_naming_entry_and_field(app_config, tmp_path):
    path = tmp_path / "directory.yaml"
    path.write_text(yaml.safe_dump([*required_entries(), entry(id="on-line", scope=["ON", "ZZ"]),
                                    entry(id="unsourced", sources=[])]), encoding="utf-8")
    app_config.DIRECTORY_FILE = str(path)
    with pytest.raises(DirectoryError) as caught:
        create_app(app_config)
    message = str(caught.value)
    assert message.startswith(f"{path} is not valid:")
    assert "entry 'on-line' (#3), field 'scope': 'ZZ'" in message
    assert "entry 'unsourced' (#4), field 'sources': phones, website and hours given without a source" in message


@pytest.mark.parametrize(("content", "expected"), [
    ("- id: [unclosed\n", "not valid YAML"),
    ("id: lonely\n", "the file must be a list of entries"),
])
def test_unreadable_files_are_reported(app_config, tmp_path, content, expected):
    path = tmp_path / "directory.yaml"
    path.write_text(content, encoding="utf-8")
    app_config.DIRECTORY_FILE = str(path)
    with pytest.raises(DirectoryError, match=expected):
        create_app(app_config)


def test_a_missing_file_is_reported(app_config, tmp_path):
    app_config.DIRECTORY_FILE = str(tmp_path / "nowhere.yaml")
    with pytest.raises(DirectoryError, match="cannot read the file"):
        create_app(app_config)
