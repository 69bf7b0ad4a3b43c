"""Edit a risk, add one, accept one: forms over `hipaa_sra.editing`, one commit per save."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from ...editing import Add, Append, Ref, Replace, record_state
from ...model import Level, ThreatSource
from ..edits import (
    FieldSpec,
    author,
    conflict_of,
    initial,
    make_form,
    merged,
    save,
    saved_message,
    show_problems,
    signed_in_person,
    workspace_root,
)
from ..permissions import Permission, requires
from ..workspace import current_workspace, today

FIVE = tuple(level.value for level in Level)
THREE = FIVE[1:4]


def risk_fields(levels: tuple[str, ...], *, new: bool = False) -> list[FieldSpec]:
    """The fields of the risk form (the id only when adding)."""
    level = {"shape": "choice", "choices": levels}
    specs = [
        FieldSpec("asset", ("asset",), "Asset id", help="The asset at risk (inventory id)."),
        FieldSpec("ephi_present", ("ephi_present",), "ePHI present", "yesno"),
        FieldSpec("threat", ("threat",), "Threat", "long"),
        FieldSpec("vuln", ("vuln",), "Vulnerability", "long"),
        FieldSpec("likelihood", ("likelihood",), "Likelihood", **level),  # type: ignore[arg-type]
        FieldSpec("impact", ("impact",), "Impact", **level),  # type: ignore[arg-type]
        FieldSpec("inherent_risk", ("inherent_risk",), "Inherent risk", **level),  # type: ignore[arg-type]
        FieldSpec(
            "current_controls",
            ("current_controls",),
            "Current controls",
            "lines",
            help="One a line: a control id, or how, when and where it was verified.",
        ),
        FieldSpec("residual_risk", ("residual_risk",), "Residual risk", **level),  # type: ignore[arg-type]
        FieldSpec(
            "hipaa", ("hipaa",), "HIPAA citations", "lines", help="One a line, e.g. 164.312(a)(1)."
        ),
        FieldSpec(
            "threat_source",
            ("threat_source",),
            "Threat source",
            "choice",
            tuple(source.value for source in ThreatSource),
        ),
        FieldSpec("last_reviewed", ("last_reviewed",), "Last reviewed", "date"),
    ]
    if new:
        specs.insert(0, FieldSpec("id", ("id",), "Risk id", help="Unique, e.g. RR-2026-100."))
    return specs


def _levels(request: HttpRequest) -> tuple[str, ...]:
    manifest = current_workspace(request).manifest
    return FIVE if manifest is not None and manifest.methodology.levels == 5 else THREE


def risk_page(risk_id: str) -> str:
    """The risk's page, or the register when that page is not served."""
    for name, args in (("register-risk", [risk_id]), ("register", []), ("dashboard", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    commit = author(request)
    who = f"{commit.name} <{commit.email}>" if commit.name else ""
    return {"author": who, **extra}


@requires(Permission.EDIT)
def edit_risk_view(request: HttpRequest, risk_id: str) -> HttpResponse:
    """Change a risk's fields; the record's other keys and the file's other bytes stay."""
    ref = Ref("risks", risk_id)
    state = record_state(workspace_root(), ref)
    if state is None:
        raise Http404(f"no risk {risk_id}")
    specs = risk_fields(_levels(request))
    form = make_form(
        specs, request.POST or None, {**initial(specs, state.data), "digest": state.digest}
    )
    context = _context(
        request, heading=f"Edit risk {risk_id}", where=state.file, cancel=risk_page(risk_id)
    )
    if request.method == "POST" and form.is_valid():
        typed = {name: str(value) for name, value in form.cleaned_data.items()}
        record = merged(specs, state.data, typed)
        if not show_problems(form, specs, "risks", record):
            outcome = save(
                request,
                [Replace(ref, record)],
                action="risk.edit",
                object=f"risk:{risk_id}",
                expected={ref: typed.get("digest") or state.digest},
            )
            if outcome.result is not None:
                messages.success(request, saved_message(outcome.result))
                return HttpResponseRedirect(risk_page(risk_id))
            if outcome.conflict is not None:
                conflict = conflict_of(outcome.conflict, specs, typed)
                form = make_form(specs, {**request.POST.dict(), "digest": conflict.digest or ""})
                form.is_valid()
                context["conflict"] = conflict
            context["problems"] = outcome.problems
    context["form"] = form
    return render(
        request, "web/edit_record.html", context, status=409 if context.get("conflict") else 200
    )


@requires(Permission.EDIT)
def add_risk_view(request: HttpRequest) -> HttpResponse:
    """Add a risk to the register (`register/register.yaml`, created when absent)."""
    specs = risk_fields(_levels(request), new=True)
    form = make_form(specs, request.POST or None)
    context = _context(
        request,
        heading="Add a risk",
        where="register/register.yaml",
        cancel=risk_page(""),
        submit="Add",
    )
    if request.method == "POST" and form.is_valid():
        typed = {name: str(value) for name, value in form.cleaned_data.items()}
        record = merged(specs, {}, typed)
        if not show_problems(form, specs, "risks", record):
            risk_id = str(record.get("id", ""))
            outcome = save(
                request, [Add("risks", record)], action="risk.add", object=f"risk:{risk_id}"
            )
            if outcome.result is not None:
                messages.success(request, saved_message(outcome.result))
                return HttpResponseRedirect(risk_page(risk_id))
            context["problems"] = outcome.problems
    context["form"] = form
    return render(request, "web/edit_record.html", context)


ACCEPT_FIELDS = [
    FieldSpec(
        "control",
        ("control",),
        "Decision",
        help="What is accepted, e.g. “Accept the residual risk until the 2027 review”.",
    ),
    FieldSpec(
        "rationale",
        ("rationale",),
        "Rationale",
        "long",
        help="Why the risk is accepted as it stands; auditors read this.",
    ),
    FieldSpec("due", ("due",), "Review the acceptance by", "date"),
]


@requires(Permission.APPROVE)
def accept_risk_view(request: HttpRequest, risk_id: str) -> HttpResponse:
    """Accept a risk: a remediation item `accepted`, approved by the signed-in person."""
    ref = Ref("risks", risk_id)
    state = record_state(workspace_root(), ref)
    person = signed_in_person(request)
    if state is None:
        raise Http404(f"no risk {risk_id}")
    form = make_form(
        ACCEPT_FIELDS,
        request.POST or None,
        {"digest": state.digest, "control": "Accept the risk at its current level"},
    )
    context = _context(
        request,
        heading=f"Accept risk {risk_id}",
        where=state.file,
        cancel=risk_page(risk_id),
        submit="Accept the risk",
        intro=f"You approve this acceptance as {person.name if person else ''} "
        f"({person.id if person else ''}); your name is recorded as `approved_by`.",
        shown_caption="The risk",
        shown=[(key, str(state.data.get(key, ""))) for key in ("threat", "vuln", "residual_risk")],
    )
    if request.method == "POST" and form.is_valid() and person is not None:
        typed = {name: str(value) for name, value in form.cleaned_data.items()}
        item = merged(ACCEPT_FIELDS, {}, typed) | {
            "owner": person.id,
            "status": "accepted",
            "approved_by": person.id,
        }
        if not typed.get("rationale", "").strip():
            form.add_error("rationale", "An acceptance needs its rationale.")
        else:
            index = len(state.data.get("remediation") or [])
            record = dict(state.data) | {
                "remediation": [*(state.data.get("remediation") or []), item]
            }
            if not _problems_on_item(form, record, index):
                outcome = save(
                    request,
                    [Append(ref, ("remediation",), item)],
                    action="risk.accept",
                    object=f"risk:{risk_id}",
                    expected={ref: typed.get("digest") or state.digest},
                    detail={
                        "rationale": item.get("rationale"),
                        "as_of": today(request).isoformat(),
                    },
                )
                if outcome.result is not None:
                    messages.success(request, saved_message(outcome.result))
                    return HttpResponseRedirect(risk_page(risk_id))
                if outcome.conflict is not None:
                    # The risk changed: show it again; saving now is a decision on the new one.
                    conflict = conflict_of(outcome.conflict, [], typed)
                    context["conflict"] = conflict
                    form = make_form(
                        ACCEPT_FIELDS, {**request.POST.dict(), "digest": conflict.digest or ""}
                    )
                    form.is_valid()
                context["problems"] = outcome.problems
    context["form"] = form
    return render(
        request, "web/edit_record.html", context, status=409 if context.get("conflict") else 200
    )


def _problems_on_item(form: Any, record: dict[str, Any], index: int) -> bool:
    from ...editing import field_problems

    by_key = {spec.path[0]: spec.name for spec in ACCEPT_FIELDS}
    found = [p for p in field_problems("risks", record) if p.path[:2] == ("remediation", index)]
    for problem in found:
        key = str(problem.path[2]) if len(problem.path) > 2 else ""
        form.add_error(by_key.get(key), problem.message)
    return bool(found)


urlpatterns = [
    path("register/new/", add_risk_view, name="register-add"),
    path("register/edit/<path:risk_id>", edit_risk_view, name="register-edit"),
    path("register/accept/<path:risk_id>", accept_risk_view, name="register-accept"),
]
