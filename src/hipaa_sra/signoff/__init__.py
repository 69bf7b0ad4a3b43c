"""Sign-off of the SRA: write signed records (`sra signoff`) and check them (`sra verify`).

Which sign-offs count is decided in `analysis.signoff_status` (shared with the lint rule
`signoff-missing`); this package makes records, signs them with SSH, keeps the per-record
digests that let a stale sign-off name what changed, and explains the verdict.
"""

from ..ssh.signatures import (
    NAMESPACE,
    SshUnavailable,
    SshVerdict,
    sign_payload,
    verify_signature,
)
from .attest import Attestation, OpenFindings, attest, attestation_text, summary_line
from .objects import ObjectMap, objects_file_name, read_objects, signed_objects, write_objects
from .record import (
    DEFAULT_STATEMENT,
    SignoffRequest,
    Written,
    check_request,
    check_signer,
    render_record,
    sign_workspace,
)
from .verify import RoleReport, Verification, verification_json, verification_text, verify_workspace

__all__ = [
    "DEFAULT_STATEMENT",
    "NAMESPACE",
    "Attestation",
    "ObjectMap",
    "OpenFindings",
    "RoleReport",
    "SignoffRequest",
    "SshUnavailable",
    "SshVerdict",
    "Verification",
    "Written",
    "attest",
    "attestation_text",
    "check_request",
    "check_signer",
    "objects_file_name",
    "read_objects",
    "render_record",
    "sign_payload",
    "sign_workspace",
    "signed_objects",
    "summary_line",
    "verification_json",
    "verification_text",
    "verify_signature",
    "verify_workspace",
    "write_objects",
]
