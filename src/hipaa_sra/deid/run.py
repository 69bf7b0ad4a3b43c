"""One de-identification run: check, write to a temporary place, re-scan, swap in, keep.

Nothing is written at the destination until the copy is complete and the re-scan passed:
files and SQLite go to a hidden temporary sibling renamed over the destination, PostgreSQL
schemas to temporary schemas renamed in one transaction. A failed, refused or interrupted
run removes its temporary copy and rolls the mapping store back.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ..errors import SraError, TargetExists
from ..scan import ScanResult, SourceResult
from ..scan.sources import Filters
from ..scan.sources.postgres import SCHEMES, redact
from ..scan.sources.sqlite import SQLITE_SUFFIXES, is_sqlite
from .actions import Context, TableTransform
from .policy import Action
from .policy_load import LoadedPolicy
from .progress import Ticker, scan_meter
from .store import MappingStore, PostgresStore, SqliteStore
from .tables import SourceTable, check_policy
from .verify import DEFAULT_THRESHOLD, Tally, Verification, judge, rescan

Say = Callable[[str], None]
"""Where progress lines go (standard error on a terminal), or nowhere."""


@dataclass(frozen=True)
class Request:
    """What to copy where, under which policy, and how."""

    source: str
    destination: str
    policy: LoadedPolicy
    today: date
    mapping_store: str | None = None
    replace: bool = False
    schemas: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    engine: str = "local"
    scheduler: str | None = None
    key: bytes | None = None
    verify: str | None = None
    """`memory` (files copied in process: each batch scanned as it is written), `full` (the
    written copy read back by `sra scan`), or None: `memory` where it applies, else `full`."""
    seed: int | None = None
    """Seed of the surrogate and offset draws (tests); None draws from the system."""


@dataclass
class Outcome:
    """What a run did: rows per table, columns per action, the re-scan, whether it was kept."""

    kind: str
    source: str
    destination: str
    profile: str
    policy_digest: str
    mapping_store: str | None
    rows: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    verification: Verification | None = None
    written: bool = False
    issued: int = 0
    verified: str = "full"
    """How the copy was scanned: `memory` (as written) or `full` (read back)."""


def is_postgres(spec: str) -> bool:
    """True for a postgresql:// URL."""
    return spec.startswith(SCHEMES)


def kind_of(spec: str) -> str:
    """`postgres`, `sqlite` or `files`: how the source is read."""
    if is_postgres(spec):
        return "postgres"
    path = Path(spec)
    if path.is_file() and (path.suffix.lower() in SQLITE_SUFFIXES or is_sqlite(path)):
        return "sqlite"
    return "files"


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents


def verify_mode(request: Request, kind: str) -> str:
    """`memory` or `full`: how this run's copy is scanned; refuses `memory` where it cannot be."""
    if request.verify == "full" or (
        request.verify is None and (kind != "files" or request.engine != "local")
    ):
        return "full"
    if kind != "files" or request.engine != "local":
        raise SraError(
            "--verify memory scans files as this process writes them; a database "
            "copy or --engine dask is read back in full: use --verify full"
        )
    return "memory"


def check_places(request: Request, kind: str) -> None:
    """Refuse a destination that is the source, holds it, or is not empty without --replace."""
    src, dst = request.source, request.destination
    if kind == "postgres":
        from .postgres_io import same_database

        if not is_postgres(dst):
            raise SraError(
                f"{redact(dst)}: a PostgreSQL source is copied to a postgresql:// destination"
            )
        if same_database(src, dst):
            raise SraError(
                f"{redact(dst)}: the destination is the source database; copy to another database"
            )
    elif is_postgres(dst):
        raise SraError(f"{redact(dst)}: only a PostgreSQL source is copied to PostgreSQL")
    else:
        if not Path(src).exists():
            raise SraError(f"{src}: no such file or folder")
        if _inside(Path(dst), Path(src)) or _inside(Path(src), Path(dst)):
            raise SraError(
                f"{dst}: the destination is, holds or lies inside the source {src}; "
                "choose a place outside it"
            )
        target = Path(dst)
        full = target.is_file() or (target.is_dir() and any(target.iterdir()))
        if full and not request.replace:
            raise TargetExists(
                f"{dst}: exists and is not empty; give --replace to replace it "
                "with the copy (only once the copy has passed its re-scan)"
            )
        if kind == "sqlite" and target.is_dir():
            raise SraError(f"{dst}: a folder; a SQLite source is copied to a SQLite file")
    store = request.mapping_store
    if store is not None and not is_postgres(store):
        for place in (src, dst):
            if not is_postgres(place) and _inside(Path(store), Path(place)):
                raise SraError(
                    f"{store}: the mapping store must be outside the source and the "
                    "destination: it holds every original beside its surrogate"
                )


