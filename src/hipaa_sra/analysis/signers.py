"""Who may sign for a role: the holders in sra.yaml `people`, and the person an SSH key is for.

One chain decides whether a sign-off is by someone entitled to it, and `sra signoff` and
`sra verify` both walk it. Without SSH signatures, the signer named in the record must be a
holder of the role (by email when the person has one, else by name). With signatures
(`signoff.allowed_signers`), the record's email must be the email of a holder, the key
must verify for that email, and the key must belong to that person alone: no other person
in `people` may be listed for the same key in the allowed-signers file, whether by their
address or by a pattern that matches it. A key that several people share cannot show which
of them signed, so an engineering owner's key never signs as the compliance officer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..model import Person, Workspace


def people(ws: Workspace) -> tuple[Person, ...]:
    """Everyone listed in sra.yaml `people` (none when sra.yaml did not load)."""
    return ws.manifest.people if ws.manifest is not None else ()


def role_holders(ws: Workspace, role: str) -> tuple[Person, ...]:
    """The people who hold `role`, in sra.yaml order."""
    return tuple(person for person in people(ws) if role in person.roles)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_person(person: Person, name: str, email: str) -> bool:
    """Whether a signer is `person`: by email when the person has one, else by name."""
    if person.email:
        return _norm(person.email) == _norm(email)
    # A name that did not validate is unknown, and matches no one.
    return person.name is not None and _norm(person.name) == _norm(name)


def display_name(person: Person) -> str:
    """The person's name, or their id when the name is unknown."""
    return person.name or person.id or "(a person without a valid name or id)"


def _listed(holders: Iterable[Person]) -> str:
    return ", ".join(
        f"{display_name(p)} <{p.email}>" if p.email else display_name(p) for p in holders
    )


def signer_problem(ws: Workspace, role: str, name: str, email: str, *, keyed: bool) -> str | None:
    """Why `name <email>` may not sign for `role` under sra.yaml `people`, or None if they may.

    `keyed`: sign-offs carry SSH signatures, which tie a key to an email, so the signer
    must be a holder by email. Without `people` and without signatures nothing can be
    checked, and the record counts as the claim it is.
    """
    if not people(ws):
        if not keyed:
            return None
        return (
            f"sra.yaml lists no `people`, so no SSH key can be tied to a holder of "
            f"`{role}`; list the role's holders with their emails"
        )
    holders = role_holders(ws, role)
    if not holders:
        return f"no one in sra.yaml `people` holds the role `{role}`"
    if keyed:
        if any(p.email and _norm(p.email) == _norm(email) for p in holders):
            return None
        unkeyed = [p for p in holders if not p.email and same_person(p, name, email)]
        if unkeyed:
            return (
                f"{display_name(unkeyed[0])} holds `{role}` but has no email in sra.yaml "
                "`people`, so no SSH key can be tied to them; add their email"
            )
    elif any(same_person(p, name, email) for p in holders):
        return None
    return (
        f"{name} <{email}> does not hold the role `{role}` in sra.yaml `people` "
        f"(holders: {_listed(holders)})"
    )


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    # OpenSSH patterns: `*` any run, `?` one character, nothing else is special.
    wild = {"*": ".*", "?": "."}
    regex = "".join(wild.get(char) or re.escape(char) for char in pattern)
    return re.compile(regex + r"\Z", re.IGNORECASE | re.DOTALL)


def matches_principals(principals: Iterable[str], email: str) -> bool:
    """Whether an allowed-signers principals list (patterns, `!` negates) covers `email`."""
    found = False
    for pattern in principals:
        negated = pattern.startswith("!")
        if _pattern(pattern[1:] if negated else pattern).match(email):
            if negated:
                return False
            found = True
    return found


def key_owner_problem(
    ws: Workspace, email: str, key: str | None, listings: Iterable[tuple[str, ...]]
) -> str | None:
    """Why the key that made a signature does not belong to the signer alone, or None.

    `listings` are the principals of every allowed-signers line that lists the key.
    """
    listings = tuple(listings)
    shown = f"key {key}" if key else "the signing key"
    if not listings:
        return (
            f"{shown} is not listed in the allowed-signers file under its own public key "
            "(sign-offs do not accept certificate authorities)"
        )
    others = [
        p
        for p in people(ws)
        if p.email
        and _norm(p.email) != _norm(email)
        and any(matches_principals(line, p.email) for line in listings)
    ]
    if others:
        return (
            f"{shown} is also listed in the allowed-signers file for {_listed(others)}; a "
            "key that several people share cannot show who signed: give each signer "
            "their own key"
        )
    return None
