"""Keyed pseudonyms: stable per key and purpose, unrelated across keys and purposes, one spelling per address."""

from __future__ import annotations

import hashlib

import pytest

from chorus_desk.pseudonyms import PSEUDONYM_CHARS, pseudonym

KEY = b"k" * 64
OTHER_KEY = b"o" * 64


def test_the_same_address_gives_the_same_pseudonym_whatever_its_spelling() -> None:
    assert pseudonym(KEY, "rate", " Marie.Dupont@Exemple.fr ") == pseudonym(KEY, "rate", "marie.dupont@exemple.fr")


def test_a_pseudonym_depends_on_the_key_and_the_purpose() -> None:
    base = pseudonym(KEY, "rate", "203.0.113.7")
    assert len(base) == PSEUDONYM_CHARS
    assert base != pseudonym(OTHER_KEY, "rate", "203.0.113.7")
    assert base != pseudonym(KEY, "resend", "203.0.113.7")


def test_a_pseudonym_is_not_the_unkeyed_hash_of_the_address() -> None:
    address = "203.0.113.7"
    assert pseudonym(KEY, "rate", address) not in hashlib.sha256(address.encode()).hexdigest()


@pytest.mark.parametrize("purpose", ["", "a:b"])
def test_a_purpose_is_a_plain_name(purpose: str) -> None:
    with pytest.raises(ValueError, match="purpose"):
        pseudonym(KEY, purpose, "x")
