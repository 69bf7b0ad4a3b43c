"""The Users page (administrators): invite, link to a person, deactivate, reset MFA, unlock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .. import accounts
from ..forms import InviteForm, LinkForm
from ..permissions import Permission, requires
from ..workspace import current_workspace


def _people(request: HttpRequest) -> list[tuple[str, str]]:
    manifest = current_workspace(request).manifest
    if manifest is None:
        return []
    return [(p.id, p.name or p.id) for p in manifest.people if p.id]


def _link_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("invite", args=[token]))


@requires(Permission.ADMIN)
def users_view(request: HttpRequest) -> HttpResponse:
    """Every account: linked person, administrator, active, MFA; and the invitation form."""
    people = _people(request)
    form = InviteForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, token = accounts.invite(
            request,
            username=data["username"],
            email=data.get("email") or "",
            person_id=data.get("person") or "",
            admin=bool(data.get("admin")),
        )
        return render(
            request, "web/invited.html", {"invited": user, "link": _link_url(request, token)}
        )
    rows = accounts.user_rows(dict(people))
    return render(
        request,
        "web/users.html",
        {
            "rows": rows,
            "form": form,
            "link_form": LinkForm(people=people),
            "me": request.user,
        },
    )


@requires(Permission.ADMIN)
@require_POST
def user_action_view(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    """One change to one account, from the buttons of the Users page."""
    user = get_object_or_404(User, pk=user_id)
    try:
        if action == "link":
            form = LinkForm(request.POST, people=_people(request))
            if not form.is_valid():
                messages.error(request, "Choose a person listed in sra.yaml.")
                return redirect("users")
            accounts.link_person(request, user, form.cleaned_data.get("person") or "")
            messages.success(
                request,
                f"{user.username}: linked to {form.cleaned_data.get('person') or 'nobody'}.",
            )
        elif action in ("deactivate", "activate"):
            accounts.set_active(request, user, action == "activate")
            messages.success(request, f"{user.username}: {action}d.")
        elif action in ("make-admin", "revoke-admin"):
            accounts.set_admin(request, user, action == "make-admin")
            messages.success(
                request,
                f"{user.username}: administrator "
                f"{'granted' if action == 'make-admin' else 'revoked'}.",
            )
        elif action == "reset-mfa":
            accounts.reset_user_mfa(request, user)
            messages.success(
                request,
                f"{user.username}: MFA reset; they enrol a new "
                "authenticator at their next sign-in.",
            )
        elif action == "unlock":
            cleared = accounts.unlock(request, user)
            messages.success(
                request, f"{user.username}: unlocked ({cleared} failed sign-ins cleared)."
            )
        elif action in ("reinvite", "password-reset"):
            token = (
                accounts.reinvite(request, user)
                if action == "reinvite"
                else accounts.password_reset_link(request, user)
            )
            return render(
                request, "web/invited.html", {"invited": user, "link": _link_url(request, token)}
            )
        else:
            messages.error(request, f"Unknown action {action!r}.")
    except accounts.AccountError as exc:
        messages.error(request, str(exc))
    return redirect("users")


urlpatterns = [
    path("users/", users_view, name="users"),
    path("users/<int:user_id>/<slug:action>/", user_action_view, name="users-action"),
]
