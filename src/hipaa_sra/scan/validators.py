"""Check digits and number rules of identifiers, one value at a time (the reference versions)."""

from __future__ import annotations

import re

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_VALUES: dict[str, int] = _VIN_VALUES
"""Transliteration of VIN characters to numbers (49 CFR 565.15; I, O and Q are not used)."""

VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
"""Weight of each of the 17 VIN positions; position 9 (weight 0) holds the check digit."""

NPI_PREFIX = "80840"
"""An NPI's check digit is the Luhn digit of the number prefixed with 80840 (45 CFR 162.406)."""

_SEPARATORS = re.compile(r"[ \-]")


def luhn_valid(digits: str) -> bool:
    """True if a string of digits passes the Luhn (mod 10) check."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_valid(value: str) -> bool:
    """True if a 13-19 digit number (spaces and dashes allowed) passes Luhn."""
    digits = _SEPARATORS.sub("", value)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def npi_valid(value: str) -> bool:
    """True if a 10-digit NPI starting with 1 or 2 has a correct check digit."""
    return len(value) == 10 and value[0] in "12" and luhn_valid(NPI_PREFIX + value)


def vin_valid(value: str) -> bool:
    """True if a 17-character VIN's ninth character is its check digit (0-9 or X)."""
    if len(value) != 17 or any(char not in VIN_VALUES for char in value):
        return False
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(value, VIN_WEIGHTS, strict=True))
    check = total % 11
    return value[8] == ("X" if check == 10 else str(check))


def ssn_valid(value: str) -> bool:
    """True if a `ddd-dd-dddd` number could be an issued SSN.

    The area is never 000, 666 or 900-999, the group never 00, the serial never 0000
    (SSA, "Social Security Number Randomization", 2011).
    """
    match = re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", value)
    if match is None:
        return False
    area, group, serial = match.groups()
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"
