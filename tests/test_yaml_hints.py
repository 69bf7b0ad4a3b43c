"""The usual YAML mistakes are reported where they happen, in plain words, with the fix."""

from __future__ import annotations

import pytest

HEAD = "- id: RR-1\n  asset: pg-primary\n"
PATH = "register/r.yaml"

MISTAKES = {
    "an unquoted colon-space in a value": (
        HEAD + "  threat: Attacker gets in: via phishing\n  vuln: weak\n",
        "3:27: invalid YAML: the value of 'threat' contains \": \", so it must be quoted "
        '(write threat: "Attacker gets in: via phishing")',
    ),
    "an unclosed double quote, at the quote": (
        HEAD + '  threat: "Attacker gets in\n  vuln: weak\n  likelihood: low\n',
        '3:11: invalid YAML: the quote " that starts this value is never closed '
        '(end the value with " on the same line, or remove the opening ")',
    ),
    "an unclosed single quote, at the quote": (
        HEAD + "  threat: ok\n  vuln: 'Weak passwords\n",
        "4:9: invalid YAML: the quote ' that starts this value is never closed "
        "(end the value with ' on the same line, or remove the opening ')",
    ),
    "text after a closing quote": (
        HEAD + '  threat: "Phishing" of staff\n',
        "3:22: invalid YAML: the value of 'threat' goes on after its closing quote "
        "(quote all of it: threat: '\"Phishing\" of staff')",
    ),
    "a tab used for indentation": (
        HEAD + "\tthreat: Phishing\n",
        "3:1: tab used for indentation; YAML allows only spaces (replace the tab with spaces)",
    ),
    "a tab between a key and its value": (
        HEAD + "  threat:\tPhishing\n",
        "3:10: a tab separates this value from its key or `-`; only spaces are read there "
        "(replace the tab with a space)",
    ),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_a_usual_mistake_gets_a_hint(name: str, workspace, sra) -> None:
    text, expected = MISTAKES[name]
    root = workspace({PATH: text})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert run.stderr.strip() == f"sra/{PATH}:{expected}"


def test_a_quoted_value_with_a_colon_loads(workspace, sra) -> None:
    root = workspace({PATH: HEAD + '  threat: "Attacker gets in: via phishing"\n'})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code != 2, run.stderr
