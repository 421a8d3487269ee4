"""The Kazakh individual identification number (ИИН / ЖСН).

Twelve digits: the birth date as YYMMDD, a century-and-sex digit, a four-digit serial and a check digit.
The check digit is the weighted sum of the first eleven digits modulo 11 with weights 1..11; when that
gives 10, it is computed again with weights 3..11, 1, 2; a number whose second sum is 10 as well is never
issued.
"""

import datetime
from dataclasses import dataclass

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# seventh digit -> (century start, sex)
CENTURY_SEX = {1: (1800, "M"), 2: (1800, "F"), 3: (1900, "M"), 4: (1900, "F"), 5: (2000, "M"), 6: (2000, "F")}


class InvalidIIN(ValueError):
    """The reason is one of: format, century, date, checksum, unissuable."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IINInfo:
    birth_date: datetime.date
    sex: str  # "M" or "F"


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when the number can never be issued."""
    digits = [int(c) for c in first_eleven]
    total = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if total == 10:
            return None
    return total


def parse_iin(iin: str) -> IINInfo:
    """Validate an IIN and return the birth date and sex it encodes; raise InvalidIIN otherwise."""
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        raise InvalidIIN("format")
    marker = int(iin[6])
    if marker not in CENTURY_SEX:
        raise InvalidIIN("century")
    century, sex = CENTURY_SEX[marker]
    try:
        birth_date = datetime.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        raise InvalidIIN("date") from None
    expected = check_digit(iin[:11])
    if expected is None:
        raise InvalidIIN("unissuable")
    if expected != int(iin[11]):
        raise InvalidIIN("checksum")
    return IINInfo(birth_date=birth_date, sex=sex)


def make_iin(birth_date: datetime.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN for a birth date, sex and serial (0..9999); None when that serial is unissuable."""
    marker = next(m for m, (century, s) in CENTURY_SEX.items() if s == sex and century <= birth_date.year < century + 100)
    first_eleven = f"{birth_date:%y%m%d}{marker}{serial:04d}"
    digit = check_digit(first_eleven)
    return None if digit is None else f"{first_eleven}{digit}"
