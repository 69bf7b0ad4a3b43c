"""`sra report`: the document's structure, numbers and banners, as a reader of the HTML sees."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Run
from hipaa_sra.catalog.hipaa import CONDITIONAL_SPECS
from hipaa_sra.loading import load_workspace
from hipaa_sra.report import SECTION_TITLES, build_report, render_html
from hipaa_sra.rules import lint
from hipaa_sra.writing import init_workspace

TODAY = date(2026, 11, 22)


class Page(HTMLParser):
    """The parts of an HTML page the tests read: headings, table rows by class, text, links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.h2: list[str] = []
        self.rows: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self.external: list[str] = []
        self._in: str | None = None
        self._table: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            link = values.get(name) or ""
            if link and not link.startswith("#"):
                self.external.append(link)
        if tag == "link":
            self.external.append(str(values))
        if tag == "h2":
            self._in = "h2"
            self.h2.append("")
        elif tag == "table":
            self._table.append((values.get("class") or "").removeprefix("t-"))
        elif tag == "tr" and self._table:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "span" and self._cell is not None:
            self._cell.append(" ")  # a sub-line is shown on its own line: keep the words apart

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in = None
        elif tag == "table" and self._table:
            self._table.pop()
        elif tag == "td" and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row and self._table:  # header rows hold no td
            self.rows.setdefault(self._table[-1], []).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in == "h2":
            self.h2[-1] += data
        if self._cell is not None:
            self._cell.append(data)

    def body(self, table: str) -> list[list[str]]:
        """Data rows of the tables with this class (a section's and its appendix's)."""
        return self.rows.get(table, [])

    @property
    def plain(self) -> str:
        """All text, whitespace folded."""
        return " ".join("".join(self.text).split())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report") / "sra"
    init_workspace(root, example=True, organization="unused")
    return root


@pytest.fixture(scope="module")
def page(example: Path) -> Page:
    ws = load_workspace(example, use_cache=False)
    return Page(render_html(build_report(ws, TODAY)))


def test_headings_are_the_ones_auditors_look_for_in_order(page: Page) -> None:
    assert tuple(h.strip() for h in page.h2) == ("Contents", *SECTION_TITLES)
    required = (
        "Scope",
        "Methodology",
        "Asset inventory",
        "Data flows",
        "Third parties",
        "Threats and vulnerabilities",
        "Current controls",
        "Risk determination",
        "Remediation plan",
        "HIPAA safeguard coverage",
        "NPRM readiness",
        "Risk analysis checklist",
        "Findings",
        "Sign-off",
        "Review history",
    )
    assert [t for t in SECTION_TITLES if t in required] == list(required)


def test_coverage_table_lists_every_standard_and_specification(page: Page) -> None:
    rows = page.body("coverage")
    standards = [row for row in rows if row[1].endswith("(standard)")]
    assert (len(standards), len(rows) - len(standards)) == (22, 46)
    statuses = {row[3] for row in rows}
    assert statuses <= {"covered", "decided", "not-applicable", "uncovered"}
    designations = {row[2].split(" ")[0] for row in rows}
    assert {"required", "addressable"} <= designations
    access = next(row for row in rows if row[0] == "164.312(a)(2)(iv)")
    assert access[2] == "addressable"


def test_checklist_judges_the_nine_ocr_elements(page: Page) -> None:
    rows = page.body("checklist")
    assert [row[0] for row in rows] == [str(n) for n in range(1, 10)]
    assert all(row[2] in ("met", "partial", "missing") for row in rows)
    documentation = rows[7]
    assert documentation[1].startswith("Finalize Documentation")
    assert documentation[2] == "missing" and "no sign-off" in documentation[3]


def test_counts_match_the_workspace(example: Path, page: Page) -> None:
    ws = load_workspace(example, use_cache=False)
    assert len(page.body("assets")) == len(ws.assets)
    assert len(page.body("flows")) == len(ws.flows)
    assert len(page.body("vendors")) == len(ws.vendors)
    assert len(page.body("controls")) == len(ws.controls)
    assert len(page.body("risk-levels")) == len(ws.risks)
    items = sum(len(risk.remediation) for risk in ws.risks)
    assert len(page.body("remediation")) == items


