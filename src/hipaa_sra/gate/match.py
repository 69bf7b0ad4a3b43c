"""Match changed paths against every asset's `code_paths`, compiled once and indexed.

`code_paths` are read like the lines of a `.gitignore` file, by pathspec's
`GitIgnoreSpecPattern`, with the precedence of git itself (pathspec's `GitIgnoreSpec`):
among the patterns that match a path, one that matches the path itself beats one that
matches only a directory above it, and among equals the last one wins; the asset is
touched when the winner is not a `!` negation.

Testing every path against every asset is paths x patterns regex calls: 100,000 paths
against 10,000 assets is 10^9 and takes an hour. Instead every pattern is filed under a
key that any path it matches must contain:

- an anchored pattern whose leading segments are literal (`services/api/**`) under that
  literal prefix; a path looks up each of its directory prefixes and itself;
- otherwise under its last literal segment (`**/Dockerfile`) or the literal suffix of its
  last segment (`**/*.sql`); a path looks up each of its segments;
- anything else (`*`, `**/x*y/`) in a small bucket tried on every path.

Only the patterns found that way are tried with their regex. A path's directory is
looked up once and shared by every file in it, so the cost per path is a few dict
lookups plus the regex calls of the patterns that could match. Compiling is shared too:
assets with identical `code_paths` share one spec, identical globs one pattern, and
globs that differ only in their literal start one regex (see `_Compiler`).
bench/gate_bench.py measures all of it against the per-asset `GitIgnoreSpec` loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from .errors import GateError

_LITERAL = re.compile(r"[^*?\[\\]+\Z")  # a segment without glob characters (so not `**`)
_SUFFIX_GLOB = re.compile(r"\*([^*?\[\\/]+)\Z")
_LEADING_CHARS = re.compile(r"[^*?\[\\/]*")
_DIR_MARK = "ps_d"  # pathspec's group name for "matched a directory above the path"


_Owner = tuple[int, int, bool]
"""One place a pattern appears: (spec, position in it, include or `!` exclude)."""
_Compiled = tuple[str, str, Callable[[str, int], "re.Match[str] | None"], bool, tuple[_Owner, ...]]
"""(glob, lead, find, has_dir_mark, owners): plain tuples, unpacked once per candidate.

`lead` is the literal start of every path the glob matches (see `_Compiler`); `find` is
`regex.search` from 0, or with a lead, the rest's `regex.match` where the lead ends.
"""


def normalize_path(path: str) -> str:
    """A changed path as patterns see it: forward slashes, no leading `./` or `/`."""
    path = path.strip("\r\n")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _segments(glob: str) -> tuple[list[str], bool] | None:
    """A glob's segments and whether it is anchored, as pathspec normalizes them.

    None for shapes this module does not index (an empty segment inside, as in `a//b`,
    which matches no normalized path); they go to the every-path bucket, which is
    always correct.
    """
    body = glob if glob.endswith("\\ ") else glob.rstrip()
    body = body.removeprefix("!")
    segments = body.split("/")
    anchored = segments[0] == "" or not (
        len(segments) == 1 or (len(segments) == 2 and segments[1] == "")
    )
    if segments[0] == "":
        segments = segments[1:]
    if "" in segments[:-1]:
        return None
    return segments, anchored


def plan(glob: str) -> tuple[tuple[str, str] | None, str]:
    """Where a pattern is filed, and the literal text every path it matches starts with.

    The key is ("prefix"|"name"|"suffix", text), or None for the every-path bucket. The
    lead (empty unless anchored) is the literal segments plus the literal start of the
    next one: `deploy/k8s/api*.yaml` is filed under prefix `deploy/k8s` and leads with
    `deploy/k8s/api`.
    """
    shape = None if glob.startswith("#") else _segments(glob)  # `#` starts a comment
    if shape is None:
        return None, ""
    segments, anchored = shape
    literal = 0
    while literal < len(segments) and _LITERAL.match(segments[literal]):
        literal += 1
    if anchored and literal:
        lead = "/".join(segments[:literal])
        after = segments[literal] if literal < len(segments) else ""
        chars = _LEADING_CHARS.match(after)
        if chars is not None and chars.group():
            lead += "/" + chars.group()
        return ("prefix", "/".join(segments[:literal])), lead
    content = [segment for segment in segments if segment not in ("", "**")]
    if not content:
        return None, ""
    last = content[-1]
    if _LITERAL.match(last):
        return ("name", last), ""
    suffix = _SUFFIX_GLOB.match(last)
    return (("suffix", suffix.group(1)) if suffix else None), ""


def index_key(glob: str) -> tuple[str, str] | None:
    """Where a pattern is filed: ("prefix"|"name"|"suffix", key), or None for every path."""
    return plan(glob)[0]


def translate_glob(glob: str) -> tuple[str | None, bool | None]:
    """pathspec's (regex text, include) for one `code_paths` entry; GateError if invalid."""
    try:
        found: tuple[str | None, bool | None] = GitIgnoreSpecPattern.pattern_to_regex(glob)
    except ValueError as exc:  # GitIgnorePatternError is a ValueError
        raise GateError(f"code_paths glob {glob!r} is not a gitignore pattern: {exc}") from exc
    return found


