"""The safeguards questionnaire as forms: one section per page, each answer saved as it is given.

Everything the questionnaire knows (which questions apply, what an answer needs, how it is
written) is in `hipaa_sra.assessment`; these views only turn a question into a form and a
posted form into `assessment.answer_change`, saved like every web edit (through the editing
path, committed as the signed-in person, audited).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from ...assessment import SectionView, answer_change, answer_record, progress, questionnaire
from ...catalog.questions import Question
from ...editing import Ref, field_problems, record_state
from ...model import Answer, AnswerDecision, Workspace
from ..edits import save, saved_message, signed_in_person, workspace_root
from ..permissions import Permission, requires
from ..workspace import current_workspace, today

_TEXT = (
    "notes",
    "rationale",
    "alternative_measure",
    "control",
    "what",
    "how_verified",
    "evidence_date",
    "location",
)
_EVIDENCE = {
    "control": "control",
    "what": "what",
    "how_verified": "how_verified",
    "evidence_date": "date",
    "location": "location",
}


def answer_form(
    question: Question, answer: Answer | None, data: dict[str, Any] | None = None
) -> forms.Form:
    """The form of one question, filled with the saved answer."""
    initial: dict[str, str] = {"question": question.id}
    if answer is not None:
        initial.update(
            {
                "answer": answer.answer or "",
                "notes": answer.notes or "",
                "rationale": answer.rationale or "",
                "decision": answer.decision.value if answer.decision else "",
                "alternative_measure": answer.alternative_measure or "",
            }
        )
        if answer.evidence:
            item = answer.evidence[0]
            initial.update(
                {
                    "control": item.control or "",
                    "what": item.what or "",
                    "how_verified": item.how_verified or "",
                    "evidence_date": item.date.isoformat() if item.date else "",
                    "location": item.location or "",
                }
            )
    form = forms.Form(data=data, initial=initial, prefix=None)
    form.fields["question"] = forms.CharField(widget=forms.HiddenInput)
    form.fields["answer"] = forms.ChoiceField(
        label="Answer", choices=[("", "—"), *((a, a) for a in question.answers)]
    )
    labels = {
        "notes": "Notes",
        "control": "Evidence: control id",
        "what": "Evidence: what shows it",
        "how_verified": "How it was verified",
        "evidence_date": "When (YYYY-MM-DD)",
        "location": "Where it is kept",
        "rationale": "Why it does not apply (not applicable)",
        "alternative_measure": "Alternative measure",
    }
    for name in _TEXT:
        widget = forms.Textarea(attrs={"rows": 2}) if name in ("notes", "rationale") else None
        form.fields[name] = forms.CharField(label=labels[name], required=False, widget=widget)
    if question.addressable:
        form.fields["decision"] = forms.ChoiceField(
            label="164.306(d)(3) decision (not applicable on an addressable specification)",
            required=False,
            choices=[("", "—"), *((d.value, d.value) for d in AnswerDecision)],
        )
    for name, field in form.fields.items():
        field.widget.attrs.setdefault("id", f"id_{question.id}_{name}")
    return form


def _record(
    question: Question, values: dict[str, Any], person: str | None, request: HttpRequest
) -> dict[str, Any]:
    evidence = {key: (values.get(name) or "").strip() for name, key in _EVIDENCE.items()}
    return answer_record(
        question,
        values["answer"],
        person,
        today(request),
        notes=(values.get("notes") or "").strip() or None,
        evidence=[evidence],
        rationale=(values.get("rationale") or "").strip() or None,
        decision=values.get("decision") or None,
        alternative_measure=(values.get("alternative_measure") or "").strip() or None,
    )


def _view(request: HttpRequest, section: str) -> SectionView:
    for view in questionnaire(current_workspace(request).workspace):
        if view.section.id == section:
            return view
    raise Http404(f"no questionnaire section {section} applies to this workspace")


@requires(Permission.READ)
def assess_view(request: HttpRequest) -> HttpResponse:
    """Every section that applies, with its progress and the questionnaire's."""
    ws = current_workspace(request).workspace
    views = questionnaire(ws)
    return render(request, "web/assess.html", {"views": views, "progress": progress(ws, views)})


@requires(Permission.EDIT)
def section_view(request: HttpRequest, section: str) -> HttpResponse:
    """One section's questions as forms; a posted form saves that one answer now."""
    view = _view(request, section)
    ws = current_workspace(request).workspace
    posted: forms.Form | None = None
    if request.method == "POST":
        question = next((q for q in view.questions if q.id == request.POST.get("question")), None)
        if question is None:
            raise Http404("no such question in this section")
        posted = answer_form(question, view.answers.get(question.id), request.POST.dict())
        if posted.is_valid() and _save(request, question, posted, ws):
            return HttpResponseRedirect(
                reverse("assess-section", args=[section]) + f"#{question.id}"
            )
    items = []
    for question in view.questions:
        current = view.answers.get(question.id)
        form = (
            posted
            if posted is not None and posted.data.get("question") == question.id
            else answer_form(question, current)
        )
        items.append({"question": question, "answer": current, "form": form})
    done = progress(ws)
    return render(
        request,
        "web/assess_section.html",
        {
            "view": view,
            "items": items,
            "progress": done,
            "section_done": view.answered,
            "section_total": len(view.questions),
        },
    )


def _save(request: HttpRequest, question: Question, form: forms.Form, ws: Workspace) -> bool:
    person = signed_in_person(request)
    record = _record(question, form.cleaned_data, person.id if person else None, request)
    problems = field_problems("answers", record)
    for problem in problems:
        form.add_error(None, problem.message)
    if problems:
        return False
    ref = Ref("answers", question.id)
    state = record_state(workspace_root(), ref) if question.id in ws.answer_by_id else None
    outcome = save(
        request,
        [answer_change(ws, question, record)],
        action="answer",
        object=f"answers:{question.id}",
        expected={ref: state.digest} if state is not None else None,
        detail={"answer": record["answer"]},
    )
    if outcome.result is not None:
        messages.success(request, saved_message(outcome.result))
        return True
    why = str(outcome.conflict) if outcome.conflict is not None else "; ".join(outcome.problems)
    form.add_error(None, f"Not saved: {why}")
    return False


urlpatterns = [
    path("assess/", assess_view, name="assess"),
    path("assess/<str:section>/", section_view, name="assess-section"),
]
