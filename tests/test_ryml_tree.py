"""The loader's one reach into rapidyaml's private extension module still holds."""

from __future__ import annotations

import ryml

from hipaa_sra.loading import ryml_tree
from hipaa_sra.loading.parse import parse_yaml

TEXT = b"""\
defaults: &base
  owner: alice
  code: !!str 12
risks:
  - id: RR-1
    <<: *base
    note: "quoted"
  - id: RR-2
    plain: 2026-01-01
"""


def test_the_accessors_are_the_extension_functions_themselves() -> None:
    # False means a rapidyaml release moved or renamed `ryml._ryml`: parsing still works
    # through the public methods, but the exact route lost its shortcut. Look at the new
    # release and point ryml_tree.py at wherever the functions went.
    assert ryml_tree.DIRECT


def test_every_accessor_answers_as_the_public_method_does_on_every_node() -> None:
    tree = ryml.parse_in_arena(TEXT)
    nodes = [tree.root_id()]
    for node in nodes:
        child = ryml_tree.first_child(tree, node)
        while child != ryml_tree.NONE:
            nodes.append(child)
            child = ryml_tree.next_sibling(tree, child)
    assert len(nodes) > 10
    for name in ryml_tree.NAMES:
        ours, public = getattr(ryml_tree, name), getattr(ryml.Tree, name)
        for node in nodes:
            guarded = name in ("key", "has_key_tag", "is_key_ref") and not tree.has_key(node)
            guarded |= name.startswith(("val", "is_val", "has_val")) and not tree.has_val(node)
            if not guarded:
                assert _plain(ours(tree, node)) == _plain(public(tree, node)), (name, node)


def test_the_loader_reads_a_file_through_the_exact_route() -> None:
    # An anchor sends the file down the tree walk that uses these accessors.
    data = parse_yaml(TEXT, "register/r.yaml")
    assert data["risks"][0]["owner"] == "alice" and data["defaults"]["code"] == "12"
    assert data["risks"][1]["plain"] == "2026-01-01"


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value