class _Compiler:
    """Globs to (literal lead, compiled regex for the rest, include), sharing work by shape.

    An anchored glob is its literal lead plus the rest: `services/api/**` is
    `services/api` + `/**`. pathspec translates a literal character to `re.escape` of it,
    so the regex is `^` + the escaped lead + a regex for the rest that depends only on the
    rest: thousands of globs share a handful of rests, translated and compiled once each.
    The first glob of each shape is also translated in full and compared; if pathspec ever
    translates differently, that shape falls back to translating every glob in full. The
    lead is checked with `str.startswith` and the rest matched where the lead ends.
    """

    def __init__(self) -> None:
        self._regexes: dict[str, re.Pattern[str]] = {}
        self._shapes: dict[str, tuple[str | None, bool | None] | None] = {}

    def _regex(self, text: str, glob: str) -> re.Pattern[str]:
        found = self._regexes.get(text)
        if found is None:
            try:
                found = self._regexes[text] = re.compile(text)
            except re.error as exc:
                raise GateError(
                    f"code_paths glob {glob!r} is not a gitignore pattern: {exc}"
                ) from exc
        return found

    def compile(self, glob: str, lead: str) -> tuple[str, re.Pattern[str], bool] | None:
        """(lead, regex, include) of a glob, or None for a no-op (blank, comment, bad range)."""
        if lead:
            negated = glob.startswith("!")
            body = glob[1:] if negated else glob
            rest = body[body.index(lead) + len(lead) :]
            shape = ("!" if negated else "") + "/x" + rest
            if shape not in self._shapes:
                text, include = translate_glob(shape)
                full = translate_glob(glob)
                confirmed = (
                    text is not None
                    and text.startswith("^x")
                    and full == ("^" + re.escape(lead) + text[2:], include)
                )
                self._shapes[shape] = (text[2:] if text else None, include) if confirmed else None
            known = self._shapes[shape]
            if known is not None:
                return (
                    None
                    if known[0] is None or known[1] is None
                    else (lead, self._regex(known[0], glob), known[1])
                )
        text, include = translate_glob(glob)
        if text is None or include is None:
            return None
        return "", self._regex(text, glob), include


