"""`sra assess`: the safeguards questionnaire in the terminal, from a file, and its proposals."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from ..assessment import (
    SectionView,
    answer_change,
    answer_record,
    progress,
    proposal_changes,
    proposals,
    questionnaire,
    save_answer,
)
from ..assessment.answer_file import read_answer_file
from ..catalog.questions import Implication, Question, question_catalog
from ..editing import apply_changes
from ..loading import load_workspace
from ..model import AnswerDecision, Workspace
from .common import resolve_today, today_option, workspace_option

_SKIP, _QUIT = "s", "q"


def _person(ws: Workspace, person: str | None, needed: bool) -> str | None:
    people = [p.id for p in ws.manifest.people if p.id] if ws.manifest is not None else []
    if person is None:
        if needed and people:
            raise click.UsageError(f"say who answers with --person (one of: {', '.join(people)})")
        return None
    if people and person not in people:
        close = difflib.get_close_matches(person, people, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise click.BadParameter(
            f"`{person}` is not a person in sra.yaml `people` (known: {', '.join(people)}){hint}",
            param_hint="--person",
        )
    return person


def _chosen(views: tuple[SectionView, ...], sections: tuple[str, ...]) -> list[SectionView]:
    if not sections:
        return list(views)
    known = {view.section.id: view for view in views}
    every = [section.id for section in question_catalog().sections]
    for name in sections:
        if name not in known:
            close = difflib.get_close_matches(name, every, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            why = " does not apply to this workspace" if name in every else " is not a section"
            why = why if name in every else why + hint
            raise click.BadParameter(
                f"`{name}`{why} (see `sra assess --list`)", param_hint="--section"
            )
    return [known[name] for name in sections]


def _list(views: tuple[SectionView, ...], ws: Workspace) -> None:
    for view in views:
        click.echo(
            f"{view.section.id}: {view.section.title} "
            f"({view.answered} of {len(view.questions)} answered)"
        )
        for question in view.questions:
            answer = view.answers.get(question.id)
            given = answer.answer if answer is not None else "-"
            click.echo(f"  {question.id:32} {given:16} {question.text}")
    click.echo(str(progress(ws, views)))


def _ask_answer(question: Question) -> str:
    options = list(question.answers)
    menu = "  ".join(f"{n}) {option}" for n, option in enumerate(options, 1))
    click.echo(f"  {menu}  {_SKIP}) skip  {_QUIT}) quit")

    def parse(text: str) -> str:
        text = text.strip()
        if text in (_SKIP, _QUIT) or text in options:
            return text
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        raise click.BadParameter(
            f"answer with a number from 1 to {len(options)}, an answer "
            f"as listed, {_SKIP} or {_QUIT}"
        )

    return str(click.prompt("  Answer", value_proc=parse))


def _optional(label: str) -> str | None:
    text = str(click.prompt(f"  {label}", default="", show_default=False)).strip()
    return text or None


def _iso(text: str) -> str:
    text = text.strip()
    if text:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise click.BadParameter("write the date as YYYY-MM-DD") from None
    return text


def _evidence(ws: Workspace) -> list[dict[str, Any]]:
    while True:
        control = _optional("Evidence: id of the control that does this (blank to describe it)")
        if control is None:
            break
        if not ws.control_by_id or control in ws.control_by_id:
            return [{"control": control}]
        close = difflib.get_close_matches(control, list(ws.control_by_id), n=1)
        click.echo(
            f"  `{control}` is not a control id"
            + (f"; did you mean `{close[0]}`?" if close else "")
        )
    item: dict[str, Any] = {"what": _optional("What shows it (blank if none yet)")}
    if item["what"]:
        item["how_verified"] = _optional("How was it verified")
        when = click.prompt("  When (YYYY-MM-DD)", default="", show_default=False, value_proc=_iso)
        item["date"] = date.fromisoformat(when) if when else None
        item["location"] = _optional("Where is it kept (path, URL, ticket)")
    return [{key: value for key, value in item.items() if value}]


def _details(question: Question, meaning: Implication, ws: Workspace) -> dict[str, Any]:
    if meaning is Implication.YES:
        return {"evidence": _evidence(ws)}
    if meaning is not Implication.NOT_APPLICABLE:
        return {"notes": _optional("Notes (optional)")}
    rationale = ""
    while not rationale:
        rationale = str(click.prompt("  Why does it not apply")).strip()
    out: dict[str, Any] = {"rationale": rationale}
    if question.addressable:
        click.echo(
            f"  {', '.join(question.addressable)} is addressable: record the "
            "164.306(d)(3) decision."
        )
        out["decision"] = click.prompt(
            "  Decision", type=click.Choice([d.value for d in AnswerDecision])
        )
        if out["decision"] == AnswerDecision.ALTERNATIVE.value:
            out["alternative_measure"] = str(click.prompt("  The alternative measure")).strip()
    return out


def _interview(
    ws: Workspace, views: list[SectionView], person: str | None, today: date, revisit: bool
) -> tuple[int, bool]:
    """Ask, saving each answer at once; (answers saved, whether the person stopped early)."""
    tally: list[str] = []  # ids of the questions answered in this session
    try:
        for view in views:
            _section(ws, view, person, today, revisit, tally)
    except (_Stop, click.Abort):  # q, Ctrl-C or end of input: what was saved stays saved
        return len(tally), True
    return len(tally), False


class _Stop(Exception):
    """The person asked to stop."""


def _section(
    ws: Workspace,
    view: SectionView,
    person: str | None,
    today: date,
    revisit: bool,
    tally: list[str],
) -> None:
    click.echo(f"\n== {view.section.title} ({view.answered} of {len(view.questions)} answered)")
    asked = view.questions if revisit else view.unanswered()
    for number, question in enumerate(asked, 1):
        click.echo(f"\n[{number}/{len(asked)}] {question.text}")
        click.echo(click.style(f"  {question.guidance}", dim=True))
        click.echo(f"  ({question.id}; {', '.join(question.cites)})")
        current = view.answers.get(question.id)
        if current is not None and current.answer is not None:
            click.echo(f"  Saved answer: {current.answer}")
        given = _ask_answer(question)
        if given == _QUIT:
            raise _Stop
        if given == _SKIP:
            continue
        meaning = question.implication(given)
        assert meaning is not None  # _ask_answer accepts only the question's answers
        record = answer_record(question, given, person, today, **_details(question, meaning, ws))
        # Saved now; the workspace loaded at the start knows nothing of this session's answers.
        exists = question.id in ws.answer_by_id or question.id in tally
        result = save_answer(ws, question, record, exists=exists)
        tally.append(question.id)
        where = ", ".join(_shown(path, ws.root) for path in result.files)
        click.echo(f"  saved{' to ' + where if where else ' (unchanged)'}")


def _shown(path: Path, root: Path) -> str:
    """A written file relative to the workspace."""
    for base in (root.absolute(), root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


@click.command("assess")
@workspace_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="ID",
    help="Ask this section only, answered questions included (repeatable).",
)
@click.option(
    "--all", "ask_all", is_flag=True, help="Ask every applicable question, answered ones included."
)
@click.option("--unanswered", is_flag=True, help="Ask only unanswered questions (with --section).")
@click.option("--person", metavar="ID", help="Who answers: a person id from sra.yaml `people`.")
@click.option(
    "--answers",
    "answers_file",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Save the answers in FILE (YAML or JSON) without asking.",
)
@click.option(
    "--apply-proposals",
    is_flag=True,
    help="Write draft risks for partial and no answers to register/assessment.yaml "
    "and not-applicable decisions to sra.yaml, never overwriting a record.",
)
@click.option("--list", "list_only", is_flag=True, help="List sections, questions and answers.")
@today_option
def assess_command(
    workspace: Path | None,
    sections: tuple[str, ...],
    ask_all: bool,
    unanswered: bool,
    person: str | None,
    answers_file: Path | None,
    apply_proposals: bool,
    list_only: bool,
    today: datetime | None,
) -> None:
    """Answer the safeguards questionnaire: every HIPAA standard, in plain words.

    Asks section by section and saves each answer as soon as it is given
    (in assessment/<section>.yaml, through the editing path), so stopping
    loses nothing: run it again to go on where you left off. Questions that
    do not bind the organization's entity_type (clearinghouse isolation,
    government arrangements, group health plans) and, unless the profile is
    nprm-2025, the NPRM's proposed items are skipped.

    A yes asks for evidence (a control id, or what, how, when and where); a
    partial or no proposes a draft risk; a not-applicable needs the reason,
    and on an addressable specification the 164.306(d)(3) decision.

    Example:

    \b
        sra assess --person alice
        sra assess --section contingency --person alice
        sra assess --answers answers.yaml --person alice
        sra assess --apply-proposals
    """
    ws = load_workspace(workspace)
    day = resolve_today(today)
    views = questionnaire(ws)
    if list_only:
        _list(views, ws)
        return
    if answers_file is not None:
        people = [p.id for p in ws.manifest.people if p.id] if ws.manifest is not None else []
        given = read_answer_file(
            answers_file,
            _person(ws, person, needed=False),
            day,
            controls=list(ws.control_by_id),
            people=people,
        )
        # One answer per question: the last one given wins.
        latest = {item.question.id: item for item in given}
        changes = [answer_change(ws, item.question, item.record) for item in latest.values()]
        result = apply_changes(ws.root, changes)
        click.echo(f"Saved {len(given)} answers ({len(result.files)} files written).")
        ws = load_workspace(ws.root)
    elif not apply_proposals:
        who = _person(ws, person, needed=True)
        chosen = _chosen(views, sections)
        revisit = (bool(sections) or ask_all) and not unanswered
        click.echo(str(progress(ws, views)))
        saved, stopped = _interview(ws, chosen, who, day, revisit)
        if stopped:
            click.echo("\nStopped; every answer given so far is saved. Run `sra assess` to go on.")
        ws = load_workspace(ws.root)
        click.echo(f"\n{saved} answers saved. {progress(ws)}")
    if apply_proposals:
        _apply(ws)


def _apply(ws: Workspace) -> None:
    chosen = proposals(ws)
    if not chosen:
        click.echo("Nothing to apply: every proposal is already in the workspace.")
        return
    apply_changes(ws.root, proposal_changes(ws, chosen))
    for proposal in chosen:
        click.echo(f"wrote {proposal.describe()}")
    click.echo(f"{len(chosen)} records written; review them, then `sra lint`.")
