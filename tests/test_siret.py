from __future__ import annotations

import pytest

from chorus_desk.siret import is_valid_siren, is_valid_siret


@pytest.mark.parametrize("siret", ["53453679200011", "21769001500011", "73282932000074"])
def test_valid_sirets(siret: str) -> None:
    assert is_valid_siret(siret)


@pytest.mark.parametrize(
    "siret", ["53453679200012", "5345367920001", "534536792000111", "5345367920001a", "", "１２３"]
)
def test_invalid_sirets(siret: str) -> None:
    assert not is_valid_siret(siret)


def test_la_poste_establishments_use_the_sum_of_digits_rule() -> None:
    assert is_valid_siret("35600000049837")  # digit sum 45, although its Luhn key is wrong
    assert not is_valid_siret("35600000049838")  # digit sum 46
    assert is_valid_siret("35600000000048")  # the head office keeps the Luhn rule (digit sum 26)


def test_the_siren_part_must_be_valid_too() -> None:
    assert not is_valid_siret("12345678900015")  # Luhn-valid SIRET whose SIREN 123456789 is not


def test_siren() -> None:
    assert is_valid_siren("534536792")
    assert not is_valid_siren("534536793")
