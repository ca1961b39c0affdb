"""Authenticator secrets are sealed at rest: not in the database, not in the raw SQLite file,
not movable between accounts; sign-in and enrolment work as before; a migration seals the
secrets stored before."""

from __future__ import annotations

import sqlite3
from base64 import b32encode
from binascii import unhexlify
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from safekeep.accounts.models import AuthenticatorApp
from safekeep.audit.models import AuditEntry
from tests.accounts.helpers import ENROL, is_signed_in, post_password, real_sign_in
from tests.browser.helpers import totp_code
from tests.factories import make_staff, make_user
from tests.migrating import latest, migrate


def _needles(secret: bytes) -> list[bytes]:
    """The secret as a thief might find it: raw, hex (either case), base32 as apps show it."""
    return [secret, secret.hex().encode(), secret.hex().upper().encode(), b32encode(secret)]


def _raw_database(tmp_path: Path) -> bytes:
    """The whole SQLite database, page by page, as the file a thief would copy."""
    copy = tmp_path / "stolen.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return copy.read_bytes()


@pytest.mark.django_db(transaction=True)
def test_the_secret_is_sealed_and_never_in_the_raw_database(tmp_path: Path) -> None:
    user = make_user(make_staff(), with_totp=False)
    client = Client()
    post_password(client, user.email)
    page = client.get(ENROL).content.decode()
    app = AuthenticatorApp.objects.get(user=user)
    secret = app.bin_key
    shown = b32encode(secret).decode()
    assert " ".join(shown[i : i + 4] for i in range(0, len(shown), 4)) in page  # set-up key
    client.post(ENROL, {"code": totp_code(secret)})
    assert is_signed_in(client)

    stored = AuthenticatorApp.objects.values_list("key", flat=True).get(pk=app.pk)
    assert stored.startswith("sk1:") and len(stored) <= 80
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice")
        assert [row[0] for row in cursor.fetchall()] == [stored]
    if connection.vendor == "sqlite":
        raw = _raw_database(tmp_path)
        assert b"otp_totp_totpdevice" in raw  # it is the real database
        assert not any(needle in raw for needle in _needles(secret))


@pytest.mark.django_db
def test_sign_in_opens_the_sealed_secret() -> None:
    user = make_user(make_staff())
    client = Client()
    real_sign_in(client, user)
    assert is_signed_in(client)


@pytest.mark.django_db
def test_a_secret_moved_to_another_account_accepts_no_code() -> None:
    owner, thief = make_user(make_staff()), make_user(make_staff())
    owners_app = AuthenticatorApp.objects.get(user=owner)
    secret = owners_app.bin_key
    AuthenticatorApp.objects.filter(user=thief).update(key=owners_app.key)
    client = Client()
    post_password(client, thief.email)
    response = client.post("/account/sign-in/code/", {"code": totp_code(secret)})
    assert response["Location"] == "/account/sign-in/"
    assert not is_signed_in(client)
    failure = AuditEntry.objects.get(action="crypto.integrity_failure")
    assert (failure.object_type, failure.object_id) == ("account", str(thief.pk))


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_secrets_stored_before_and_sign_in_still_works() -> None:
    user = make_user(make_staff(), with_totp=False)
    try:
        old = migrate([("accounts", "0002_sign_in_throttle"), ("otp_totp", "0003_add_timestamps")])
        hex_key = "3132333435363738393031323334353637383930"
        old.get_model("otp_totp", "TOTPDevice").objects.create(
            user_id=user.pk, name="Authenticator app", key=hex_key, confirmed=True
        )
        migrate([("accounts", "0003_sealed_authenticator_secrets")])
        app = AuthenticatorApp.objects.get(user=user)
        assert app.key.startswith("sk1:")
        assert app.bin_key == unhexlify(hex_key)
        migrate([("accounts", "0003_sealed_authenticator_secrets")])  # a re-run changes nothing
    finally:
        migrate(latest())  # the tests after this one expect every app's newest tables
    client = Client()
    real_sign_in(client, user)
    assert is_signed_in(client)