def test_overdue_actions_are_marked_as_lint_counts_them(example: Path, page: Page) -> None:
    ws = load_workspace(example, use_cache=False)
    overdue = [f for f in lint(ws, TODAY).findings if f.name == "remediation-overdue"]
    marked = [row for row in page.body("remediation") if "OVERDUE" in row[0]]
    assert overdue and len(marked) == len(overdue)
    dates = [row[0].split()[0] for row in page.body("remediation")]
    open_dates = dates[: len(marked)]
    assert open_dates == sorted(open_dates)  # by due date, the overdue ones first


def test_unsigned_example_says_not_signed(page: Page) -> None:
    assert "NOT SIGNED" in page.plain
    assert "CHANGED SINCE SIGN-OFF" not in page.plain
    signers = page.body("signers")
    assert {row[0] for row in signers} == {"compliance-officer", "engineering-owner"}
    assert all(row[1] == "not signed" for row in signers)


def test_document_is_self_contained(page: Page, example: Path) -> None:
    ws = load_workspace(example, use_cache=False)
    html = render_html(build_report(ws, TODAY))
    assert page.external == []
    assert "url(" not in html.replace("url(#", "")  # only in-document SVG references
    assert "<script" not in html
    assert html.count("<svg") >= 4  # heat map, category chart, remediation chart, diagram


def test_charts_and_diagram_are_inline(page: Page) -> None:
    text = page.plain
    for caption in (
        "Risks by likelihood and impact",
        "Risks per asset category",
        "Corrective actions by due month",
        "The ePHI surface map",
    ):
        assert caption in text


def _signed(root: Path, sra: Callable[..., Run]) -> None:
    for role, name, email in (
        ("compliance-officer", "Maria Chen", "maria.chen@example.com"),
        ("engineering-owner", "David Okafor", "david.okafor@example.com"),
    ):
        run = sra(
            "signoff",
            "-w",
            str(root),
            "--role",
            role,
            "--name",
            name,
            "--email",
            email,
            "--now",
            "2026-11-20T10:00:00+00:00",
            "--accept-findings",
            "the example workspace keeps its errors on purpose",
        )
        assert run.exit_code == 0, run.stderr


def _report(root: Path, sra: Callable[..., Run], *args: str) -> Page:
    out = root.parent / "report.html"
    run = sra(
        "report",
        "-w",
        str(root),
        "--today",
        TODAY.isoformat(),
        "--out",
        str(out),
        "--no-history",
        *args,
    )
    assert run.exit_code == 0, run.stderr
    return Page(out.read_text(encoding="utf-8"))


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    init_workspace(root, example=True, organization="unused")
    return root


def test_signed_then_changed_shows_changed_since_signoff(
    fresh: Path, sra: Callable[..., Run]
) -> None:
    _signed(fresh, sra)
    signed = _report(fresh, sra)
    assert "CHANGED SINCE SIGN-OFF" not in signed.plain and "NOT SIGNED" not in signed.plain
    assert {row[1] for row in signed.body("signers")} == {"signed"}
    register = fresh / "register" / "clinical-platform.yaml"
    source = register.read_text(encoding="utf-8")
    register.write_text(
        source.replace("likelihood: moderate", "likelihood: high", 1), encoding="utf-8"
    )
    changed = _report(fresh, sra)
    assert "CHANGED SINCE SIGN-OFF" in changed.plain
    assert "1 record changed" in changed.plain
    assert {row[1] for row in changed.body("signers")} == {"changed since sign-off"}


def test_long_tables_move_to_an_appendix(fresh: Path, sra: Callable[..., Run]) -> None:
    page = _report(fresh, sra, "--detail-limit", "5")
    assert len(page.body("assets")) == 5 + 45  # the section's 5, then all in the appendix
    appendix = [h for h in page.h2 if h.startswith("Appendix")]
    assert appendix[0] == "Appendix 1: Asset inventory"
    assert "The first 5 of 45 rows" in page.plain
    assert len(page.body("coverage")) == 68  # the coverage table is never cut


