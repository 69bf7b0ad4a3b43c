"""Column-name hints: what a column's name says it holds, or says it does not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .types import IdentifierType as T

# Each pattern is matched against the normalised name: lower case, words joined by `_`
# (`PatientDOB` -> `patient_dob`). `(^|_)` and `(_|$)` keep `ssn` from matching `lessons`.
_W = r"(?:^|_)"
_E = r"(?:_|$)"
_POSITIVE: tuple[tuple[T, str], ...] = (
    (
        T.NAME,
        rf"{_W}(?:(?:first|last|middle|given|family|full|maiden|legal|preferred|"
        rf"patient|member|guardian|contact|subscriber|insured|display)_?)?"
        rf"(?:name|fname|lname|surname|forename){_E}|{_W}name_(?:first|last|full){_E}",
    ),
    (
        T.ADDRESS,
        rf"{_W}(?:address|addr|street|address_line|addr_line|line_1|line_2|line1|line2"
        rf"|city|town|municipality|residence){_E}|{_W}addr\d{_E}|{_W}address\d{_E}",
    ),
    (T.ZIP, rf"{_W}(?:zip|zipcode|zip_code|postal|postcode|postal_code|zip5){_E}"),
    (
        T.DATE,
        rf"{_W}(?:dob|birth|birthdate|birthday|born|admit|admitted|admission|discharge|"
        rf"discharged|death|deceased|died|visit|dos|encounter|appointment|appt|procedure|"
        rf"surgery|diagnosis_date|service_date|date_of_service|date_of_birth){_E}",
    ),
    (T.AGE_OVER_89, rf"{_W}(?:age|age_years|age_at_visit|patient_age){_E}"),
    (T.FAX, rf"{_W}fax{_E}"),
    (
        T.PHONE,
        rf"{_W}(?:phone|telephone|tel|mobile|cell|cellphone|phone_number|contact_number|"
        rf"home_phone|work_phone){_E}",
    ),
    (T.EMAIL, rf"{_W}(?:email|e_mail|mail|email_address){_E}"),
    (T.SSN, rf"{_W}(?:ssn|social_security|social_security_number|ss_number|sin){_E}"),
    (
        T.MRN,
        rf"{_W}(?:mrn|medical_record|medical_record_number|chart|chart_number|chart_no|"
        rf"patient_id|patient_number|patient_no|record_number|ehr_id|emr_id){_E}",
    ),
    (
        T.HEALTH_PLAN_ID,
        rf"{_W}(?:mbi|hicn|medicare|medicaid|member_id|member_number|"
        rf"subscriber_id|beneficiary|beneficiary_id|policy|policy_number|"
        rf"insurance_id|plan_id|health_plan|group_number|payer_id){_E}",
    ),
    (
        T.VEHICLE_ID,
        rf"{_W}(?:vin|vehicle|vehicle_id|plate|license_plate|licence_plate|"
        rf"plate_number){_E}",
    ),
    (
        T.LICENSE_NUMBER,
        rf"{_W}(?:license|licence|license_number|licence_number|dl|"
        rf"drivers_license|dea|dea_number|certificate|cert_number|cert_no){_E}",
    ),
    (
        T.ACCOUNT_NUMBER,
        rf"{_W}(?:account|acct|account_number|acct_no|iban|card|card_number|"
        rf"cc_number|credit_card|routing|bank_account){_E}",
    ),
    (
        T.DEVICE_ID,
        rf"{_W}(?:device|device_id|serial|serial_number|serial_no|imei|udi|mac|"
        rf"mac_address|implant){_E}",
    ),
    (T.URL, rf"{_W}(?:url|uri|website|homepage|web|link|profile_url){_E}"),
    (
        T.IP_ADDRESS,
        rf"{_W}(?:ip|ip_address|ipv4|ipv6|ip_addr|client_ip|remote_addr|"
        rf"remote_ip|source_ip|src_ip){_E}",
    ),
    (
        T.OTHER_ID,
        rf"{_W}(?:passport|national_id|tax_id|tin|ein|itin|biometric|fingerprint|"
        rf"voiceprint|person_id|unique_id){_E}",
    ),
    (T.NPI, rf"{_W}(?:npi|provider_npi|npi_number|prescriber_npi|rendering_npi){_E}"),
)

# Names that say a column holds something other than a person's identifier: these keep
# an order number shaped like an SSN, a version string shaped like an IP address and an
# event time shaped like a date from being reported on their shape alone.
_NEGATIVE = (
    rf"{_W}(?:order|invoice|sku|product|item|part|catalog|version|build|release|firmware|"
    rf"icd|icd10|cpt|hcpcs|loinc|snomed|ndc|code|event|logged|created|updated|modified|"
    rf"timestamp|ts|lab|result|value|amount|price|cost|quantity|qty|count|score|reading|"
    rf"dose|batch|lot|ticket|tracking|transaction|txn|session|request|trace|hash|checksum){_E}"
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Hints:
    """What a column's name suggests."""

    types: frozenset[T]
    negative: bool


def normalise(column: str) -> str:
    """Lower case with words joined by `_`: `PatientDOB` and `patient-dob` -> `patient_dob`."""
    spaced = _CAMEL.sub("_", column.strip())
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


@cache
def _compiled() -> tuple[tuple[tuple[T, re.Pattern[str]], ...], re.Pattern[str]]:
    return tuple((t, re.compile(p)) for t, p in _POSITIVE), re.compile(_NEGATIVE)


@cache
def hints(column: str) -> Hints:
    """The identifier types a column's name points to, and whether it points away from all."""
    positive, negative = _compiled()
    name = normalise(column)
    found = frozenset(t for t, pattern in positive if pattern.search(name))
    return Hints(found, bool(negative.search(name)) and not found)
