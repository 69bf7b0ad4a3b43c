"""Atomic writes keep the permissions a user expects."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
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


_MAKER_BESIDE_WRITER = """
import os, sys, tempfile, threading
from pathlib import Path
from hipaa_sra.writing.atomic import mode_for

os.umask(0o022)
sys.setswitchinterval(1e-6)  # a thread switch between any two steps, as often as it can
root = Path(tempfile.mkdtemp())
done = False


def ask_for_new_files() -> None:  # what every write of a new file asks first
    while not done:
        mode_for(root / "not-yet-written.yaml")


writer = threading.Thread(target=ask_for_new_files)
writer.start()
open_to_others = 0
for n in range(5000):
    made = root / f"other-{n}"
    made.touch()
    open_to_others += bool(made.stat().st_mode & 0o022)
    made.unlink()
done = True
writer.join()
print(open_to_others)
"""


def test_writing_a_new_file_never_widens_what_other_threads_create() -> None:
    # The web app writes in several threads, and the git processes they start inherit the
    # umask. Reading it by setting it (to 0) opened, for that moment, every file another
    # thread made to the group and to everyone: 994 of 20,000 in a trial.
    done = subprocess.run(
        [sys.executable, "-c", _MAKER_BESIDE_WRITER], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "0"
