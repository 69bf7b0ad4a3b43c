"""Vendors' BAA dates and document, controls' evidence files, and serving those files back.

Uploaded documents are checked and named by `editing.prepare_attachment` (type by content,
size cap, generated name) and written with the YAML that records them, in one commit.
They are served back only as downloads, by a name that matches the generated pattern.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from ...editing import (
    ATTACHMENT_FOLDER,
    MAX_ATTACHMENT_BYTES,
    Append,
    Attachment,
    EditError,
    Ref,
    Replace,
    prepare_attachment,
    record_state,
)
from ...model import BaaStatus
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
    workspace_root,
)
from ..permissions import Permission, requires
from ..workspace import today

STORED_NAME = re.compile(r"\A\d{4}-\d{2}-\d{2}-[a-z0-9-]{1,40}-[0-9a-f]{16}\.[a-z]{3,4}\Z")
"""The names `prepare_attachment` makes; nothing else is ever served."""

BAA_FIELDS = [
    FieldSpec(
        "baa_status",
        ("baa", "status"),
        "BAA status",
        "choice",
        tuple(status.value for status in BaaStatus),
    ),
    FieldSpec(
        "baa_executed",
        ("baa", "executed"),
        "Executed on",
        "date",
        help="The date both parties signed.",
    ),
    FieldSpec(
        "baa_expires",
        ("baa", "expires"),
        "Expires on",
        "date",
        help="Leave empty when the agreement does not end.",
    ),
]

EVIDENCE_FIELDS = [
    FieldSpec(
        "what",
        ("what",),
        "What it shows",
        "long",
        help="E.g. “Quarterly access review of the warehouse, signed by the owner”.",
    ),
    FieldSpec(
        "how_verified", ("how_verified",), "How it was verified", help="Scan, review, test, ..."
    ),
    FieldSpec("date", ("date",), "Verified on", "date"),
]

FILE_HELP = (
    f"PDF, PNG, JPEG, text, CSV, DOCX, XLSX or ODT, at most "
    f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB. The type is read from the "
    "content; the file is stored under a generated name."
)


def _page(name: str, record_id: str) -> str:
    detail = {"vendors": "vendors-vendor", "controls": "controls-control"}[name]
    for target, args in ((detail, [record_id]), (name, []), ("dashboard", [])):
        try:
            return reverse(target, args=args)
        except NoReverseMatch:
            continue
    return "/"


def _file_field(form: forms.Form, required: bool) -> None:
    form.fields["document"] = forms.FileField(
        label="Document",
        required=required,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"aria-describedby": "id_document-help"}),
    )


def _attachment(
    form: forms.Form, upload: UploadedFile[bytes] | None, label: str, request: HttpRequest
) -> Attachment | None:
    """The checked upload, or None with the reason beside the field."""
    if upload is None:
        return None
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:  # refused before it is read into memory
        form.add_error(
            "document",
            f"the file is {upload.size:,} bytes; documents of at most "
            f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB are accepted",
        )
        return None
    try:
        return prepare_attachment(upload.read(), label, today(request))
    except EditError as exc:
        form.add_error("document", exc.summary)
        return None


UPLOAD_OVERHEAD = 64 * 1024
"""Room in a request for the form's other fields and the multipart framing."""


def _oversized(request: HttpRequest) -> str | None:
    """Why a POST is refused unread: its body is larger than any accepted document."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if request.method != "POST" or length <= MAX_ATTACHMENT_BYTES + UPLOAD_OVERHEAD:
        return None
    return (
        f"the upload is {length:,} bytes; documents of at most "
        f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB are accepted, so it was not read"
    )


def _refuse_oversized(
    request: HttpRequest, problem: str, context: dict[str, Any], form: forms.Form
) -> HttpResponse:
    """The form again, empty, saying why; the body is never parsed or stored."""
    return render(
        request,
        "web/edit_record.html",
        {**context, "form": form, "problems": (problem,)},
        status=413,
    )


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    commit = author(request)
    return {
        "author": f"{commit.name} <{commit.email}>" if commit.name else "",
        "multipart": True,
        **extra,
    }


@requires(Permission.EDIT)
def vendor_baa_view(request: HttpRequest, vendor_id: str) -> HttpResponse:
    """Edit a vendor's BAA status and dates; optionally upload the signed document."""
    ref = Ref("vendors", vendor_id)
    state = record_state(workspace_root(), ref)
    if state is None:
        raise Http404(f"no vendor {vendor_id}")
    too_big = _oversized(request)
    if too_big is not None:
        form = make_form(
            BAA_FIELDS, None, {**initial(BAA_FIELDS, state.data), "digest": state.digest}
        )
        _file_field(form, required=False)
        return _refuse_oversized(
            request,
            too_big,
            _context(
                request,
                heading=f"BAA of {vendor_id}",
                where=state.file,
                cancel=_page("vendors", vendor_id),
            ),
            form,
        )
    form = make_form(
        BAA_FIELDS,
        request.POST or None,
        {**initial(BAA_FIELDS, state.data), "digest": state.digest},
    )
    if request.method == "POST":
        form.files = request.FILES
    _file_field(form, required=False)
    baa = state.data.get("baa") if isinstance(state.data, dict) else None
    document = baa.get("document") if isinstance(baa, dict) else None
    context = _context(
        request,
        heading=f"BAA of {vendor_id}",
        where=state.file,
        cancel=_page("vendors", vendor_id),
        shown_caption="The signed copy on file",
        shown=[("Document", str(document or "none"))],
    )
    if request.method == "POST" and form.is_valid():
        typed = {k: str(v) for k, v in form.cleaned_data.items() if k != "document"}
        upload = _attachment(form, form.cleaned_data.get("document"), f"baa-{vendor_id}", request)
        record = merged(BAA_FIELDS, state.data, typed)
        if upload is not None:
            record["baa"] = {
                **record.get("baa", {}),
                "document": upload.path,
                "sha256": upload.sha256,
            }
        if not form.errors and not show_problems(form, BAA_FIELDS, "vendors", record):
            outcome = save(
                request,
                [Replace(ref, record)],
                action="vendor.baa",
                object=f"vendor:{vendor_id}",
                expected={ref: typed.get("digest") or state.digest},
                new_files={upload.path: upload.data} if upload else None,
                detail={"document": upload.path, "sha256": upload.sha256} if upload else None,
            )
            if outcome.result is not None:
                messages.success(request, saved_message(outcome.result))
                return HttpResponseRedirect(_page("vendors", vendor_id))
            if outcome.conflict is not None:
                context["conflict"] = conflict_of(outcome.conflict, BAA_FIELDS, typed)
                form = make_form(
                    BAA_FIELDS, {**request.POST.dict(), "digest": context["conflict"].digest or ""}
                )
                _file_field(form, required=False)
                form.is_valid()
            context["problems"] = outcome.problems
    context["form"] = form
    return render(
        request, "web/edit_record.html", context, status=409 if context.get("conflict") else 200
    )


