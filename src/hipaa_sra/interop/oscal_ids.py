"""Building blocks of the OSCAL export: stable UUIDs, tokens, timestamps and document metadata.

OSCAL asks that a UUID be "assigned per-subject": the same risk keeps its UUID across
revisions of a document and across the assessment results and the POA&M. A random uuid4
per run would make every re-export a full diff, so each UUID is a uuid5 of the record
it names (kind, record id, occurrence index) under a namespace derived from the
organization, keeping two organizations' `RR-1` apart.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date
from typing import Any

from .._version import __version__
from ..model import Workspace

OSCAL_VERSION = "1.2.1"
"""The OSCAL release compliance-trestle 5.2 models (`trestle.oscal.OSCAL_VERSION`)."""

NS = "https://github.com/hipaa-sra/hipaa-sra/ns/oscal"
"""Namespace URI of the hipaa-sra props and characterization facets."""

OWNER_ROLE = "remediation-owner"
"""Role of the person accountable for a remediation item (a task's responsible role)."""

_ROOT = uuid.UUID("6f1c2a4e-9b3d-5e7f-8a1b-2c3d4e5f6a7b")
_TOKEN_BAD = re.compile(r"[^A-Za-z0-9_.\-]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.([^@\s.]+)\Z")
# Special-use names (RFC 6761 and kin) that strict OSCAL readers' e-mail checks reject:
# trestle uses email-validator, which refuses them, and docs and fixtures use `.test`.
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


class UuidMaker:
    """Hands out stable uuid5s; a repeated (kind, id) gets the next occurrence index."""

    def __init__(self, organization: str) -> None:
        self._namespace = uuid.uuid5(_ROOT, organization)
        self._seen: Counter[tuple[str, str]] = Counter()

    def of(self, kind: str, record_id: str, index: int = 0) -> str:
        """The UUID of occurrence `index` of record `record_id` of `kind`."""
        return str(uuid.uuid5(self._namespace, f"{kind}\0{record_id}\0{index}"))

    def new(self, kind: str, record_id: str) -> str:
        """The UUID of the next occurrence of (kind, record_id): 0 first, then 1, 2, ..."""
        index = self._seen[kind, record_id]
        self._seen[kind, record_id] += 1
        return self.of(kind, record_id, index)


def organization_name(ws: Workspace) -> str:
    """The organization the SRA is for, or a neutral name when `sra.yaml` did not load."""
    organization = ws.manifest.organization if ws.manifest is not None else None
    name = organization.name if organization is not None else None
    return name if name is not None else "HIPAA SRA workspace"


def timestamp(day: date) -> str:
    """Midnight UTC of `day` as an OSCAL date-time, so output does not depend on the clock."""
    return f"{day.isoformat()}T00:00:00Z"


def token(text: str) -> str:
    """`text` as an OSCAL token (an XML NCName): bad characters become `-`."""
    cleaned = _TOKEN_BAD.sub("-", text.strip()) or "_"
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned


UNREADABLE = "(unreadable)"
"""Text for a value the workspace holds but that could not be read (its lint finding says why)."""


def line(text: str | None) -> str:
    """`text` on one line, as OSCAL titles require (`(unreadable)` for an unreadable value)."""
    return UNREADABLE if text is None else " ".join(text.split()) or "-"


def prop(name: str, value: str | None) -> dict[str, str]:
    """A hipaa-sra property; OSCAL values may not start or end with whitespace."""
    return {"name": name, "ns": NS, "value": line(value)}


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without None values and empty lists, which OSCAL's schemas reject."""
    return {key: value for key, value in data.items() if value is not None and value != []}


def tool_component(ids: UuidMaker) -> dict[str, Any]:
    """The hipaa-sra tool as an OSCAL component, the actor behind findings and risks."""
    return {
        "uuid": ids.of("tool", "hipaa-sra"),
        "type": "software",
        "title": "hipaa-sra",
        "description": "HIPAA Security Risk Analysis kept as code: the register, inventory, "
        "controls and evidence in YAML, checked by `sra lint`.",
        "props": [prop("version", __version__)],
        "status": {"state": "operational"},
    }


def tool_origin(ids: UuidMaker) -> dict[str, Any]:
    """An OSCAL origin naming the hipaa-sra tool."""
    return {"actors": [{"type": "tool", "actor-uuid": ids.of("tool", "hipaa-sra")}]}


def person_uuid(ids: UuidMaker, person_id: str) -> str:
    """The party UUID of a person in `sra.yaml`."""
    return ids.of("party", person_id)


def _role_title(role: str) -> str:
    return line(role.replace("-", " ").replace("_", " "))


def metadata(ws: Workspace, today: date, title: str, version: str) -> dict[str, Any]:
    """OSCAL metadata: title, dates, versions, the organization and people as parties."""
    ids = UuidMaker(organization_name(ws))
    people = ws.manifest.people if ws.manifest is not None else ()
    parties: list[dict[str, Any]] = [
        {
            "uuid": ids.of("party", "organization"),
            "type": "organization",
            "name": line(organization_name(ws)),
        },
    ]
    members: dict[str, list[str]] = {}
    for person in people:
        if person.id is None:
            continue  # nothing can refer to a person whose id could not be read
        props = [prop("person-id", person.id)]
        if person.title:
            props.append(prop("title", person.title))
        party: dict[str, Any] = {
            "uuid": person_uuid(ids, person.id),
            "type": "person",
            "name": line(person.name),
            "props": props,
        }
        # A strictly validating reader refuses the whole document over one address it
        # rejects, so anything doubtful travels as a plain prop instead.
        match = _EMAIL.match(person.email or "")
        if match and match.group(1).lower() not in _SPECIAL_USE:
            party["email-addresses"] = [person.email]
        elif person.email:
            props.append(prop("email", person.email))
        parties.append(party)
        for role in person.roles:
            members.setdefault(token(role), []).append(person_uuid(ids, person.id))
    role_ids = sorted({*members, OWNER_ROLE})
    return compact(
        {
            "title": line(title),
            "last-modified": timestamp(today),
            "version": version,
            "oscal-version": OSCAL_VERSION,
            "roles": [{"id": role, "title": _role_title(role)} for role in role_ids],
            "parties": parties,
            "responsible-parties": [
                {"role-id": role, "party-uuids": sorted(set(uuids))}
                for role, uuids in sorted(members.items())
            ],
        }
    )
