"""The gate's decision: which touched ePHI assets had their risk analysis consulted, and how.

An asset is touched when a changed path matches its `code_paths` (at head). A touched asset
whose ePHI is present or possible is satisfied by either

- a workspace edit that concerns it, found by comparing the per-record digests of the
  workspace files the change touched, at the merge base and at head (`analysis.digest`):
  its inventory entry, a risk whose `asset` is it, a control whose `assets` include it, a
  flow from or to it. A record counts if it concerns the asset at head or at the base, so
  deleting a risk counts; or
- an `SRA-Reviewed:` trailer in a commit of the change naming the asset, or a risk on it
  (at head), with a reason.

`decide`, `check_trailers` and `concerned_assets` only compute; `run_gate` and the helpers
below it read git (through `changes`) and the disk.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from ..analysis.digest import digest_diff, object_digests
from ..analysis.facts import IN_SCOPE
from ..errors import LoadError
from ..git import GitError
from ..loading import find_workspace, load_workspace, parse_yaml
from ..loading.read import read_file
from ..model import KIND_BY_FOLDER, MANIFEST_FILE, Workspace
from .changes import (
    Git,
    Revisions,
    changed_paths,
    commit_messages,
    materialize,
    resolve,
    workspace_dirty,
)
from .errors import GateError
from .match import AssetMatcher
from .trailers import TRAILER_KEY, Trailer, parse_trailer


@dataclass(frozen=True)
class TrailerCheck:
    """A trailer judged against the workspace at head: the assets it counts for, and why not."""

    trailer: Trailer
    counts_for: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    """One note per id that counts for nothing (unknown, or not an asset or risk)."""


@dataclass(frozen=True)
class AssetDecision:
    """One touched asset: what touched it, whether it needed and got a consultation."""

    id: str
    name: str
    ephi: str | None
    required: bool
    paths: tuple[tuple[str, str], ...]
    """(changed path, the `code_paths` glob that matched it)."""
    satisfied: bool
    by: str | None
    """`workspace`, `trailer`, or None (not required, or missing)."""
    records: tuple[str, ...] = ()
    """Workspace records changed by this change that concern the asset (`risks/RR-1`)."""
    trailers: tuple[str, ...] = ()
    """Commits whose `SRA-Reviewed` trailer names the asset or one of its risks."""
    risks: tuple[str, ...] = ()
    """Risk ids on the asset at head: what a register edit or a trailer could name."""
    notes: tuple[str, ...] = ()
    """Why trailers in the change did not count for this asset."""


@dataclass(frozen=True)
class GateResult:
    """Everything the gate found; renderers in `formats.gate` turn it into text."""

    mode: str
    """`git` (paths and trailers from history) or `paths` (a given list of paths)."""
    workspace: str
    """The workspace directory, relative to the repository root."""
    revisions: Revisions | None
    changed_paths: int
    workspace_changes: tuple[str, ...]
    assets: tuple[AssetDecision, ...]
    trailers: tuple[TrailerCheck, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> tuple[AssetDecision, ...]:
        """Touched ePHI assets with no consultation: each one fails the gate."""
        return tuple(a for a in self.assets if a.required and not a.satisfied)

    @property
    def passed(self) -> bool:
        """True when every touched ePHI asset was consulted (or none was touched)."""
        return not self.missing


def concerned_assets(keys: Iterable[str], workspaces: Sequence[Workspace]) -> dict[str, list[str]]:
    """Asset id -> the changed record keys that concern it, looked up in every workspace given."""
    wanted = set(keys)
    found: dict[str, set[str]] = {}

    def add(asset: str | None, key: str) -> None:
        if asset is not None:  # a reference that could not be read ties the change to nothing
            found.setdefault(asset, set()).add(key)

    for key in wanted:
        if key.startswith("assets/"):
            add(key.removeprefix("assets/"), key)
    for ws in workspaces:
        for risk in ws.risks:
            if (key := f"risks/{risk.id}") in wanted:
                add(risk.asset, key)
        for control in ws.controls:
            if (key := f"controls/{control.id}") in wanted:
                for asset in control.assets:
                    add(asset, key)
        for flow in ws.flows:
            if (key := f"flows/{flow.id}") in wanted:
                add(flow.from_, key)
                add(flow.to, key)
    return {asset: sorted(records) for asset, records in found.items()}


def keys_in_files(workspace_dir: Path, files: Iterable[str]) -> list[str]:
    """Record keys held now by the given workspace-relative files (the path-only fallback)."""
    keys: list[str] = []
    for rel in files:
        parts = PurePosixPath(rel).parts
        path = workspace_dir.joinpath(*parts)
        if not parts or any(p.startswith(".") for p in parts) or not path.is_file():
            continue
        if parts == (MANIFEST_FILE,):
            keys.append(MANIFEST_FILE)
            continue
        kind = KIND_BY_FOLDER.get(parts[0])
        if kind is None or not kind.has_ids or path.suffix not in (".yaml", ".yml"):
            continue
        try:
            value = parse_yaml(read_file(path, rel), rel)
        except (LoadError, OSError):
            continue  # the head workspace loaded, so this is a stray file it does not read
        items = value if isinstance(value, list) else []
        keys += [
            f"{kind.name}/{item['id']}"
            for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
    return keys


def check_trailers(
    trailers: Iterable[Trailer], ws: Workspace, near: Sequence[str] = ()
) -> tuple[TrailerCheck, ...]:
    """Judge each trailer's ids against the workspace at head; `near` feeds did-you-mean."""
    checks = []
    for trailer in trailers:
        if trailer.problem is not None:
            checks.append(TrailerCheck(trailer))
            continue
        counts: list[str] = []
        ignored: list[str] = []
        for item in trailer.ids:
            if item in ws.asset_by_id:
                counts.append(item)
            elif item in ws.risk_by_id and (asset := ws.risk_by_id[item].asset) is not None:
                counts.append(asset)
            else:
                ignored.append(_not_an_id(item, ws, near))
        checks.append(TrailerCheck(trailer, tuple(dict.fromkeys(counts)), tuple(ignored)))
    return tuple(checks)


