"""Generated patient, encounter and notes tables with foreign keys, as files and databases."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from faker import Faker

from hipaa_sra.deid.generalize import RESTRICTED_ZIP3
from scan.data import mbi  # tests/scan: the MBI generator of the scan tests

TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Clinic:
    """The three tables: patients (key patient_id), encounters and notes (both reference it)."""

    patients: pl.DataFrame
    encounters: pl.DataFrame
    notes: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        """Table name -> frame."""
        return {"patients": self.patients, "encounters": self.encounters, "notes": self.notes}


def clinic(seed: int = 7, patients: int = 300) -> Clinic:
    """Seeded tables: every Safe Harbor type a clinic export has, a few in free text."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    ids = [f"MRN{100000 + i * 7}" for i in range(patients)]
    zips = [
        rng.choice(RESTRICTED_ZIP3) + f"{rng.randint(0, 99):02d}" if i % 10 == 0 else fake.zipcode()
        for i in range(patients)
    ]
    births = [fake.date_of_birth(minimum_age=1, maximum_age=104) for _ in ids]
    people = pl.DataFrame(
        {
            "patient_id": ids,
            "full_name": [fake.name() for _ in ids],
            "ssn": [fake.ssn() for _ in ids],
            "birth_date": [b.isoformat() for b in births],
            "age": [str((TODAY - b).days // 365) for b in births],
            "zip": zips,
            "city": [fake.city() for _ in ids],
            "phone": [fake.phone_number() for _ in ids],
            "email": [fake.email() for _ in ids],
            "medicare_id": [mbi(rng) for _ in ids],
            "sex": [rng.choice(["F", "M"]) for _ in ids],
        }
    )
    visits = []
    for number in range(patients * 3):
        patient = ids[rng.randrange(patients)]
        admitted = fake.date_between(date(2021, 1, 1), date(2026, 6, 30))
        discharged = admitted + timedelta(days=rng.randint(0, 20))
        visits.append(
            {
                "encounter_id": f"E{number:06d}",
                "patient_id": patient,
                "admit_date": admitted.isoformat(),
                "discharge_date": discharged.isoformat(),
                "diagnosis": rng.choice(["E11.9", "I10", "J45.909", "Z00.00"]),
                "department": rng.choice(["Cardiology", "Oncology", "Radiology"]),
            }
        )
    encounters = pl.DataFrame(visits)
    notes = pl.DataFrame(
        {
            "note_id": [f"N{n:06d}" for n in range(len(visits))],
            "encounter_id": [v["encounter_id"] for v in visits],
            "patient_id": [v["patient_id"] for v in visits],
            "text": [
                fake.sentence(nb_words=12)
                + (
                    f" Seen by Dr. {fake.last_name()}; SSN {fake.ssn()}, call "
                    f"{fake.numerify('###-###-####')}."
                    if n % 4 == 0
                    else f" Reached at {fake.email()} on {v['admit_date']}."
                )
                for n, v in enumerate(visits)
            ],
        }
    )
    return Clinic(people, encounters, notes)


def write_files(data: Clinic, root: Path, fmt: str) -> Path:
    """Each table as `root/<table>.<fmt>` (csv or parquet); `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, frame in data.frames().items():
        if fmt == "csv":
            frame.write_csv(root / f"{name}.csv")
        else:
            frame.write_parquet(root / f"{name}.parquet")
    return root


def write_sqlite(data: Clinic, path: Path) -> Path:
    """The tables in SQLite with their primary and foreign keys."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE patients (patient_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, ssn TEXT,
            birth_date DATE, age INTEGER, zip TEXT, city TEXT, phone TEXT, email TEXT,
            medicare_id TEXT, sex TEXT);
        CREATE TABLE encounters (encounter_id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (patient_id), admit_date DATE,
            discharge_date DATE, diagnosis TEXT, department TEXT);
        CREATE TABLE notes (note_id TEXT PRIMARY KEY,
            encounter_id TEXT REFERENCES encounters (encounter_id),
            patient_id TEXT REFERENCES patients (patient_id), text TEXT);
    """)
    for name, frame in data.frames().items():
        marks = ", ".join("?" * frame.width)
        conn.executemany(f"INSERT INTO {name} VALUES ({marks})", frame.iter_rows())
    conn.commit()
    conn.close()
    return path


POLICY = """\
profile: safe-harbor
tables:
  patients:
    columns:
      patient_id: {action: surrogate, type: mrn, domain: patient}
      full_name: {action: redact, type: name}
      ssn: {action: drop, type: ssn}
      birth_date: {action: generalize, type: date}
      age: {action: generalize, type: age-over-89}
      zip: {action: generalize, type: zip}
      city: {action: drop, type: address}
      phone: {action: redact, type: phone}
      email: {action: surrogate, type: email}
      medicare_id: {action: redact, type: health-plan-id}
      sex: keep
  encounters:
    columns:
      encounter_id: {action: surrogate, domain: encounter}
      patient_id: {action: surrogate, type: mrn, domain: patient}
      admit_date: {action: generalize, type: date}
      discharge_date: {action: generalize, type: date}
      diagnosis: keep
      department: keep
  notes:
    columns:
      note_id: keep
      encounter_id: {action: surrogate, domain: encounter}
      patient_id: {action: surrogate, type: mrn, domain: patient}
      text: redact-text
"""
"""A Safe Harbor policy for the clinic tables."""

SHIFTED = (
    POLICY.replace("profile: safe-harbor", "profile: limited-data-set")
    .replace(
        "admit_date: {action: generalize, type: date}",
        "admit_date: {action: date-shift, subject: patient_id, domain: patient, max_days: 60}",
    )
    .replace(
        "discharge_date: {action: generalize, type: date}",
        "discharge_date: {action: date-shift, subject: patient_id, domain: patient, max_days: 60}",
    )
)
"""A limited data set whose visit dates move by one offset per patient."""
