"""Blind indexes: normalised, keyed, separated by purpose."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.crypto import _aead, blind_index
from safekeep.crypto.blind_index import (
    date_of_birth_index,
    family_name_index,
    full_name_index,
    normalise,
)
from safekeep.crypto.keys import blind_index_master_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Anne O'Neill", "anne o'neill"),
        ("  ANNE   O'NEILL  ", "anne o'neill"),
        ("Anne\tO'Neill\n", "anne o'neill"),
        ("\uff21\uff2e\uff2e\uff25", "anne"),  # full-width letters (NFKC)
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # case folding, not lower()
        ("e\u0301milie", "émilie"),  # combining accent composed
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_equal_after_normalising_means_equal_index() -> None:
    assert full_name_index("Anne", "O'Neill") == full_name_index("  ANNE ", " o'neill")
    assert full_name_index("Anne", "O'Neill") != full_name_index("Anna", "O'Neill")
    assert len(full_name_index("Anne", "O'Neill")) == 64


def test_it_is_hmac_sha256_under_a_derived_purpose_key() -> None:
    master = blind_index_master_key()
    key = _aead.derive_key(
        master, salt=b"safekeep blind index", info=b"purpose:subject.family_name"
    )
    assert family_name_index("  Smith ") == _aead.mac(key, b"smith").hex()


def test_purposes_do_not_match_each_other() -> None:
    assert family_name_index("1990-01-02") != date_of_birth_index("1990-01-02")


def test_dates() -> None:
    assert date_of_birth_index(dt.date(2015, 3, 9)) == date_of_birth_index(" 2015-03-09 ")
    assert date_of_birth_index(None) == ""
    assert date_of_birth_index("") == ""
    with pytest.raises(ValueError):
        date_of_birth_index("9 March 2015")


def test_empty_values_have_no_index() -> None:
    assert family_name_index("   ") == ""


def test_another_key_gives_other_indexes(forget, data_dir) -> None:
    before = family_name_index("Smith")
    (data_dir / "keys" / "blind-index.key").unlink()
    from safekeep.crypto.models import BlindIndexKey

    BlindIndexKey.objects.all().delete()
    forget()
    assert family_name_index("Smith") != before
    assert blind_index._derived  # derived keys are cached per master key
