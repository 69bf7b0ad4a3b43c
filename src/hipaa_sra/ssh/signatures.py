"""SSH signatures over sign-off payloads: `ssh-keygen -Y sign` and `ssh-keygen -Y verify`.

The mechanism git uses to sign commits: an armored SSHSIG signature in the namespace
`hipaa-sra` (so a signature made for anything else, a git commit included, never verifies
here), checked against an OpenSSH allowed-signers file that maps emails to public keys.
Every call passes an explicit argument list, never a shell, and has a timeout.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import SraError, WriteError

NAMESPACE = "hipaa-sra"
"""The `-n` namespace of every signature this tool makes or accepts."""
SIGN_TIMEOUT = 120.0
"""Seconds; long enough for a passphrase prompt or a hardware key's touch."""
VERIFY_TIMEOUT = 30.0

_FINGERPRINT = re.compile(r"\bkey (\S+)\s*$")


class SshUnavailable(SraError):
    """`ssh-keygen` is not installed, so SSH signatures can be neither made nor checked."""


@dataclass(frozen=True)
class SshVerdict:
    """What `ssh-keygen -Y verify` said about one signature."""

    valid: bool
    message: str
    """ssh-keygen's own words (its last line), for the user."""
    key: str | None = None
    """Fingerprint of the key that verified (`SHA256:...`)."""


def ssh_keygen() -> str:
    """Path of `ssh-keygen`, or `SshUnavailable` saying how to get it."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise SshUnavailable(
            "ssh-keygen not found on PATH; SSH-signed sign-offs need the OpenSSH client "
            "(e.g. `apt install openssh-client`)"
        )
    return found


def _run(args: list[str], stdin: bytes, timeout: float) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, input=stdin, capture_output=True, timeout=timeout, check=False)


def _last_line(result: subprocess.CompletedProcess[bytes]) -> str:
    text = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
    return text.splitlines()[-1] if text else f"exit status {result.returncode}"


def sign_payload(payload: bytes, key: Path, *, timeout: float = SIGN_TIMEOUT) -> str:
    """Sign `payload` with the SSH key at `key` (private, or public with the agent); armored."""
    if not key.is_file():
        raise WriteError(f"{key}: no such SSH key file")
    # A public key file makes ssh-keygen sign with the matching key in ssh-agent, as git does.
    args = [ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE]
    try:
        result = _run(args, payload, timeout)
    except subprocess.TimeoutExpired:
        raise WriteError(f"{key}: ssh-keygen did not sign within {timeout:.0f} s") from None
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        raise WriteError(f"{key}: ssh-keygen could not sign: {_last_line(result)}")
    return signature.strip() + "\n"


def verify_signature(
    payload: bytes,
    signature: str,
    allowed_signers: Path,
    identity: str,
    *,
    at: datetime | None = None,
    timeout: float = VERIFY_TIMEOUT,
) -> SshVerdict:
    """Check `signature` over `payload` for `identity` against an allowed-signers file.

    `at` is the moment the key must have been valid (the record's `signed_at`), as git
    passes the commit time: rotating a key out of the file with `valid-before` keeps the
    sign-offs it made before; deleting its line revokes them.
    """
    if not allowed_signers.is_file():
        return SshVerdict(
            False,
            f"the allowed-signers file {allowed_signers} does not exist "
            "(`signoff.allowed_signers` in sra.yaml)",
        )
    executable = ssh_keygen()
    with tempfile.TemporaryDirectory(prefix="sra-verify-") as tmp:
        sig_file = Path(tmp) / "signoff.sig"
        sig_file.write_text(signature.strip() + "\n", encoding="ascii", errors="replace")
        args = [
            executable,
            "-Y",
            "verify",
            "-f",
            str(allowed_signers),
            "-I",
            identity,
            "-n",
            NAMESPACE,
            "-s",
            str(sig_file),
        ]
        if at is not None:
            moment = at.astimezone(UTC) if at.tzinfo is not None else at
            args += ["-O", f"verify-time={moment.strftime('%Y%m%d%H%M%S')}Z"]
        try:
            result = _run(args, payload, timeout)
        except subprocess.TimeoutExpired:
            return SshVerdict(False, f"ssh-keygen did not answer within {timeout:.0f} s")
    if result.returncode != 0:
        said = _last_line(result)
        if said.startswith("Could not verify"):  # ssh-keygen's words when no listed key fits
            said += f" (no key listed for {identity} in {allowed_signers} made it)"
        return SshVerdict(False, f"ssh-keygen: {said}")
    said = result.stdout.decode("utf-8", "replace").strip()
    match = _FINGERPRINT.search(said)
    return SshVerdict(True, said, match.group(1) if match else None)
