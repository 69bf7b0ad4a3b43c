"""A seeded, labelled generator of columns: PHI of every type and the hard negatives."""

from __future__ import annotations

import random
from collections.abc import Callable

from faker import Faker

from hipaa_sra.scan.validators import NPI_PREFIX, VIN_VALUES, VIN_WEIGHTS, luhn_valid


def npi(rng: random.Random) -> str:
    """A valid NPI: nine digits after 1 or 2, then the Luhn digit over 80840 + the number."""
    body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    for check in "0123456789":
        if luhn_valid(NPI_PREFIX + body + check):
            return body + check
    raise AssertionError("no check digit")


def vin(rng: random.Random) -> str:
    """A 17-character VIN with a correct check digit."""
    chars = [rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17)]
    total = sum(VIN_VALUES[c] * w for c, w in zip(chars, VIN_WEIGHTS, strict=True))
    chars[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(chars)


def mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier in the CMS format."""
    letters = "ACDEFGHJKMNPQRTUVWXY"
    alnum = letters + "0123456789"
    d = "0123456789"
    parts = [
        rng.choice("123456789"),
        rng.choice(letters),
        rng.choice(alnum),
        rng.choice(d),
        rng.choice(letters),
        rng.choice(alnum),
        rng.choice(d),
        rng.choice(letters),
        rng.choice(letters),
        rng.choice(d),
        rng.choice(d),
    ]
    return "".join(parts)


def columns(seed: int, rows: int) -> dict[str, tuple[str | None, list[str]]]:
    """Column name -> (the identifier type it holds or None, its values)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)

    def many(make: Callable[[], str]) -> list[str]:
        return [make() for _ in range(rows)]

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    return {
        "patient_name": ("name", many(fake.name)),
        "last_name": ("name", many(fake.last_name)),
        "street_address": ("address", many(fake.street_address)),
        "mailing_address": ("address", many(fake.address)),
        "city": ("address", many(fake.city)),
        "zip": ("zip", many(fake.zipcode)),
        "zip_plus4": ("zip", many(fake.zipcode_plus4)),
        "dob": ("date", many(lambda: fake.date_of_birth().isoformat())),
        "admit_date": ("date", many(lambda: fake.date_this_decade().strftime("%m/%d/%Y"))),
        "age": ("age-over-89", many(lambda: str(rng.randint(60, 104)))),
        "phone": ("phone", many(fake.phone_number)),
        "fax": ("fax", many(lambda: fake.numerify("###-###-####"))),
        "email": ("email", many(fake.email)),
        "ssn": ("ssn", many(fake.ssn)),
        "mrn": ("mrn", many(lambda: "MRN" + digits(8))),
        "mbi": ("health-plan-id", many(lambda: mbi(rng))),
        "member_id": ("health-plan-id", many(lambda: fake.bothify("??#########").upper())),
        "account_number": ("account-number", many(fake.credit_card_number)),
        "license_number": ("license-number", many(lambda: fake.bothify("?#######").upper())),
        "vin": ("vehicle-id", many(lambda: vin(rng))),
        "device_serial": ("device-id", many(lambda: fake.bothify("SN-####-????").upper())),
        "mac": ("device-id", many(fake.mac_address)),
        "website": ("url", many(fake.url)),
        "client_ip": ("ip-address", many(fake.ipv4)),
        "ipv6": ("ip-address", many(fake.ipv6)),
        "passport": ("other-id", many(lambda: fake.bothify("?########").upper())),
        "provider_npi": ("npi", many(lambda: npi(rng))),
        "notes": (
            "ssn",
            many(
                lambda: (
                    fake.sentence(nb_words=10)
                    + (f" Patient SSN {fake.ssn()}." if rng.random() < 0.05 else "")
                )
            ),
        ),
        # Hard negatives: shaped like identifiers, holding none.
        "order_number": (None, many(lambda: f"{digits(3)}-{digits(2)}-{digits(4)}")),
        "reference": (None, many(lambda: f"{digits(3)}-{digits(2)}-{digits(4)}")),
        "icd10_code": (
            None,
            many(
                lambda: rng.choice(["E11.9", "I10", "J45.909", "Z00.00", "M54.5", "F41.1", "K21.9"])
            ),
        ),
        "lab_value": (None, many(lambda: f"{rng.uniform(0.1, 300):.1f}")),
        "result": (None, many(lambda: f"{rng.randint(1, 300)} mg/dL")),
        "app_version": (
            None,
            many(
                lambda: (
                    f"{rng.randint(1, 9)}.{rng.randint(0, 30)}."
                    f"{rng.randint(0, 9)}.{rng.randint(0, 99)}"
                )
            ),
        ),
        "build": (
            None,
            many(
                lambda: (
                    f"{rng.randint(1, 9)}.{rng.randint(0, 30)}."
                    f"{rng.randint(0, 9)}.{rng.randint(0, 99)}"
                )
            ),
        ),
        "event_time": (None, many(lambda: fake.date_time_this_year().isoformat())),
        "logged_at": (None, many(lambda: fake.date_time_this_year().strftime("%Y-%m-%d %H:%M:%S"))),
        "product_code": (None, many(lambda: fake.bothify("PRD-####-??").upper())),
        "sku": (None, many(lambda: digits(5))),
        "status": (None, many(lambda: rng.choice(["active", "inactive", "pending"]))),
        "quantity": (None, many(lambda: str(rng.randint(1, 500)))),
        "department": (None, many(lambda: rng.choice(["Cardiology", "Oncology", "Radiology"]))),
    }
