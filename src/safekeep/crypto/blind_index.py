"""Blind indexes: exact-match search over encrypted names and dates without decrypting rows.

A blind index is HMAC-SHA256 of the normalised value under a key of its own (separate from
every KEK, so rotating KEKs never touches indexes), derived per purpose so a name index
never matches a date index. Normalisation makes "  ANNE  o'neill" and "Anne O'Neill" equal:
Unicode NFKC, case folding, trimmed, inner spaces collapsed.

What it reveals: rows with equal values have equal indexes. Use it for exact-match lookup
only, never for anything displayed.
"""

from __future__ import annotations

import datetime as dt
import threading
import unicodedata

from safekeep.crypto import _aead
from safekeep.crypto.keys import blind_index_master_key

FULL_NAME = "subject.full_name"
FAMILY_NAME = "subject.family_name"
DATE_OF_BIRTH = "subject.date_of_birth"
NHS_NUMBER = "subject.nhs_number"

_derived: dict[tuple[bytes, str], bytes] = {}
_lock = threading.Lock()


def normalise(value: str) -> str:
    """NFKC case-folded, trimmed, with runs of whitespace collapsed to one space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.split())


def _purpose_key(purpose: str) -> bytes:
    master = blind_index_master_key()
    with _lock:
        key = _derived.get((master, purpose))
        if key is None:
            key = _aead.derive_key(
                master, salt=b"safekeep blind index", info=f"purpose:{purpose}".encode()
            )
            _derived[(master, purpose)] = key
        return key


def blind_index(purpose: str, value: str) -> str:
    """64 hex digits for a non-empty value; "" for an empty one (nothing to find)."""
    normalised = normalise(value)
    if not normalised:
        return ""
    return _aead.mac(_purpose_key(purpose), normalised.encode()).hex()


def full_name_index(given_name: str, family_name: str) -> str:
    return blind_index(FULL_NAME, f"{given_name} {family_name}")


def family_name_index(family_name: str) -> str:
    return blind_index(FAMILY_NAME, family_name)


def date_of_birth_index(date_of_birth: dt.date | str | None) -> str:
    """Index an ISO date; a string must be an ISO 8601 date (as typed in a search box)."""
    if date_of_birth is None or date_of_birth == "":
        return ""
    if isinstance(date_of_birth, str):
        date_of_birth = dt.date.fromisoformat(date_of_birth.strip())
    return blind_index(DATE_OF_BIRTH, date_of_birth.isoformat())


def nhs_number_index(nhs_number: str) -> str:
    """Index an NHS number by its ten digits, so "943 476 5919" finds "9434765919"."""
    return blind_index(NHS_NUMBER, "".join(nhs_number.split()))
