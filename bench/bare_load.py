"""Bare parsers for the benchmark: load every YAML file of a workspace, nothing else.

    python bench/bare_load.py pyyaml|pyyaml-nogc|ryml WORKSPACE

Run by bench/run.py in a fresh interpreter per measurement. Prints one JSON line:
files, bytes, top-level records, and the seconds spent loading (imports included).
Kept free of hipaa_sra imports so that only the parser under test is loaded.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()


def yaml_files(root: Path) -> list[Path]:
    """Every *.yaml file of a workspace, sorted, skipping hidden directories such as the cache."""
    return sorted(
        p
        for p in root.rglob("*.yaml")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_pyyaml(files: list[Path]) -> list[Any]:
    """Each file through PyYAML's libyaml-backed safe loader, the usual way."""
    import yaml

    out = []
    for f in files:
        with open(f, "rb") as handle:
            out.append(yaml.load(handle, Loader=yaml.CSafeLoader))
    return out


def load_ryml(files: list[Path]) -> list[Any]:
    """Each file parsed by rapidyaml, its tree walked into dicts, lists and str (no typing)."""
    import ryml

    none = ryml.NONE

    def walk(tree: Any, n: int) -> Any:
        if tree.is_map(n):
            mapping: dict[str, Any] = {}
            c = tree.first_child(n)
            while c != none:
                mapping[str(tree.key(c), "utf8")] = walk(tree, c)
                c = tree.next_sibling(c)
            return mapping
        if tree.is_seq(n):
            items: list[Any] = []
            c = tree.first_child(n)
            while c != none:
                items.append(walk(tree, c))
                c = tree.next_sibling(c)
            return items
        value = tree.val(n)
        return None if value is None else str(value, "utf8")

    out = []
    for f in files:
        tree = ryml.parse_in_arena(f.read_bytes())
        out.append(walk(tree, tree.root_id()))
    return out


def load_pyyaml_nogc(files: list[Path]) -> list[Any]:
    """As `load_pyyaml`, with the cyclic garbage collector off, as `sra` runs."""
    import gc

    # Every container PyYAML builds is tracked; with the collector on, its passes over the
    # growing heap are about half of a large load.
    gc.disable()
    return load_pyyaml(files)


LOADERS = {"pyyaml": load_pyyaml, "pyyaml-nogc": load_pyyaml_nogc, "ryml": load_ryml}


def main(argv: list[str]) -> int:
    """Load a workspace with one parser and report what was loaded as JSON."""
    if len(argv) != 2 or argv[0] not in LOADERS:
        print(f"usage: bare_load.py {{{'|'.join(LOADERS)}}} WORKSPACE", file=sys.stderr)
        return 2
    root = Path(argv[1])
    files = yaml_files(root)
    docs = LOADERS[argv[0]](files)
    records = sum(len(doc) for doc in docs if isinstance(doc, list))
    print(
        json.dumps(
            {
                "files": len(files),
                "bytes": sum(f.stat().st_size for f in files),
                "records": records,
                "seconds": time.perf_counter() - STARTED,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