def _not_an_id(item: str, ws: Workspace, near: Sequence[str]) -> str:
    for kind, index in (
        ("control", ws.control_by_id),
        ("flow", ws.flow_by_id),
        ("vendor", ws.vendor_by_id),
    ):
        if item in index:
            return f"`{item}` is a {kind}; name the asset or one of its risks"
    close = difflib.get_close_matches(item, near, 1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return f"`{item}` is not an asset or risk id at head{hint}"


def _why_not(check: TrailerCheck, asset: str) -> str:
    where = f"`{check.trailer.line}` (commit {check.trailer.commit[:12]})"
    if check.trailer.problem is not None:
        return f"{where} does not count: it {check.trailer.problem}"
    named = [f"`{a}`" for a in check.counts_for]
    reasons = list(check.ignored)
    if named:
        reasons.insert(0, f"it is about {', '.join(named)}, not `{asset}`")
    return f"{where} does not count for `{asset}`: " + "; ".join(reasons)


def decide(
    ws: Workspace,
    paths: Sequence[str],
    changes: Mapping[str, Sequence[str]],
    trailers: Sequence[Trailer] = (),
) -> tuple[tuple[AssetDecision, ...], tuple[TrailerCheck, ...]]:
    """The decision for every asset `paths` touch, given the records each change concerns."""
    code_paths: dict[str, tuple[str, ...]] = {}
    for asset in ws.assets:
        if asset.id is not None:  # without an id nothing can name it: the inventory finding says so
            code_paths.setdefault(asset.id, asset.code_paths)
    hits = AssetMatcher(code_paths).match(paths)
    risks_by_asset: dict[str, list[str]] = {}
    for risk in ws.risks:
        if risk.asset is not None and risk.asset in hits:
            risks_by_asset.setdefault(risk.asset, []).append(risk.label)
    near = [*hits, *(r for rs in risks_by_asset.values() for r in rs)]
    checks = check_trailers(trailers, ws, near)
    decisions = []
    for asset_id, matched in hits.items():
        asset = ws.asset_by_id[asset_id]
        required = asset.ephi in IN_SCOPE
        records = tuple(changes.get(asset_id, ()))
        named = tuple(c.trailer.commit for c in checks if asset_id in c.counts_for)
        by = None
        if required:
            by = "workspace" if records else "trailer" if named else None
        notes = () if not required or by else tuple(_why_not(c, asset_id) for c in checks)
        decisions.append(
            AssetDecision(
                asset_id,
                asset.name or asset_id,
                asset.ephi.value if asset.ephi else None,
                required,
                tuple(matched),
                by is not None or not required,
                by,
                records,
                tuple(dict.fromkeys(named)),
                tuple(risks_by_asset.get(asset_id, ())),
                notes,
            )
        )
    order = {(True, False): 0, (True, True): 1}
    decisions.sort(key=lambda d: (order.get((d.required, d.satisfied), 2), d.id))
    return tuple(decisions), checks


def run_gate(
    workspace: Path | None = None,
    *,
    base: str | None = None,
    head: str | None = None,
    paths: Sequence[str] | None = None,
    use_cache: bool = True,
) -> GateResult:
    """Run the gate on the change base...head, or on a given list of changed paths."""
    root = find_workspace(workspace)
    if paths is not None:
        return _run_on_paths(root, paths, use_cache)
    git = Git.containing(root)
    ws_rel = git.relative(root)
    revisions = resolve(git, base, head)
    changed = changed_paths(git, revisions)
    with TemporaryDirectory(prefix="sra-gate-") as tmp:
        head_dir, head_ws = _load_head(git, revisions, ws_rel, root, Path(tmp) / "head", use_cache)
        keys, others, notes = _workspace_changes(
            git, revisions, ws_rel, changed, head_dir, head_ws, Path(tmp)
        )
    changes = concerned_assets(keys, [head_ws, *others])
    trailers = [
        parse_trailer(commit, value)
        for commit, values in commit_messages(git, revisions, TRAILER_KEY)
        for value in values
    ]
    decisions, checks = decide(head_ws, changed, changes, trailers)
    return GateResult("git", ws_rel, revisions, len(changed), keys, decisions, checks, notes)


def _workspace_changes(
    git: Git,
    revisions: Revisions,
    ws_rel: str,
    changed: Sequence[str],
    head_dir: Path,
    head_ws: Workspace,
    tmp: Path,
) -> tuple[tuple[str, ...], list[Workspace], tuple[str, ...]]:
    """Record keys the change adds, removes or changes; the partial workspaces they came from.

    Only the workspace files the change touched are loaded, at the merge base and at head
    (with `sra.yaml`, which every load needs): a record in an untouched file is the same on
    both sides, so it has the same digest and can never differ. On the enterprise benchmark
    workspace this skips loading and hashing about 180,000 records twice.
    """
    prefix = "" if ws_rel == "." else ws_rel + "/"
    touched = {
        path
        for path in changed
        if path.startswith(prefix) and _workspace_file(path.removeprefix(prefix))
    }
    if not touched:
        return (), [], ()
    wanted = touched | {prefix + MANIFEST_FILE}
    base_dir = materialize(git, revisions.merge_base, ws_rel, tmp / "base", wanted)
    if base_dir is None:
        note = f"no workspace at {ws_rel} in the merge base; every record is new"
        return digest_diff({}, object_digests(head_ws)).keys, [], (note,)
    try:
        base_ws = load_workspace(base_dir, use_cache=False)
    except LoadError as exc:
        note = (
            f"the workspace at the merge base {revisions.merge_base[:12]} cannot be loaded "
            f"({exc.message}); workspace edits were recognised by file"
        )
        inside = [path.removeprefix(prefix) for path in touched]
        return tuple(dict.fromkeys(keys_in_files(head_dir, sorted(inside)))), [], (note,)
    head_part = materialize(git, revisions.head_commit, ws_rel, tmp / "head-part", wanted)
    # The whole head workspace loaded, so its touched files load too.
    head_part_ws = load_workspace(head_part, use_cache=False) if head_part else head_ws
    keys = digest_diff(object_digests(base_ws), object_digests(head_part_ws)).keys
    return keys, [base_ws, head_part_ws], ()


def _workspace_file(rel: str) -> bool:
    """True for `sra.yaml` and files in kind folders: what a workspace load reads."""
    return rel == MANIFEST_FILE or rel.split("/", 1)[0] in KIND_BY_FOLDER


def _load_head(
    git: Git, revisions: Revisions, ws_rel: str, root: Path, tmp: Path, use_cache: bool
) -> tuple[Path, Workspace]:
    """The workspace at head: the checkout itself when it is head and clean, else from git."""
    if git.commit("HEAD") == revisions.head_commit and not workspace_dirty(git, ws_rel):
        return root, load_workspace(root, use_cache=use_cache)
    head_dir = materialize(git, revisions.head_commit, ws_rel, tmp)
    if head_dir is None:
        raise GateError(f"no workspace at {ws_rel} in {revisions.head}")
    try:
        return head_dir, load_workspace(head_dir, use_cache=False)
    except LoadError as exc:
        raise LoadError.combine(
            [_at_head(error, head_dir, revisions, ws_rel) for error in exc.errors]
        ) from None


def _at_head(error: LoadError, head_dir: Path, revisions: Revisions, ws_rel: str) -> LoadError:
    """`error` about a file written under `head_dir`, placed at `head:path` in the repository."""
    shown = Path(error.path) if Path(error.path).is_absolute() else Path.cwd() / error.path
    inside = os.path.relpath(shown, head_dir)
    where = f"{revisions.head}:{PurePosixPath(ws_rel, Path(inside).as_posix())}"
    return LoadError(where, error.message, error.line, error.column, error.hint)


def _run_on_paths(root: Path, paths: Sequence[str], use_cache: bool) -> GateResult:
    """Paths from a list: workspace edits are recognised by file, and no trailers are read."""
    try:
        ws_rel = Git.containing(root).relative(root)
    except (GitError, GateError):
        cwd = Path.cwd().resolve()
        if not root.resolve().is_relative_to(cwd):
            raise GateError(
                f"{root} is outside the current directory; with --paths-from outside a git "
                "repository, run the gate from the directory the paths are relative to"
            ) from None
        ws_rel = root.resolve().relative_to(cwd).as_posix() or "."
    head_ws = load_workspace(root, use_cache=use_cache)
    prefix = "" if ws_rel == "." else ws_rel + "/"
    inside = [p.removeprefix(prefix) for p in paths if p.startswith(prefix)]
    keys = tuple(dict.fromkeys(keys_in_files(root, inside)))
    changes = concerned_assets(keys, [head_ws])
    decisions, _ = decide(head_ws, paths, changes)
    notes = (
        "paths from a list: a changed workspace file counts as editing the records it holds "
        "now, and commit trailers are not read",
    )
    return GateResult("paths", ws_rel, None, len(paths), keys, decisions, (), notes)
