"""Forms of the sign-in, enrolment and account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User


class CodeForm(forms.Form):
    """A six-digit authenticator code or a backup code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
    )


class EnrolForm(forms.Form):
    """The first code from the newly added authenticator, proving it was set up."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NewAccountForm(forms.Form):
    """User name, email and a strong password for a new account."""

    username = forms.CharField(
        label="User name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label="Email", required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = user
        if user is not None:
            # An invitation names the account already: only the password is chosen.
            del self.fields["username"]
            del self.fields["email"]

    def clean_username(self) -> str:
        """A user name not taken (case-insensitive)."""
        name: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("This user name is taken.")
        return name

    def clean(self) -> dict[str, Any]:
        """Both passwords equal and strong enough for the validators."""
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            probe = self.existing or User(
                username=data.get("username", ""), email=data.get("email", "")
            )
            try:
                password_validation.validate_password(one, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ReauthForm(forms.Form):
    """Password and code again, for a step that must prove who is at the keyboard."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def person_choices(people: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Choices of a person field: not linked, then each person as `name (id)`."""
    return [("", "not linked (read only)"), *[(pid, f"{name} ({pid})") for pid, name in people]]


class InviteForm(forms.Form):
    """Who to invite: account name, email, the person they are, administrator or not."""

    username = forms.CharField(label="User name", max_length=150)
    email = forms.EmailField(label="Email", required=False)
    person = forms.ChoiceField(
        label="Person in sra.yaml",
        required=False,
        help_text="Permissions follow this person's roles.",
    )
    admin = forms.BooleanField(label="Administrator (users and audit trail)", required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(people)  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        """A valid user name not taken (case-insensitive)."""
        name: str = self.cleaned_data["username"]
        User.username_validator(name)
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("This user name is taken.")
        return name


class LinkForm(forms.Form):
    """The person an account is linked to."""

    person = forms.ChoiceField(label="Person in sra.yaml", required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(people)  # type: ignore[attr-defined]
