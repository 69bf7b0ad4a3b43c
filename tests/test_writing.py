"""Atomic writes keep the permissions a user expects."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hipaa_sra.writing import file_digest, replace_file, write_new


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_not_a_private_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_new(tmp_path / "new.yaml", b"- id: a\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.yaml") == 0o644


def test_a_replaced_file_keeps_its_own_mode(tmp_path: Path) -> None:
    path = tmp_path / "risks.yaml"
    path.write_bytes(b"- id: a\n")
    path.chmod(0o640)
    replace_file(path, b"- id: b\n", file_digest(path))
    assert path.read_bytes() == b"- id: b\n" and mode(path) == 0o640
