"""Turn one file's parsed data into validated records, schema findings, ids and references."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..catalog import CONDITIONAL_SPECS, hipaa_entry, suggest_citation
from ..catalog.methodology import MethodologyError, matrix_known, methodology_matrix
from ..errors import LoadError
from ..model import LEVEL_FIELDS, MANIFEST_FILE, Kind, Manifest, Risk, Unusable, parse_level
from ..model.assessment import ORGANIZATION_ASSET
from .kind_checks import KIND_CHECKS
from .partial import Partial, Removed, build_partial, nullable, shape, source_path, walk
from .positions import Path
from .problems import INVALID_VALUE, LEVEL_SYNONYM
from .schema_findings import Pending, describe, field_name, schema_findings


@dataclass
class FileRecords:
    """What one file holds once validated: records, and the facts the cross-file checks need."""

    models: list[BaseModel] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    """Per model: list items left out of it (partial records), to place findings on the file."""
    unusable: list[Unusable] = field(default_factory=list)
    """What no model could take: invalid fields, unknown keys, bad items, dropped sign-offs."""
    pending: list[Pending] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)
    refs: list[RefTuple] = field(default_factory=list)
    five_level: list[tuple[Path, str, str | None]] = field(default_factory=list)
    """Uses of very-low/very-high: (path, value, object id), checked against the methodology."""
    count: int = 0
    """Records kept (every mapping, partial or not; for sign-offs only the valid ones)."""


_THREE_LEVELS = frozenset({"low", "moderate", "high"})


RefTuple = tuple[str, str, Path, "str | None", str]
"""A reference as stored in the cache: (target, value, path, object id, label)."""


def _person_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.owner:
        out.append(("person", record.owner, (index, "owner"), oid, "owner"))


def _waiver_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    for i, waiver in enumerate(record.waivers):
        if waiver.approved_by:
            path = (index, "waivers", i, "approved_by")
            out.append(("person", waiver.approved_by, path, oid, "waiver approver"))


def _risk_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.asset is not None and record.asset != ORGANIZATION_ASSET:
        out.append(("asset", record.asset, (index, "asset"), oid, "asset"))
    for i, item in enumerate(record.remediation):
        if item.owner:
            path = (index, "remediation", i, "owner")
            out.append(("person", item.owner, path, oid, "remediation owner"))
        if item.approved_by:
            path = (index, "remediation", i, "approved_by")
            out.append(("person", item.approved_by, path, oid, "approver"))


def _asset_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    _person_refs(record, index, oid, out)
    if record.scoped_out_by:
        path = (index, "scoped_out_by")
        out.append(("control", record.scoped_out_by, path, oid, "scoped_out_by control"))


def _flow_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.from_ is not None:
        out.append(("node", record.from_, (index, "from"), oid, "from"))
    if record.to is not None:
        out.append(("node", record.to, (index, "to"), oid, "to"))


def _control_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    _person_refs(record, index, oid, out)
    for i, asset in enumerate(record.assets):
        out.append(("asset", asset, (index, "assets", i), oid, "asset"))
    if record.cadence is not None and record.cadence.reviewer:
        path = (index, "cadence", "reviewer")
        out.append(("person", record.cadence.reviewer, path, oid, "reviewer"))


def _answer_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.answered_by:
        out.append(("person", record.answered_by, (index, "answered_by"), oid, "answered_by"))
    for i, item in enumerate(record.evidence):
        if item.control:
            path = (index, "evidence", i, "control")
            out.append(("control", item.control, path, oid, "evidence control"))


def _policy_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    _person_refs(record, index, oid, out)
    if record.approved_by:
        out.append(("person", record.approved_by, (index, "approved_by"), oid, "approved_by"))


def _training_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.person:
        out.append(("person", record.person, (index, "person"), oid, "person"))


_REF_EXTRACTORS = {
    "risks": (_risk_refs, _waiver_refs),
    "assets": (_asset_refs, _waiver_refs),
    "flows": (_flow_refs, _waiver_refs),
    "vendors": (_person_refs, _waiver_refs),
    "controls": (_control_refs, _waiver_refs),
    "signoffs": (),
    "answers": (_answer_refs, _waiver_refs),
    "policies": (_policy_refs, _waiver_refs),
    "training": (_training_refs, _waiver_refs),
}


def record_key(kind: str, record_id: str | None, rel: str, index: int) -> str:
    """How the digest and `Workspace.unusable` name a record: `<kind>/<id>`, else by position."""
    return f"{kind}/{record_id}" if record_id is not None else f"{kind}/{rel}#{index + 1}"


def validate_records(kind: Kind, data: Any, label: str, rel: str | None = None) -> FileRecords:
    """Validate a kind file (a YAML list of records); bad fields become findings, not errors.

    A record with invalid fields is kept with those fields unknown (see `loading.partial`);
    only sign-off records are all or nothing, since a broken one must never count as a
    signature. `rel` is the file's workspace-relative path, for the keys of unusable parts.
    """
    out = FileRecords()
    if data is None:
        return out
    if not isinstance(data, list):
        raise LoadError(
            label,
            f"file holds {describe(data)}; expected a list of {kind.name}",
            hint="start each record with `- `",
        )
    rel = rel or label
    model = kind.model
    singular = kind.noun
    extractors = _REF_EXTRACTORS[kind.name]
    is_risk = kind.model is Risk
    # Asked of the class once: `getattr(record, "hipaa", ())` on a model without the field
    # goes through pydantic's `__getattr__` and an exception, for every asset and flow.
    cites = "hipaa" in model.model_fields
    extra_check = KIND_CHECKS.get(kind.name)
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            message = f"{singular} #{index + 1} is {describe(raw)}; expected a mapping of fields"
            out.pending.append(Pending(INVALID_VALUE.code, (index,), message, None))
            out.unusable.append(Unusable(rel, record_key(kind.name, None, rel, index), (), raw))
            continue
        raw_id = raw.get("id") if kind.has_ids else None
        oid = raw_id if isinstance(raw_id, str) else None
        where = f"{singular} `{oid}`" if oid else f"{singular} #{index + 1}"
        partial: Partial | None = None
        try:
            record = model.model_validate(raw)
        except ValidationError as error:
            out.pending.extend(schema_findings(model, error, where, oid, (index,)))
            whole: Partial = Partial(None, [((), raw)])  # all or nothing: dropped, kept raw
            partial = build_partial(model, raw, error) if kind.partial else whole
            record_id = getattr(partial.record, "id", None)
            key = record_key(kind.name, record_id, rel, index)
            out.unusable.extend(Unusable(rel, key, path, value) for path, value in partial.parts)
            if partial.record is None:
                continue
            record = partial.record
        removed: Removed = partial.removed if partial is not None else {}
        out.count += 1
        out.models.append(record)
        out.indexes.append(index)
        out.removed.append(removed)
        record_id = getattr(record, "id", None)
        if record_id is not None:
            out.ids.append((record_id, index))
        refs: list[RefTuple] = []
        for extract in extractors:
            extract(record, index, oid, refs)
        out.refs.extend(_in_file(ref, removed) for ref in refs)
        for i, citation in enumerate(getattr(record, "hipaa", ()) if cites else ()):
            problem = citation_problem(citation)
            if problem:
                path = (index, *source_path(("hipaa", i), removed))
                message = f"{where}: `hipaa[{path[-1]}]` {problem}"
                out.pending.append(Pending(INVALID_VALUE.code, path, message, oid))
        if is_risk:
            _level_notes(raw, index, where, oid, out)
        if extra_check is not None:
            out.pending.extend(extra_check(record, index, where, oid))
    return out


def valid_records(kind: Kind, data: Any) -> FileRecords | None:
    """The records of a file whose every item is a valid record, else `None`.

    Only the models: for a file whose facts (ids, references, findings) are cached, this is
    all of `validate_records` that is left, at a fraction of its cost. `None` as soon as an
    item is not a valid record; `validate_records` then reports the file as usual.
    """
    if not isinstance(data, list):
        return None
    validate = kind.model.model_validate
    models: list[BaseModel] = []
    try:
        for raw in data:
            if not isinstance(raw, dict):
                return None
            models.append(validate(raw))
    except ValidationError:
        return None
    count = len(models)
    return FileRecords(models=models, indexes=list(range(count)), removed=[{}] * count, count=count)


def _in_file(ref: RefTuple, removed: Removed) -> RefTuple:
    """A reference found in a partial record, with its path as written in the file."""
    if not removed:
        return ref
    target, value, path, oid, label = ref
    return target, value, (path[0], *source_path(path[1:], removed)), oid, label


def _level_notes(
    raw: dict[str, Any], index: int, where: str, oid: str | None, out: FileRecords
) -> None:
    for name in LEVEL_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str) or value in _THREE_LEVELS:
            continue  # not a level at all (its schema finding says so), or a plain one
        level, synonym = parse_level(value)
        if level is None:
            continue
        if synonym:
            message = f"{where}: `{name}: {value}` is read as `{level.value}`"
            out.pending.append(Pending(LEVEL_SYNONYM.code, (index, name), message, oid))
        if level.rank in (0, 4):
            out.five_level.append(((index, name), level.value, oid))


def citation_problem(citation: str, *, addressable: bool = False) -> str | None:
    """Why `citation` is not usable (unknown, or not addressable when it must be), or `None`."""
    entry = hipaa_entry(citation)
    if entry is None:
        suggestion = suggest_citation(citation)
        hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
        renumbered = " (164.308(b) was renumbered in 2013)" if "164.308(b)(4)" in citation else ""
        return (
            f"`{citation}` is not a HIPAA Security Rule citation{hint}{renumbered}; "
            "see `sra catalog hipaa`"
        )
    if (
        addressable
        and entry.designation != "addressable"
        and (entry.citation not in CONDITIONAL_SPECS)
    ):
        return (
            f"`{citation}` ({entry.name}) is {entry.designation}, not addressable; decisions "
            "record why an addressable specification is met another way or not at all, or "
            "why a specification that binds only some entities does not apply"
        )
    return None


@dataclass
class ManifestRecords:
    """`sra.yaml` once validated: the manifest (partial if need be) and what it could not use."""

    manifest: Manifest
    pending: list[Pending]
    unusable: list[Unusable] = field(default_factory=list)
    removed: Removed = field(default_factory=dict)
    """List items left out of the manifest (`people`, `decisions`, ...), for positions."""


_SECTION_WORDS = {"seq": "list", "map": "mapping", "model": "section"}


def _ignored(path: Path, owner_path: Path, kind: str, nullable: bool) -> str:
    """What a manifest error costs: `; the whole `people` list is ignored`, and so on."""
    name = field_name(owner_path)
    if path != owner_path:
        return f"; `{field_name(path)}` is ignored, the rest of `{name}` applies"
    if kind == "scalar":
        return ""
    if kind == "model" and not nullable:
        return (
            f"; the whole `{name}` section is ignored, and rules that need one of its "
            "settings say nothing rather than assume a default"
        )
    return f"; the whole `{name}` {_SECTION_WORDS[kind]} is ignored"


def validate_manifest(data: Any, label: str) -> ManifestRecords:
    """Validate `sra.yaml`; a bad key or value is a finding and the rest of it applies."""
    if not isinstance(data, dict):
        raise LoadError(
            label,
            f"file holds {describe(data)}; expected a mapping with organization, scope, ...",
            hint="sra.yaml describes the workspace; records go in the kind folders",
        )
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as error:
        pending = schema_findings(Manifest, error, label, None, (), _ignored_note(data))
        partial = build_partial(Manifest, data, error)
        unusable = [
            Unusable(MANIFEST_FILE, MANIFEST_FILE, path, value) for path, value in partial.parts
        ]
        if not isinstance(partial.record, Manifest):  # cannot happen: every field can be unknown
            raise LoadError(label, "sra.yaml cannot be read as a manifest") from None
        result = ManifestRecords(partial.record, pending, unusable, partial.removed)
    else:
        result = ManifestRecords(manifest, [])
    manifest = result.manifest
    methodology = manifest.methodology
    if matrix_known(manifest):  # else the unreadable setting has its own finding
        try:
            methodology_matrix(methodology)
        except MethodologyError as exc:
            message = f"{label}: {exc.message}; {exc.hint}"
            where = ("methodology", exc.field)
            result.pending.append(Pending(INVALID_VALUE.code, where, message, None))
    for i, decision in enumerate(manifest.decisions):
        if decision.spec is None:
            continue
        problem = citation_problem(decision.spec, addressable=True)
        if problem:
            path = source_path(("decisions", i, "spec"), result.removed)
            message = f"{label}: `decisions[{path[1]}].spec` {problem}"
            result.pending.append(Pending(INVALID_VALUE.code, path, message, None))
    return result


def _ignored_note(data: dict[str, Any]) -> Callable[[tuple[Any, ...]], str]:
    def note(loc: tuple[Any, ...]) -> str:
        path, owner = walk(Manifest, data, loc)
        if owner is None:
            return ""
        owner_path = (*owner[0], owner[1])
        kind, _ = shape(owner[3].annotation)
        return _ignored(path, owner_path, kind, nullable(owner[3]))

    return note


def manifest_refs(manifest: Manifest, removed: Removed | None = None) -> list[RefTuple]:
    """References made by `sra.yaml` (decisions to controls and people, waiver approvers)."""
    refs = _manifest_refs(manifest)
    if not removed:
        return refs
    return [
        (target, value, source_path(path, removed), oid, label)
        for target, value, path, oid, label in refs
    ]


def _manifest_refs(manifest: Manifest) -> list[RefTuple]:
    refs: list[RefTuple] = []
    for i, decision in enumerate(manifest.decisions):
        for j, control in enumerate(decision.controls):
            refs.append(("control", control, ("decisions", i, "controls", j), None, "control"))
        if decision.decided_by:
            path = ("decisions", i, "decided_by")
            refs.append(("person", decision.decided_by, path, None, "decided_by"))
    for i, waiver in enumerate(manifest.waivers):
        if waiver.approved_by:
            path = ("waivers", i, "approved_by")
            refs.append(("person", waiver.approved_by, path, None, "waiver approver"))
    return refs
