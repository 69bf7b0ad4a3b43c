"""Waive a finding: reason, expiry, approved by the signed-in person, where `sra lint` reads it.

A finding about a record is waived on that record (`waivers:` in its file), one about the
workspace as a whole (or a HIPAA specification) in sra.yaml, exactly where the lint engine
(`rules.waivers`) looks for the waiver that silences it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from ...editing import MANIFEST, Append, Ref, field_problems, record_state
from ...findings import Finding
from ...model import Workspace
from ...rules.registry import find_rule
from ...rules.waivers import WAIVER_RULE_CODES, on_required_spec
from ..edits import (
    FieldSpec,
    author,
    conflict_of,
    make_form,
    save,
    saved_message,
    signed_in_person,
    workspace_root,
)
from ..permissions import Permission, requires
from ..workspace import current_workspace, today

WAIVER_FIELDS = [
    FieldSpec(
        "reason",
        ("reason",),
        "Reason",
        "long",
        help="Why the finding does not apply, or why it is accepted for now.",
    ),
    FieldSpec(
        "until",
        ("until",),
        "Expires on",
        "date",
        help="The finding is reported again after this date.",
    ),
]


def waiver_target(ws: Workspace, object_id: str | None) -> Ref:
    """Where a waiver of a finding about `object_id` goes: its record, else sra.yaml."""
    if object_id:
        for kind, index in (
            ("assets", ws.asset_by_id),
            ("flows", ws.flow_by_id),
            ("vendors", ws.vendor_by_id),
            ("controls", ws.control_by_id),
            ("risks", ws.risk_by_id),
            ("answers", ws.answer_by_id),
            ("policies", ws.policy_by_id),
        ):
            if object_id in index:
                return Ref(kind, object_id)
        training = next((t for t in ws.training if t.id == object_id), None)
        if training is not None:
            return Ref("training", object_id)
    return MANIFEST


def _findings_page() -> str:
    for name in ("findings", "dashboard"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def _refusal(code: str, object_id: str | None) -> str | None:
    if code in WAIVER_RULE_CODES:
        return "This rule checks waivers themselves; no waiver can silence it. Fix the waiver."
    if on_required_spec(find_rule(code), object_id):
        return (
            "This is a required HIPAA implementation specification; HIPAA leaves no "
            "choice on it (45 CFR 164.306(d)(2)), so no waiver can silence it."
        )
    return None


def _until_problem(text: str, as_of: date) -> str | None:
    try:
        until = date.fromisoformat(text.strip())
    except ValueError:
        return None  # the model's check words a malformed date
    if until <= as_of:
        return f"A waiver must end after today ({as_of.isoformat()})."
    return None


@requires(Permission.APPROVE)
def waive_view(request: HttpRequest, code: str) -> HttpResponse:
    """The form that waives the findings of one rule on one record (or the workspace)."""
    rule = find_rule(code)
    if rule is None:
        raise Http404(f"no rule {code}")
    object_id = (request.POST.get("object") or request.GET.get("object") or "").strip() or None
    version = current_workspace(request)
    as_of = today(request)
    findings: list[Finding] = [
        f for f in version.lint(as_of).findings if f.code == rule.code and f.object_id == object_id
    ]
    if not findings:
        raise Http404("no open finding of that rule on that record")
    target = waiver_target(version.workspace, object_id)
    state = record_state(workspace_root(), target)
    if state is None:
        raise Http404("the record is gone")
    person = signed_in_person(request)
    form = make_form(WAIVER_FIELDS, request.POST or None, {"digest": state.digest})
    where = "sra.yaml" if target == MANIFEST else state.file
    context: dict[str, Any] = {
        "heading": f"Waive {rule.code} {rule.name}" + (f" on {object_id}" if object_id else ""),
        "where": where,
        "cancel": _findings_page(),
        "submit": "Waive",
        "author": (lambda c: f"{c.name} <{c.email}>" if c.name else "")(author(request)),
        "intro": f"You approve this waiver as {person.name if person else ''} "
        f"({person.id if person else ''}); it is recorded as `approved_by`.",
        "shown_caption": "The findings it silences",
        "shown": [(str(f.location), f.message) for f in findings],
        "hidden_object": object_id or "",
    }
    refusal = _refusal(rule.code, object_id)
    if refusal is not None:
        context["problems"] = (refusal,)
    elif request.method == "POST" and form.is_valid() and person is not None:
        typed = {name: str(value).strip() for name, value in form.cleaned_data.items()}
        waiver = {
            "rule": rule.code,
            "reason": typed.get("reason") or None,
            "approved_by": person.id,
            "until": typed.get("until") or None,
        }
        if not waiver["reason"]:
            form.add_error("reason", "A waiver needs its reason.")
        if not waiver["until"]:
            form.add_error("until", "A waiver needs an expiry date.")
        elif (late := _until_problem(typed["until"], as_of)) is not None:
            form.add_error("until", late)
        if not form.errors and not _waiver_problems(form, target, state.data, waiver):
            outcome = save(
                request,
                [Append(target, ("waivers",), waiver)],
                action="waiver",
                object=f"{target.kind}:{object_id or 'sra.yaml'}",
                expected={target: typed.get("digest") or state.digest},
                detail={"rule": rule.code, "until": waiver["until"], "reason": waiver["reason"]},
            )
            if outcome.result is not None:
                messages.success(request, saved_message(outcome.result))
                return HttpResponseRedirect(_findings_page())
            if outcome.conflict is not None:
                context["conflict"] = conflict_of(outcome.conflict, [], typed)
                form = make_form(
                    WAIVER_FIELDS,
                    {**request.POST.dict(), "digest": context["conflict"].digest or ""},
                )
                form.is_valid()
            context["problems"] = outcome.problems
    context["form"] = form
    return render(request, "web/edit_record.html", context)


def _waiver_problems(form: Any, target: Ref, data: Any, waiver: dict[str, Any]) -> bool:
    if target == MANIFEST or not isinstance(data, dict):
        return False  # sra.yaml is checked whole by the save
    index = len(data.get("waivers") or [])
    record = {**data, "waivers": [*(data.get("waivers") or []), waiver]}
    found = [p for p in field_problems(target.kind, record) if p.path[:2] == ("waivers", index)]
    for problem in found:
        key = str(problem.path[2]) if len(problem.path) > 2 else ""
        form.add_error(key if key in ("reason", "until") else None, problem.message)
    return bool(found)


urlpatterns = [
    path("findings/waive/<str:code>/", waive_view, name="findings-waive"),
]
