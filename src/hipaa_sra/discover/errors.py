"""`DiscoveryError`: an infrastructure input that cannot be read, with its position."""

from __future__ import annotations

from ..errors import LoadError


class DiscoveryError(LoadError):
    """An input file of `sra discover` cannot be read at all (syntax, encoding, shape, size).

    Rendered like every load error, `path:line:col: message (hint)`, exit code 2. Resource
    types the mapping table does not know are not errors: they are counted.
    """
