"""The bundled reference catalog as text and JSON (`sra catalog`): HIPAA, NIST SP 800-30, NPRM."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator

from ..catalog import (
    FIVE_LEVELS,
    RISK_SCORE_NOTE,
    CatalogPart,
    HipaaEntry,
    LevelTable,
    builtin_matrices,
    catalog_data,
    hipaa_counts,
    hipaa_entries,
    nprm_profile,
    overall_likelihood_table,
    scale_descriptions,
    semi_quantitative,
)

# Fixed width, not the terminal's: the output is pasted into tickets and compared in tests.
WIDTH = 100

_SAFEGUARD_TITLES = {
    "administrative": "Administrative safeguards",
    "physical": "Physical safeguards",
    "technical": "Technical safeguards",
    "organizational": "Organizational requirements",
    "documentation": "Policies, procedures and documentation",
}


def _marker(entry: HipaaEntry) -> str:
    if entry.self_specifying:
        return "std+R"
    return {"standard": "std", "required": "R", "addressable": "A"}[entry.designation]


def _hipaa_text() -> Iterator[str]:
    entries = hipaa_entries()
    yield "HIPAA Security Rule, 45 CFR 164.308-164.316"
    yield str(hipaa_counts())
    yield (
        "Markers: std standard; R required; A addressable (implement, or document an "
        "equivalent or why not);"
    )
    yield "         std+R standard without implementation specifications (required as written)."
    width = max(len(entry.citation) for entry in entries)
    for safeguard, title in _SAFEGUARD_TITLES.items():
        group = [entry for entry in entries if entry.safeguard == safeguard]
        if not group:
            continue
        yield ""
        yield f"{title} ({group[0].section})"
        yield f"  {hipaa_counts(group)}"
        for entry in group:
            # Specifications sit two columns right of their standard, names stay aligned.
            citation = entry.citation if entry.is_standard else "  " + entry.citation
            yield f"  {_marker(entry):<5}  {citation:<{width + 2}}  {entry.name}"


def _grid(table: LevelTable) -> Iterator[str]:
    corner = f"{table.row_label} \\ {table.column_label}"
    first = max(len(corner), *(len(level) for level in table.scale))
    cell = max(len(level) for level in table.scale) + 2
    header = "  " + corner.ljust(first + 2) + "".join(level.ljust(cell) for level in table.scale)
    yield header.rstrip()
    for row, columns in table.as_rows().items():
        cells = "".join(value.ljust(cell) for value in columns.values())
        yield ("  " + row.ljust(first + 2) + cells).rstrip()


def _wrapped(label: str, text: str, label_width: int) -> Iterator[str]:
    head = f"  {label:<{label_width}}  "
    yield from textwrap.wrap(text, WIDTH, initial_indent=head, subsequent_indent=" " * len(head))


def _nist_text() -> Iterator[str]:
    yield "NIST SP 800-30 Rev. 1 assessment scales"
    yield ""
    yield "  level       0-100 bin  0-10 value"
    for level in FIVE_LEVELS:
        semi = semi_quantitative(level)
        yield f"  {level:<10}  {f'{semi.bin_low}-{semi.bin_high}':<9}  {semi.value}"
    label_width = max(len(level) for level in FIVE_LEVELS)
    for scale in scale_descriptions():
        yield ""
        yield f"Table {scale.table}: {scale.title}"
        for level, text in scale.descriptions:
            yield from _wrapped(level, text, label_width)
    g5 = overall_likelihood_table()
    yield ""
    yield f"Table {g5.source}: {g5.title}"
    yield "  rows: likelihood of initiation or occurrence (G-2, G-3)"
    yield "  columns: likelihood that the event results in adverse impact (G-4)"
    yield from _grid(g5)
    for matrix in builtin_matrices():
        yield ""
        yield f"Risk matrix {matrix.name}, {matrix.levels} levels: {matrix.title}"
        yield from _grid(matrix)
    yield ""
    yield from textwrap.wrap("Risk score: " + RISK_SCORE_NOTE, WIDTH, subsequent_indent="  ")


def _nprm_text() -> Iterator[str]:
    profile = nprm_profile()
    yield profile.label
    yield profile.title
    yield (
        f"RIN {profile.rin}, FR document {profile.document_number}, comments closed "
        f"{profile.comments_closed.isoformat()}."
    )
    yield "Opt-in: a workspace uses these numbers only with methodology.profile: nprm-2025."
    yield ""
    cadences = profile.cadences
    key_width = max(len(cadence.key) for cadence in cadences)
    cite_width = max(len(cadence.citation) for cadence in cadences)
    yield (f"  {'cadence':<{key_width}}  {'limit':<9}  {'proposed at':<{cite_width}}  confidence")
    for cadence in cadences:
        limit = f"{cadence.value} {cadence.unit if cadence.value != 1 else cadence.unit[:-1]}"
        yield (
            f"  {cadence.key:<{key_width}}  {limit:<9}  {cadence.citation:<{cite_width}}  "
            f"{cadence.confidence}"
        )
        indent = " " * (key_width + 4)
        yield from textwrap.wrap(
            cadence.description, WIDTH, initial_indent=indent, subsequent_indent=indent
        )


def catalog_text(part: CatalogPart) -> str:
    """The chosen part of the catalog (or `all`) for people, at a fixed width."""
    sections = {"hipaa": _hipaa_text, "nist": _nist_text, "nprm": _nprm_text}
    names = list(sections) if part == "all" else [part]
    return "\n\n".join("\n".join(sections[name]()) for name in names)


def catalog_json(part: CatalogPart) -> str:
    """The chosen part of the catalog as JSON (the data `catalog_data` exports)."""
    return json.dumps(catalog_data(part), indent=2)