def open_store(request: Request) -> MappingStore | None:
    """The mapping store, when given."""
    rng = np.random.default_rng(request.seed)
    spec = request.mapping_store
    if spec is None:
        return None
    if is_postgres(spec):
        return PostgresStore(spec, redact(spec), rng)
    return SqliteStore(Path(spec), rng)


def _transforms(
    tables: list[SourceTable], request: Request, context: Context
) -> dict[str, TableTransform]:
    check_policy(request.policy, tables)
    if context.store is None:
        # Opened only once the policy fits the source: a refused run leaves no store behind.
        context.store = open_store(request)
    out = {}
    for table in tables:
        spec = request.policy.policy.tables[table.name]
        if not spec.drop:
            out[table.name] = TableTransform(table.name, spec.columns, table.schema, context)
    return out


def deidentify(request: Request, say: Say | None = None) -> Outcome:
    """Run the copy; the Outcome says whether it passed the re-scan and was put in place."""
    kind = kind_of(request.source)
    mode = verify_mode(request, kind)
    check_places(request, kind)
    policy = request.policy.policy
    needs_store = policy.actions & {Action.SURROGATE, Action.DATE_SHIFT}
    if needs_store and request.mapping_store is None:
        raise SraError(
            "the policy uses surrogate or date-shift: give --mapping-store (a SQLite "
            "file or postgresql:// URL outside the copy) to keep the replacements"
        )
    shown_store = (
        redact(request.mapping_store)
        if request.mapping_store and is_postgres(request.mapping_store)
        else request.mapping_store
    )
    outcome = Outcome(
        kind,
        redact(request.source),
        redact(request.destination),
        policy.profile.value,
        request.policy.digest,
        shown_store,
        verified=mode,
    )
    context = Context(None, request.today, request.key)
    try:
        if kind == "postgres":
            _postgres(request, context, outcome, say)
        else:
            _local(request, kind, context, outcome, say)
    finally:
        store = context.store
        if store is not None:
            outcome.issued = store.issued if outcome.written else 0
            store.close()
    outcome.actions = dict(sorted(context.counts.items()))
    return outcome


def _keep_mappings(context: Context) -> None:
    """Commit the store before the swap: a copy in place never lacks its mappings (a failed
    swap leaves mappings of a copy that is not there, which later runs simply reuse)."""
    if context.store is not None:
        context.store.commit()


def _meter(say: Say | None) -> Callable[[int], None] | None:
    """Rows copied so far, said after each batch (databases are copied batch by batch)."""
    if say is None:
        return None
    total = [0]

    def count(rows: int) -> None:
        total[0] += rows
        say(f"copied {total[0]:,} rows")

    return count


def _local(
    request: Request, kind: str, context: Context, outcome: Outcome, say: Say | None
) -> None:
    destination = Path(request.destination)
    token = secrets.token_hex(4)
    temp = destination.parent / f".{destination.name}.sra-tmp-{token}"
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        tallies: list[Tally] | None = [] if outcome.verified == "memory" else None
        if kind == "sqlite":
            _sqlite(request, temp, context, outcome, say)
        else:
            _files(request, temp, context, outcome, say, tallies)
        if tallies is not None:
            tables = tuple(tally.result() for tally in tallies)
            result = ScanResult((SourceResult(str(temp), None, None, tables),))
            if say is not None:
                say(f"scanned the copy as it was written: {sum(t.rows for t in tallies):,} rows")
        else:
            if say is not None:
                say("re-scanning the copy")
            result = rescan(str(temp), Filters(), progress=scan_meter(say))
        names = {name: name for name in outcome.rows}
        if kind == "files":
            outcome.rows = {t.table: t.rows_sampled for s in result.sources for t in s.tables}
        outcome.verification = judge(
            result, request.policy.policy, names, outcome.destination, request.threshold
        )
        if outcome.verification.passed:
            _keep_mappings(context)
            _swap(temp, destination, token, request.replace)
            outcome.written = True
    finally:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        elif temp.exists():
            temp.unlink()


