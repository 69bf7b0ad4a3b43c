"""The app's state directory `.sra_web/`: kept out of git, holding the secret key (0600)."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
from pathlib import Path

from ..errors import SraError
from .config import DATA_DIR

SECRET_KEY_FILE = "secret_key"


class StateError(SraError):
    """The state directory cannot be used safely (it would be committed, or is unreadable)."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run git in `root`; None when git is missing or `root` is not in a work tree."""
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def check_not_tracked(root: Path) -> None:
    """Refuse a workspace in git where `.sra_web/` is tracked or would not be ignored."""
    tracked = _git(root, "ls-files", "--", DATA_DIR)
    if tracked is None:
        return  # not in git: nothing could commit it
    if tracked.stdout.strip():
        raise StateError(
            f"{root / DATA_DIR}: is tracked by git (it holds the secret key and "
            f"the user database); run `git rm -r --cached {root / DATA_DIR}`, add "
            f"`{DATA_DIR}/` to {root / '.gitignore'} and commit"
        )
    probe = f"{DATA_DIR}/{SECRET_KEY_FILE}"
    ignored = _git(root, "check-ignore", "-q", "--no-index", probe)
    if ignored is not None and ignored.returncode != 0:
        raise StateError(
            f"{root / '.gitignore'}: does not ignore {DATA_DIR}/, where the web "
            "app keeps its secret key and user database; add the line "
            f"`{DATA_DIR}/` to it (sra init writes it for new workspaces)"
        )


def ensure_state_dir(directory: Path) -> Path:
    """Create the state directory (mode 0700) if missing; return it."""
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StateError(
            f"{directory}: cannot create the web app's state directory: {exc.strerror or exc}"
        ) from None
    return directory


def load_or_create_secret_key(directory: Path) -> str:
    """The secret key in `directory/secret_key`, generated (mode 0600) on first use."""
    path = directory / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as exc:
        raise StateError(f"{path}: cannot create the secret key: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(64) + "\n")
    return _read_key(path)


def _read_key(path: Path) -> str:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise StateError(
                f"{path}: mode {mode:04o} lets other users read the secret key; "
                f"run `chmod 600 {path}`"
            )
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read the secret key: {exc}") from None
    if len(key) < 50:
        raise StateError(
            f"{path}: the secret key is too short ({len(key)} characters, at "
            "least 50 expected); delete the file to generate a new one (signs "
            "everyone out)"
        )
    return key