class AssetMatcher:
    """Every asset's `code_paths`, compiled once; `match` maps changed paths to assets."""

    def __init__(self, code_paths: Mapping[str, Sequence[str]]) -> None:
        spec_ids: dict[tuple[str, ...], int] = {}
        self._spec_assets: list[list[str]] = []
        owners: dict[str, list[int]] = {}
        places: list[tuple[int, int]] = []
        for asset, globs in code_paths.items():
            key = tuple(globs)
            if not key:
                continue
            spec = spec_ids.get(key)
            if spec is None:
                spec = spec_ids[key] = len(self._spec_assets)
                self._spec_assets.append([])
                for position, glob in enumerate(key):
                    owners.setdefault(glob, []).append(len(places))
                    places.append((spec, position))
            self._spec_assets[spec].append(asset)
        self._patterns: list[_Compiled] = []
        tables: dict[str, dict[str, list[int]]] = {"prefix": {}, "name": {}, "suffix": {}}
        every: list[int] = []
        compiler = _Compiler()
        for glob, where in owners.items():
            try:
                filed, lead = plan(glob)
                compiled = compiler.compile(glob, lead)
            except GateError as exc:
                asset = self._spec_assets[places[where[0]][0]][0]
                raise GateError(f"asset `{asset}`: {exc}") from None
            if compiled is None:
                continue
            lead, regex, include = compiled
            number = len(self._patterns)
            self._patterns.append(
                (
                    glob,
                    lead,
                    regex.match if lead else regex.search,
                    _DIR_MARK in regex.groupindex,
                    tuple((*places[index], include) for index in where),
                )
            )
            if filed is None:
                every.append(number)
            else:
                tables[filed[0]].setdefault(filed[1], []).append(number)
        self._prefix, self._name, self._suffix = (
            {key: tuple(numbers) for key, numbers in tables[kind].items()}
            for kind in ("prefix", "name", "suffix")
        )
        self._every = tuple(every)
        self._suffix_lengths = sorted({len(suffix) for suffix in self._suffix})
        self._dirs: dict[str, tuple[int, ...]] = {"": ()}

    @property
    def pattern_count(self) -> int:
        """Distinct compiled patterns (identical globs of different assets count once)."""
        return len(self._patterns)

    def _segment_candidates(self, full: str, segment: str) -> tuple[int, ...]:
        """Patterns keyed by `full` as a prefix, or by its last segment's name or suffix."""
        found = self._prefix.get(full, ()) + self._name.get(segment, ())
        size = len(segment)
        for length in self._suffix_lengths:
            if length > size:
                break
            found += self._suffix.get(segment[size - length :], ())
        return found

    def _dir_candidates(self, directory: str) -> tuple[int, ...]:
        """Patterns keyed by `directory`, its ancestors, or any of their segments (memoized)."""
        known = self._dirs.get(directory)
        if known is not None:
            return known
        parent, _, segment = directory.rpartition("/")
        found = self._dir_candidates(parent) + self._segment_candidates(directory, segment)
        self._dirs[directory] = found
        return found

    def candidates(self, path: str) -> tuple[int, ...]:
        """Numbers of the patterns that could match `path`: a superset, possibly repeating."""
        directory, _, name = path.rpartition("/")
        in_dir = self._dirs.get(directory)
        if in_dir is None:
            in_dir = self._dir_candidates(directory)
        return in_dir + self._segment_candidates(path, name) + self._every

    def match(self, paths: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """Asset id -> [(changed path, the glob that decided it)], paths in the given order."""
        by_spec: dict[int, list[tuple[str, str]]] = {}
        patterns = self._patterns
        candidates = self.candidates
        for path in paths:
            if path.startswith(("./", "/")) or path.endswith(("\r", "\n")):
                path = normalize_path(path)
            if not path:
                continue
            winners: dict[int, tuple[int, int, bool, str]] = {}
            for number in candidates(path):
                glob, lead, find, has_dir_mark, owners = patterns[number]
                if lead and not path.startswith(lead):
                    continue
                found = find(path, len(lead))
                if found is None:
                    continue
                priority = 1 if has_dir_mark and found.group(_DIR_MARK) else 2
                for spec, position, include in owners:
                    best = winners.get(spec)
                    if best is None or (priority, position) > best[:2]:
                        winners[spec] = (priority, position, include, glob)
            for spec, (_, _, include, glob) in winners.items():
                if include:
                    by_spec.setdefault(spec, []).append((path, glob))
        return {
            asset: hits
            for spec, hits in sorted(by_spec.items())
            for asset in self._spec_assets[spec]
        }
