"""Data keys are unwrapped once per request, and never kept beyond it (crypto-shredding)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from safekeep.crypto import envelope
from safekeep.crypto.envelope import KeyRef, decrypt, encrypt, key_session, request_keys
from safekeep.crypto.errors import KeyMissing
from safekeep.crypto.models import DataKey

CASE_A = KeyRef.of("case", 1)
CASE_B = KeyRef.of("case", 2)


def _key_reads(queries: CaptureQueriesContext) -> int:
    return sum("crypto_datakey" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_request_fetches_a_records_key_once_for_all_its_fields() -> None:
    sealed = [encrypt(CASE_A, field=f"f{n}", plaintext=b"x") for n in range(5)]
    with request_keys(), CaptureQueriesContext(connection) as queries:
        for n, value in enumerate(sealed):
            assert decrypt(CASE_A, field=f"f{n}", ciphertext=value) == b"x"
    assert _key_reads(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_key_destroyed_elsewhere_stops_opening_from_the_next_request() -> None:
    """Another process's crypto-shredding leaves no copy here: nothing outlives a request."""
    sealed = encrypt(CASE_A, field="body", plaintext=b"the note")
    with request_keys():
        assert decrypt(CASE_A, field="body", ciphertext=sealed) == b"the note"
    DataKey.objects.filter(scope="case", object_id="1").delete()  # not data_key_destroy
    with request_keys(), pytest.raises(KeyMissing):
        decrypt(CASE_A, field="body", ciphertext=sealed)
    with pytest.raises(KeyMissing):
        decrypt(CASE_A, field="body", ciphertext=sealed)


@pytest.mark.django_db(transaction=True)
def test_a_key_destroyed_in_the_request_stops_opening_at_once() -> None:
    sealed = encrypt(CASE_A, field="body", plaintext=b"the note")
    with request_keys():
        assert decrypt(CASE_A, field="body", ciphertext=sealed) == b"the note"
        envelope.data_key_destroy(CASE_A)
        with pytest.raises(KeyMissing):
            decrypt(CASE_A, field="body", ciphertext=sealed)


@pytest.mark.django_db(transaction=True)
def test_preloading_fetches_many_records_keys_in_one_query() -> None:
    a = encrypt(CASE_A, field="f", plaintext=b"a")
    b = encrypt(CASE_B, field="f", plaintext=b"b")
    subject = KeyRef.of("subject", 9)
    c = encrypt(subject, field="f", plaintext=b"c")
    with request_keys(), CaptureQueriesContext(connection) as queries:
        envelope.preload_data_keys([CASE_A, CASE_B, subject, KeyRef.of("case", 404)])
        opened = [
            decrypt(ref, field="f", ciphertext=value)
            for ref, value in ((CASE_A, a), (CASE_B, b), (subject, c))
        ]
    assert opened == [b"a", b"b", b"c"]
    assert _key_reads(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_preloading_outside_a_request_keeps_nothing() -> None:
    sealed = encrypt(CASE_A, field="f", plaintext=b"a")
    with CaptureQueriesContext(connection) as queries:
        envelope.preload_data_keys([CASE_A])
        decrypt(CASE_A, field="f", ciphertext=sealed)
    assert _key_reads(queries) == 1  # the decrypt's own: the preload did nothing


@pytest.mark.django_db(transaction=True)
def test_a_key_made_in_a_rolled_back_transaction_does_not_stay_for_the_request() -> None:
    """Else a reused record id would be sealed, later in the request, with a key no
    longer stored anywhere."""
    with request_keys():
        with pytest.raises(RuntimeError), transaction.atomic():
            encrypt(CASE_A, field="f", plaintext=b"x")
            raise RuntimeError("rolled back")
        sealed = encrypt(CASE_A, field="f", plaintext=b"after")
        assert DataKey.objects.count() == 1
    assert decrypt(CASE_A, field="f", ciphertext=sealed) == b"after"


@pytest.mark.django_db(transaction=True)
def test_a_bulk_session_keeps_keys_made_in_its_transaction() -> None:
    with key_session(), transaction.atomic(), CaptureQueriesContext(connection) as queries:
        for n in range(3):
            encrypt(CASE_A, field=f"f{n}", plaintext=b"x")
    # Is there a key? (the load, then the create's own check), then its insert; no more.
    assert _key_reads(queries) == 3


def test_the_middleware_gives_every_request_its_own_keys(rf) -> None:
    from safekeep.crypto.middleware import RequestKeysMiddleware

    seen = []

    def view(request: object) -> object:
        seen.append(envelope._scope())
        return object()

    middleware = RequestKeysMiddleware(view)  # type: ignore[arg-type]
    middleware(rf.get("/"))
    middleware(rf.get("/"))
    assert seen[0] is not None and seen[1] is not None and seen[0] is not seen[1]
    assert envelope._scope() is None
