"""Reading the directory file: every problem is collected and reported with the entry and field it concerns."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from portal.config import ROOT
from portal.directory.schema import CRISIS_LINE_ID, EMERGENCY_ID, Service

DEFAULT_FILE = ROOT / "data" / "directory.yaml"


@dataclass(frozen=True)
class Directory:
    """The entries people may see (display: true), in file order, and where they came from."""

    services: tuple[Service, ...]
    source: str

    def get(self, service_id: str) -> Service:
        """The displayed entry with this id (KeyError when there is none)."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)


class DirectoryError(Exception):
    """The directory file is missing, unreadable or breaks a rule; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source} is not valid:\n  - " + "\n  - ".join(problems))


def load_directory(path: str | Path) -> Directory:
    """Read, validate and return the directory file; DirectoryError tells what is wrong and where."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DirectoryError(str(path), [f"cannot read the file: {exc.strerror or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise DirectoryError(str(path), [f"not valid YAML: {exc}"]) from exc
    return parse_directory(raw, source=str(path))


def parse_directory(raw: Any, *, source: str = "directory") -> Directory:
    """Validate already-parsed YAML (a list of entries) and keep the entries marked display: true."""
    if not isinstance(raw, list):
        raise DirectoryError(source, ["the file must be a list of entries (each starting with '- id:')"])
    problems: list[str] = []
    services: list[Service] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(raw, start=1):
        label = _entry_label(item, index)
        try:
            service = Service.model_validate(item)
        except ValidationError as exc:
            problems.extend(f"{label}, {_field(error['loc'])}: {_message(error)}" for error in exc.errors())
            continue
        if service.id in first_index:
            problems.append(f"{label}, field 'id': already used by entry #{first_index[service.id]}")
            continue
        first_index[service.id] = index
        services.append(service)
    if not problems:
        problems.extend(_required_entries(services))
    if problems:
        raise DirectoryError(source, problems)
    return Directory(services=tuple(service for service in services if service.display), source=source)


def _required_entries(services: list[Service]) -> list[str]:
    by_id = {service.id: service for service in services}
    problems = []
    for service_id in (EMERGENCY_ID, CRISIS_LINE_ID):
        service = by_id.get(service_id)
        if service is None or not service.display or not service.national or not service.phones:
            problems.append(f"entry {service_id!r} must exist, be national, have display: true and a phone number: "
                            "the first lines of the page are built from it")
    return problems


def _entry_label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return f"entry {item['id']!r} (#{index})"
    return f"entry #{index}"


def _field(loc: tuple) -> str:
    # Pydantic names union members in the location (e.g. "function-after[...]"); people need only the path.
    parts = [str(part) for part in loc if part not in ("always", "weekly") and not re.search(r"[\[\]()]", str(part))]
    return f"field '{'.'.join(parts)}'" if parts else "entry"


def _message(error: dict) -> str:
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
