"""The one path for changing a workspace: add, change or remove records and sra.yaml entries.

    from hipaa_sra.editing import MANIFEST, Append, Commit, Ref, Set, apply_changes

    apply_changes(root, [
        Set(Ref("risks", "RR-1"), ("likelihood",), "high"),
        Append(MANIFEST, ("waivers",), {"rule": "SRA101", "reason": "...", ...}),
    ], commit=Commit("Alice Doe", "alice@example.org"))

Every change is validated through the same models as the loader, written into the files
where the records live with every other byte kept, under a workspace lock, all files or
none, and optionally committed to git. See docs/editing.md.
"""

from ..writing.lock import LockTimeout
from .apply import Digests, apply_changes, snapshot
from .attach import (
    ATTACHMENT_FOLDER,
    DOCUMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    Attachment,
    prepare_attachment,
)
from .changes import (
    MANIFEST,
    Add,
    Append,
    Change,
    Commit,
    EditError,
    Ref,
    Remove,
    Replace,
    Result,
    Set,
)
from .records import FieldProblem, RecordChanged, RecordState, field_problems, record_state

__all__ = [
    "ATTACHMENT_FOLDER",
    "DOCUMENT_TYPES",
    "MANIFEST",
    "MAX_ATTACHMENT_BYTES",
    "Add",
    "Append",
    "Attachment",
    "Change",
    "Commit",
    "Digests",
    "EditError",
    "FieldProblem",
    "LockTimeout",
    "RecordChanged",
    "RecordState",
    "Ref",
    "Remove",
    "Replace",
    "Result",
    "Set",
    "apply_changes",
    "field_problems",
    "prepare_attachment",
    "record_state",
    "snapshot",
]
