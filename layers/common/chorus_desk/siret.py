"""SIRET / SIREN identifiers: 14 (9) digits with a Luhn check digit, and La Poste's exception."""

from __future__ import annotations

# La Poste's establishments share one SIREN and far more SIRETs than a Luhn key allows: except for the
# head office, INSEE validates them with "the sum of the 14 digits is a multiple of 5" instead.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    return len(value) == 9 and value.isascii() and value.isdigit() and luhn_valid(value)


def is_valid_siret(value: str) -> bool:
    if len(value) != 14 or not value.isascii() or not value.isdigit() or not is_valid_siren(value[:9]):
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value)