def test_user_text_is_escaped(fresh: Path, sra: Callable[..., Run]) -> None:
    register = fresh / "register" / "clinical-platform.yaml"
    source = register.read_text(encoding="utf-8")
    first = re.search(r"threat: .*", source)
    assert first is not None
    register.write_text(
        source.replace(first.group(0), 'threat: "<script>alert(1)</script> & co"', 1),
        encoding="utf-8",
    )
    out = fresh.parent / "report.html"
    assert sra("report", "-w", str(fresh), "--out", str(out), "--no-history").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "Dana Reviewer",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "T",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_AUTHOR_DATE": "2026-10-01T12:00:00+00:00",
            "GIT_COMMITTER_DATE": "2026-10-01T12:00:00+00:00",
            "HOME": str(root),
        },
    )


def _example_repo(tmp_path: Path, message: str) -> Path:
    """A git repository whose first commit adds the example workspace at `sra/`."""
    repo = tmp_path / "repo"
    init_workspace(repo / "sra", example=True, organization="unused")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", message)
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_review_history_lists_commits(tmp_path: Path, sra: Callable[..., Run]) -> None:
    repo = _example_repo(tmp_path, "Add the example SRA workspace")
    register = repo / "sra" / "register" / "clinical-platform.yaml"
    register.write_text(register.read_text().replace("likelihood: moderate", "likelihood: high", 1))
    _git(repo, "commit", "-q", "-am", "Raise the likelihood of the first clinical risk")
    out = tmp_path / "report.html"
    run = sra(
        "report", "-w", str(repo / "sra"), "--today", "2026-11-22", "--out", str(out), "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    page = Page(out.read_text(encoding="utf-8"))
    rows = page.body("history")
    changes = ["Raise the likelihood of the first clinical risk", "Add the example SRA workspace"]
    assert [row[2] for row in rows] == [f"{subject} Dana Reviewer" for subject in changes]
    assert all(row[0] == "2026-10-01" for row in rows)
    assert "2 commits changed it" in page.plain


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_only_the_newest_commits_are_measured_unless_cached(
    tmp_path: Path, sra: Callable[..., Run]
) -> None:
    repo = _example_repo(tmp_path, "Start")
    register = repo / "sra" / "register" / "clinical-platform.yaml"
    for n in (1, 2):
        register.write_text(register.read_text() + f"# review {n}\n")
        _git(repo, "commit", "-q", "-am", f"Review {n}")
    out = tmp_path / "report.html"
    args = ("report", "-w", str(repo / "sra"), "--today", "2026-11-22", "--out", str(out))
    assert sra(*args, "--history-measure", "1", "--no-cache").exit_code == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert [row[3] for row in page.body("history")] == ["62", "— not measured", "— not measured"]
    assert "The numbers of 2 older commits are not computed" in page.plain
    assert sra("history", "-w", str(repo / "sra")).exit_code == 0  # fills the cache
    assert sra(*args, "--history-measure", "0").exit_code == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert [row[3] for row in page.body("history")] == ["62", "62", "62"]


def test_without_git_the_history_says_why(page: Page) -> None:
    assert "No change history:" in page.plain
    assert page.body("history") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out", "missing-dir/report.html"), "does not exist"),
        (("--today", "2026-13-01"), "--today"),
        (("--format", "rtf"), "--format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    fresh: Path, sra: Callable[..., Run], args: tuple[str, ...], message: str
) -> None:
    run = sra("report", "-w", str(fresh), *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_refuses_to_overwrite_a_workspace_file(fresh: Path, sra: Callable[..., Run]) -> None:
    target = fresh / "sra.yaml"
    before = target.read_bytes()
    run = sra("report", "-w", str(fresh), "--out", str(target), "--no-history")
    assert run.exit_code == 2 and "inside the workspace" in run.stderr
    assert target.read_bytes() == before


def test_default_output_path_and_message(
    fresh: Path, sra: Callable[..., Run], tmp_path: Path
) -> None:
    run = sra("report", "-w", str(fresh), "--no-history", "--today", "2026-11-22")
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "sra-report.html").is_file()
    assert run.stdout.startswith("Wrote sra-report.html (html, ")
    assert "NOT SIGNED" in run.stdout


def test_coverage_cells_name_a_few_controls_and_count_the_rest(
    workspace: Callable[..., Path],
) -> None:
    controls = "".join(
        f"- {{id: c{n}, name: c{n}, safeguard: technical, hipaa: [164.312(b)]}}\n"
        for n in range(1, 10)
    )
    ws = load_workspace(workspace({"controls/c.yaml": controls}), use_cache=False)
    page = Page(render_html(build_report(ws, TODAY)))
    audit = next(row for row in page.body("coverage") if row[0] == "164.312(b)")
    assert audit[3] == "covered"
    assert audit[4] == "c1, c2, c3, c4, c5, c6 (+3 more)"


def test_nprm_section_is_labelled_proposed_and_judges_every_item(page: Page) -> None:
    rows = page.body("nprm")
    assert len(rows) == 18
    assert {row[2] for row in rows} == {"ready", "gap", "not-assessed"}
    assert "PROPOSED (not law): HHS NPRM 90 FR 898" in page.plain
    vendors = next(row for row in rows if row[0] == "Vendors")
    assert vendors[2] == "gap" and "labbridge" in vendors[3]


def test_unparsable_file_stops_with_its_position(fresh: Path, sra: Callable[..., Run]) -> None:
    (fresh / "register" / "broken.yaml").write_text(
        "- id: R1\n  asset: [unclosed\n", encoding="utf-8"
    )
    run = sra("report", "-w", str(fresh), "--no-history", "--out", "r.html")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert re.search(r"broken\.yaml:\d+:\d+: ", run.stderr)
    assert not (fresh.parent / "r.html").exists()


def test_schema_problems_are_reported_in_the_document(
    fresh: Path, sra: Callable[..., Run], tmp_path: Path
) -> None:
    register = fresh / "register" / "clinical-platform.yaml"
    source = register.read_text(encoding="utf-8")
    register.write_text(source.replace("last_reviewed:", "last_reviwed:", 1), encoding="utf-8")
    run = sra("report", "-w", str(fresh), "--no-history", "--out", "r.html")
    assert run.exit_code == 0
    assert "1 error(s) found while loading" in run.stderr
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    unknown = [row for row in page.body("findings") if row[1].startswith("SRA002")]
    assert len(unknown) == 1 and "last_reviwed" in unknown[0][4]
    assert (
        "Loading the workspace found 1 error: values that could not be read are shown as "
        "unreadable" in page.plain
    )
    # The row with the misspelt key is still in the document, with everything else it says.
    first_risk = source.split("- id: ", 2)[1].split("\n", 1)[0].strip()
    assert first_risk in [row[1] for row in page.body("risk-levels")]


def test_a_new_empty_workspace_renders_with_what_is_missing(
    tmp_path: Path, sra: Callable[..., Run]
) -> None:
    assert sra("init", "sra").exit_code == 0
    run = sra("report", "-w", "sra", "--no-history", "--today", "2026-11-22", "--out", "r.html")
    assert run.exit_code == 0, run.stderr
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert tuple(h.strip() for h in page.h2) == ("Contents", *SECTION_TITLES)
    for empty in (
        "The inventory lists no assets.",
        "The register (register/) has no risks.",
        "No controls are recorded (controls/).",
    ):
        assert empty in page.plain
    assert len(page.body("coverage")) == 68
    # sra init pre-fills not-applicable decisions for the conditional specifications.
    decided = {row[0] for row in page.body("coverage") if row[3] == "decided"}
    # The group health plan standard is decided with them: they are all its specifications.
    assert decided == {*CONDITIONAL_SPECS, "164.314(b)(1)"}
    assert all(row[3] in ("uncovered", "decided") for row in page.body("coverage"))


def test_dash_writes_the_document_to_standard_output(
    fresh: Path, sra: Callable[..., Run], tmp_path: Path
) -> None:
    args = ("report", "-w", str(fresh), "--no-history", "--today", "2026-11-22", "--format", "md")
    piped = sra(*args, "--out", "-")
    assert piped.exit_code == 0
    assert sra(*args, "--out", "file.md").exit_code == 0
    assert piped.stdout == (tmp_path / "file.md").read_text(encoding="utf-8")
    assert piped.stdout.startswith("# HIPAA Security Risk Analysis: Northwind Telehealth, Inc.")
