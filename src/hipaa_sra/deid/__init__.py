"""Safe Harbor copies of tables and files, proved by a re-scan and recorded as evidence.

    from hipaa_sra.deid import Request, deidentify, load_policy
    outcome = deidentify(Request("exports/", "staging/", load_policy(Path("policy.yaml")),
                                 today=date(2026, 12, 1), mapping_store="/secure/map.sqlite"))

`policy` and `policy_load` read the policy (errors at `path:line:col`); `actions` turns a
table's rules into one polars query, with `generalize`, `redact_text` and `surrogates`
building its expressions and values; `store` keeps surrogates and date offsets in their own
database; `files_io`, `sqlite_io` and `postgres_io` read and write; `run` writes to a
temporary place, re-scans (`verify`) and swaps the copy in; `dask_run` transforms file
partitions on a Dask cluster; `record` writes the evidence. See docs/deidentify.md.
"""

from .actions import ActionError
from .policy import Action, Policy, Profile, Rule, TablePolicy
from .policy_load import LoadedPolicy, load_policy
from .run import Outcome, Request, deidentify, source_tables
from .store import StoreError
from .verify import Verification

__all__ = [
    "Action",
    "ActionError",
    "LoadedPolicy",
    "Outcome",
    "Policy",
    "Profile",
    "Request",
    "Rule",
    "StoreError",
    "TablePolicy",
    "Verification",
    "deidentify",
    "load_policy",
    "source_tables",
]
