"""Long outputs are printed in pieces and arrive whole: every character, once, in order."""

from __future__ import annotations

import click
from click.testing import CliRunner

from hipaa_sra.cli.common import emit


def _printed(text: str) -> str:
    @click.command()
    def show() -> None:
        emit(text, None)

    result = CliRunner().invoke(show, [])
    assert result.exit_code == 0
    return result.stdout


def test_a_report_of_several_megabytes_is_printed_exactly() -> None:
    text = "\n".join(f"line {n}: " + "x" * (n % 97) for n in range(60_000))
    assert len(text) > 3_000_000
    assert _printed(text) == text + "\n"


def test_a_line_longer_than_a_piece_is_printed_exactly() -> None:
    text = "a" * 2_500_001 + "\nb" + "é" * 1_100_000
    assert _printed(text) == text + "\n"


def test_a_short_report_is_printed_with_its_line_break() -> None:
    assert _printed("") == "\n"
    assert _printed("ok") == "ok\n"