def _swap(temp: Path, destination: Path, token: str, replace: bool) -> None:
    """Put the copy in place: one rename, after moving any replaced destination aside."""
    full = destination.is_file() or (destination.is_dir() and any(destination.iterdir()))
    if full and not replace:  # written by someone else while the copy was made
        raise TargetExists(
            f"{destination}: appeared while the copy was made; give --replace to replace it"
        )
    try:
        if destination.is_dir() and any(destination.iterdir()):
            old = destination.parent / f".{destination.name}.sra-old-{token}"
            os.replace(destination, old)
            os.replace(temp, destination)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, destination)
    except OSError as exc:
        raise SraError(
            f"{destination}: cannot put the copy in place: {exc.strerror}; the "
            "destination is as it was"
        ) from None


def _files(
    request: Request,
    temp: Path,
    context: Context,
    outcome: Outcome,
    say: Say | None,
    tallies: list[Tally] | None,
) -> None:
    from .files_io import copy_file, list_files

    entries = list_files(request.source)
    transforms = _transforms([e.table for e in entries], request, context)
    temp.mkdir()
    client = None
    if request.engine == "dask":
        from .dask_run import connect

        client = connect(request.scheduler)
    try:
        for number, entry in enumerate(entries, 1):
            transform = transforms.get(entry.table.name)
            if transform is None:
                continue
            with Ticker(say, f"table {number}/{len(entries)}: {entry.table.name}"):
                if request.engine == "dask":
                    from .dask_run import copy_file_dask

                    copy_file_dask(entry, transform, temp, client)
                else:
                    tally = Tally(entry.table.name) if tallies is not None else None
                    copy_file(entry, transform, temp, tally)
                    if tally is not None and tallies is not None:
                        tallies.append(tally)
    finally:
        if client is not None:
            client.close()


def _sqlite(
    request: Request, temp: Path, context: Context, outcome: Outcome, say: Say | None
) -> None:
    from .sqlite_io import copy_database, open_sqlite, read_schemas

    source = open_sqlite(Path(request.source), request.source)
    try:
        schemas = read_schemas(source)
        transforms = _transforms([s.table for s in schemas], request, context)
        policies = request.policy.policy.tables
        if say is not None:
            say(f"copying {len(transforms)} table(s)")
        outcome.rows = copy_database(source, schemas, temp, transforms, dict(policies), _meter(say))
    finally:
        source.close()


def _postgres(request: Request, context: Context, outcome: Outcome, say: Say | None) -> None:
    from .postgres_io import PgDestination, open_postgres, read_schemas

    source = open_postgres(request.source, request.schemas, request.tables)
    destination = PgDestination(request.destination)
    try:
        schemas = read_schemas(source)
        transforms = _transforms([s.table for s in schemas], request, context)
        copied = [s for s in schemas if s.table.name in transforms]
        existing = destination.existing({s.schema for s in copied})
        if existing and not request.replace:
            raise TargetExists(
                f"{destination.label}: schema(s) {', '.join(existing)} exist "
                "and hold tables; give --replace to replace them with the copy"
            )
        destination.create(copied, dict(request.policy.policy.tables))
        if say is not None:
            say(f"copying {len(copied)} table(s)")
        outcome.rows = destination.copy(source, copied, transforms, _meter(say))
        names = {f"{destination.temp(s.schema)}.{s.relation}": s.table.name for s in copied}
        if say is not None:
            say("re-scanning the copy")
        temps = tuple(destination.temps.values())
        result = rescan(request.destination, Filters(schemas=temps), progress=scan_meter(say))
        outcome.verification = judge(
            result, request.policy.policy, names, outcome.destination, request.threshold
        )
        if outcome.verification.passed:
            _keep_mappings(context)
            destination.swap(request.replace)
            outcome.written = True
    finally:
        destination.close()
        source.close()


def source_tables(
    spec: str, schemas: tuple[str, ...] = (), tables: tuple[str, ...] = ()
) -> list[SourceTable]:
    """The source's tables with their columns and keys, as a run would read them."""
    kind = kind_of(spec)
    if kind == "files":
        from .files_io import list_files

        return [entry.table for entry in list_files(spec)]
    if kind == "sqlite":
        from .sqlite_io import open_sqlite
        from .sqlite_io import read_schemas as sqlite_schemas

        lite = open_sqlite(Path(spec), spec)
        try:
            return [s.table for s in sqlite_schemas(lite)]
        finally:
            lite.close()
    from .postgres_io import open_postgres
    from .postgres_io import read_schemas as pg_schemas

    source = open_postgres(spec, schemas, tables)
    try:
        return [s.table for s in pg_schemas(source)]
    finally:
        source.close()