@requires(Permission.EDIT)
def control_evidence_view(request: HttpRequest, control_id: str) -> HttpResponse:
    """Attach an evidence file to a control: stored, its sha256 and date in `evidence`."""
    ref = Ref("controls", control_id)
    state = record_state(workspace_root(), ref)
    if state is None:
        raise Http404(f"no control {control_id}")
    too_big = _oversized(request)
    if too_big is not None:
        form = make_form(
            EVIDENCE_FIELDS, None, {"date": today(request).isoformat(), "digest": state.digest}
        )
        _file_field(form, required=True)
        return _refuse_oversized(
            request,
            too_big,
            _context(
                request,
                heading=f"Attach evidence to {control_id}",
                where=state.file,
                cancel=_page("controls", control_id),
                submit="Attach",
            ),
            form,
        )
    form = make_form(
        EVIDENCE_FIELDS,
        request.POST or None,
        {"date": today(request).isoformat(), "digest": state.digest},
    )
    if request.method == "POST":
        form.files = request.FILES
    _file_field(form, required=True)
    context = _context(
        request,
        heading=f"Attach evidence to {control_id}",
        where=state.file,
        cancel=_page("controls", control_id),
        submit="Attach",
    )
    if request.method == "POST" and form.is_valid():
        typed = {k: str(v) for k, v in form.cleaned_data.items() if k != "document"}
        upload = _attachment(form, form.cleaned_data.get("document"), control_id, request)
        entry = merged(EVIDENCE_FIELDS, {}, typed) | {"source": "manual"}
        if upload is not None:
            entry |= {"location": upload.path, "sha256": upload.sha256}
            evidence = (
                list(state.data.get("evidence") or []) if isinstance(state.data, dict) else []
            )
            record = {**state.data, "evidence": [*evidence, entry]}
            if not _entry_problems(form, record, len(evidence)):
                outcome = save(
                    request,
                    [Append(ref, ("evidence",), entry)],
                    action="control.evidence",
                    object=f"control:{control_id}",
                    new_files={upload.path: upload.data},
                    detail={
                        "file": upload.path,
                        "sha256": upload.sha256,
                        "type": upload.content_type,
                        "bytes": upload.size,
                    },
                )
                if outcome.result is not None:
                    messages.success(request, saved_message(outcome.result))
                    return HttpResponseRedirect(_page("controls", control_id))
                context["problems"] = outcome.problems
    context["form"] = form
    return render(request, "web/edit_record.html", context)


def _entry_problems(form: forms.Form, record: dict[str, Any], index: int) -> bool:
    from ...editing import field_problems

    names = {spec.path[0]: spec.name for spec in EVIDENCE_FIELDS}
    found = [p for p in field_problems("controls", record) if p.path[:2] == ("evidence", index)]
    for problem in found:
        key = str(problem.path[2]) if len(problem.path) > 2 else ""
        form.add_error(names.get(key), problem.message)
    return bool(found)


@requires(Permission.READ)
def stored_file_view(request: HttpRequest, name: str) -> FileResponse:
    """A stored document, only as a download, only by a name the app generated."""
    if not STORED_NAME.match(name):
        raise Http404("no such document")
    folder = (workspace_root() / ATTACHMENT_FOLDER).resolve()
    target = (folder / name).resolve()
    if target.parent != folder or not target.is_file():
        raise Http404("no such document")
    response = FileResponse(
        target.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("vendors/baa/<path:vendor_id>", vendor_baa_view, name="vendors-baa"),
    path("controls/evidence/<path:control_id>", control_evidence_view, name="controls-evidence"),
    path("documents/<str:name>", stored_file_view, name="documents-file"),
]
