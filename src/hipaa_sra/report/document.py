"""The SRA document as data: sections of paragraphs, facts, figures and tables, for any format.

`build_report` fills these from a workspace; the HTML, PDF and Markdown renderers only lay
them out. Keeping the content here means every format says exactly the same thing, and a
test of the content is a test of all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Tone(StrEnum):
    """How a cell or status reads at a glance; renderers map it to a colour or a marker."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    MUTED = "muted"
    KEY = "key"
    """In scope or carrying ePHI: to notice, not a problem."""
    VERY_LOW = "very-low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very-high"


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell that carries a tone, or several lines."""

    text: str
    tone: Tone | None = None
    lines: tuple[str, ...] = ()
    """Further lines shown under `text` (reasons, citations), each on its own line."""


CellValue = str | Cell
"""A plain cell is a string; a toned or multi-line one is a `Cell`."""


@dataclass(frozen=True)
class Table:
    """A table with all its rows; renderers show the first `shown`, the rest in an appendix."""

    key: str
    """Stable anchor, e.g. `assets`; the appendix anchor is `appendix-<key>`."""
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    shown: int
    """How many rows the section itself shows; all rows when the table is small."""
    empty: str = "None."
    """What to say when there are no rows."""
    order: str = ""
    """How rows are ordered, said above a truncated table ("highest residual risk first")."""

    @property
    def truncated(self) -> bool:
        """More rows exist than the section shows; the full table goes in an appendix."""
        return len(self.rows) > self.shown


@dataclass(frozen=True)
class Figure:
    """A chart or diagram: inline SVG for HTML and PDF, Mermaid (or nothing) for Markdown."""

    key: str
    caption: str
    svg: str
    mermaid: str | None = None
    note: str | None = None
    """A sentence under the figure, e.g. how a large diagram was simplified."""
    alt: Table | None = None
    """The figure's numbers as a table, for formats that cannot show SVG (Markdown)."""


@dataclass(frozen=True)
class Section:
    """One heading of the document and what stands under it."""

    slug: str
    title: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    """Label and value pairs, shown as a compact list."""
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    """Closing remarks in small print (sources, how something was computed)."""


class BannerKind(StrEnum):
    """The sign-off state a reader must not miss."""

    SIGNED = "signed"
    NOT_SIGNED = "not-signed"
    CHANGED = "changed-since-sign-off"


@dataclass(frozen=True)
class Banner:
    """The sign-off verdict shown on the cover, on the sign-off page and in the page header."""

    kind: BannerKind
    title: str
    """`NOT SIGNED`, `CHANGED SINCE SIGN-OFF`, or `SIGNED`."""
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The whole SRA document, ready to render."""

    organization: str
    title: str
    today: date
    digest: str
    """Digest of the workspace content the document describes (what a sign-off covers)."""
    banner: Banner
    sections: tuple[Section, ...]
    generator: str
    """`hipaa-sra <version>`: which tool wrote the document."""
    subtitle: str = ""
    headline: tuple[tuple[str, str, Tone | None], ...] = field(default=())
    """The cover's key figures: label, value, tone."""

    @property
    def appendices(self) -> tuple[Table, ...]:
        """Tables too long for their section, in section order."""
        return tuple(table for s in self.sections for table in s.tables if table.truncated)

    @property
    def appendix_numbers(self) -> dict[str, int]:
        """Appendix number (1-based) of each truncated table, by table key."""
        return {table.key: n for n, table in enumerate(self.appendices, start=1)}

    def section(self, slug: str) -> Section:
        """The section with this slug (KeyError when absent)."""
        for section in self.sections:
            if section.slug == slug:
                return section
        raise KeyError(slug)
