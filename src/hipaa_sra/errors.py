"""The one exception hierarchy of hipaa-sra; the library raises, the shells decide how to exit.

Our exception hierarchy::

    * SraError
      x WorkspaceError            a workspace cannot be found or read at all
        + WorkspaceNotFound       no `sra.yaml` where we looked
        + LoadError               files cannot be read or parsed (syntax, encoding, limits, shape)
          + DiscoveryError        an input of `sra discover` cannot be read at all
      x WriteError                a write was refused or failed
        + WriteConflict           the file changed since it was read (optimistic concurrency)
          + RecordChanged         the record changed since the form editing it was filled in
        + TargetExists            the command would overwrite something the user wrote
        + OutputInWorkspace       an output path lies inside a workspace
        + EditError               a change cannot be made as asked (no such record, bad value)
          + Emptied               a removal would leave a record or key empty
        + LockTimeout             another writer held the workspace lock for too long
      x CatalogError              bundled reference data is broken (a bug on our side)
      x MethodologyError          sra.yaml's methodology names no usable risk matrix
      x UnknownSelector           a `--select` or `--ignore` value names no rule
      x SshUnavailable            ssh-keygen is needed to sign or verify and is missing
      x OpenFindings              errors are open and the signer did not accept them
      x GateError                 the gate cannot tell what changed (bad ref, invalid glob)
      x GitError                  git cannot answer (missing, too slow, not a repository, bad ref)
      x PdfUnavailable            WeasyPrint or Pango is not installed
      x DocxUnavailable           python-docx or Cairo is not installed
      x EmptyPoam                 no remediation item is open for an OSCAL POA&M
      x SourceError               a scan source or one of its tables cannot be read
      x ActionError               a de-identification action cannot be applied to the data
      x StoreError                the de-identification mapping store cannot be used
      x ServeError                the web app cannot start (database, port, URL)
      x StateError                the web app's state directory cannot be used safely
      x AlreadyConfigured         Django was configured for another app in this process

This module defines the bases and the errors several packages raise; the rest are defined
beside the code that raises them. `tests/test_layering.py` checks that every `SraError`
subclass in the package is drawn here.

Findings are not exceptions: a record that parses but breaks the schema becomes a
`Finding` and everything else still loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class SraError(Exception):
    """Base class of every error hipaa-sra raises on purpose."""


class WorkspaceError(SraError):
    """A workspace cannot be found or read at all."""


class WorkspaceNotFound(WorkspaceError):
    """No workspace (a directory with `sra.yaml`) where we looked."""


class LoadError(WorkspaceError):
    """A file that cannot be parsed at all, with the position of the problem.

    A load reports every such file in one run: `LoadError.combine` makes one error of
    several, whose own fields are the first one's and whose `errors` lists them all.
    """

    def __init__(
        self,
        path: Path | str,
        message: str,
        line: int = 1,
        column: int = 1,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.others: tuple[LoadError, ...] = ()
        super().__init__(self.render())

    @classmethod
    def combine(cls, errors: Sequence[LoadError]) -> LoadError:
        """One error standing for all of `errors` (at least one), in their order."""
        flat = [single for error in errors for single in error.errors]
        first = flat[0]
        combined = cls(first.path, first.message, first.line, first.column, first.hint)
        combined.others = tuple(flat[1:])
        combined.args = (combined.render(),)
        return combined

    @property
    def errors(self) -> tuple[LoadError, ...]:
        """Every error this one stands for, itself first; one-line errors each."""
        if not self.others:
            return (self,)
        first = LoadError(self.path, self.message, self.line, self.column, self.hint)
        return (first, *self.others)

    def render(self) -> str:
        """`path:line:col: message` (plus the hint, if any): one line per error."""
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        own = f"{text} ({self.hint})" if self.hint else text
        return "\n".join([own, *(other.render() for other in self.others)])


class WriteError(SraError):
    """A write was refused or failed; nothing was changed."""


class WriteConflict(WriteError):
    """The file changed on disk since it was read, so writing would lose someone's edit."""


class TargetExists(WriteError):
    """The command would overwrite a file or directory the user already has."""


class OutputInWorkspace(WriteError):
    """An output (report, export, listing) aimed inside a workspace, where it would be loaded."""


class CatalogError(SraError):
    """The bundled reference data is broken: a bug in hipaa-sra, not in the workspace."""
