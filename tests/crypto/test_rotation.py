"""Key rotation: online re-wrap in batches, resumable, audited; retirement refuses while in use."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safekeep.audit.models import AuditEntry
from safekeep.crypto import rotation
from safekeep.crypto.envelope import KeyRef, data_key_create, decrypt, encrypt
from safekeep.crypto.errors import RotationError
from safekeep.crypto.models import DataKey, KeyEncryptionKey, KeyRotation
from safekeep.crypto.providers import FileKeyProvider, get_provider

pytestmark = pytest.mark.django_db
ACTOR = "command:test"


def _seed(count: int) -> dict[KeyRef, bytes]:
    sealed = {}
    for number in range(1, count + 1):
        ref = KeyRef.of("case", number)
        sealed[ref] = encrypt(ref, field="body", plaintext=f"note {number}".encode())
    return sealed


def _all_open(sealed: dict[KeyRef, bytes], forget) -> None:
    forget()
    for ref, value in sealed.items():
        assert decrypt(ref, field="body", ciphertext=value) == f"note {ref.object_id}".encode()


def test_rotate_rewraps_every_data_key_and_data_still_opens(forget) -> None:
    sealed = _seed(12)
    before = {k.pk: bytes(k.wrapped) for k in DataKey.objects.all()}
    out = StringIO()
    call_command("keys", "rotate", "--batch-size", "5", stdout=out)
    assert "Started rotation to key-encryption key version 2." in out.getvalue()
    assert "Done: 12 data keys re-wrapped; every data key now uses version 2." in out.getvalue()
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {2}
    assert all(bytes(k.wrapped) != before[k.pk] for k in DataKey.objects.all())
    assert get_provider().available_versions() == [1, 2]
    _all_open(sealed, forget)
    run = KeyRotation.objects.get()
    assert (run.target_id, run.rewrapped, run.finished_at is not None) == (2, 12, True)
    assert list(
        AuditEntry.objects.filter(action__startswith="keys.").values_list("action", "object_id")
    ) == [("keys.rotation_started", "2"), ("keys.rotation_finished", "2")]


def test_new_data_keys_use_the_newest_version_while_rotation_runs() -> None:
    _seed(2)
    run, resumed = rotation.rotation_start(actor=ACTOR)
    assert not resumed
    data_key_create(KeyRef.of("case", 99))
    assert DataKey.objects.get(object_id="99").kek_id == run.target_id
    assert rotation.rotation_remaining(run) == 2


def test_an_interrupted_rotation_resumes_where_it_stopped(monkeypatch, forget) -> None:
    sealed = _seed(25)
    run, _ = rotation.rotation_start(actor=ACTOR)
    real_wrap = FileKeyProvider.wrap
    calls = {"n": 0}

    def failing_wrap(self, version, data_key, aad):
        calls["n"] += 1
        if calls["n"] == 15:  # in the middle of the second batch of ten
            raise RuntimeError("power cut")
        return real_wrap(self, version, data_key, aad)

    monkeypatch.setattr(FileKeyProvider, "wrap", failing_wrap)
    with pytest.raises(RuntimeError, match="power cut"):
        rotation.rotation_run(run, actor=ACTOR, batch_size=10)
    monkeypatch.setattr(FileKeyProvider, "wrap", real_wrap)

    # The first batch committed; the interrupted one rolled back as a whole.
    assert DataKey.objects.filter(kek_id=2).count() == 10
    assert DataKey.objects.filter(kek_id=1).count() == 15
    _all_open(sealed, forget)  # both wrappings are valid mid-rotation

    out = StringIO()
    call_command("keys", "status", stdout=out)
    assert "Rotation to version 2 unfinished: 15 data keys left" in out.getvalue()

    out = StringIO()
    call_command("keys", "rotate", "--batch-size", "10", stdout=out)
    assert "Resuming rotation to key-encryption key version 2." in out.getvalue()
    assert "Done: 15 data keys re-wrapped" in out.getvalue()
    assert KeyEncryptionKey.objects.count() == 2  # no third version was made
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {2}
    assert KeyRotation.objects.get().rewrapped == 25
    _all_open(sealed, forget)
    assert "keys.rotation_resumed" in AuditEntry.objects.values_list("action", flat=True)


def test_rotation_refuses_to_start_from_a_key_it_cannot_open(data_dir: Path, forget) -> None:
    _seed(1)
    (data_dir / "keys" / "kek.keys").write_text("1 " + "A" * 43 + "=\n")
    forget()
    with pytest.raises(CommandError, match="is not the key this database was encrypted with"):
        call_command("keys", "rotate", stdout=StringIO())
    assert KeyEncryptionKey.objects.count() == 1


def test_retire_refuses_while_data_keys_use_the_version(forget) -> None:
    _seed(3)
    rotation.rotation_start(actor=ACTOR)
    with pytest.raises(CommandError) as caught:
        call_command("keys", "retire", "1")
    assert str(caught.value) == (
        "a rotation to version 2 is unfinished; run `safekeep keys rotate` to finish it first"
    )
    KeyRotation.objects.update(finished_at="2026-01-01T00:00:00Z")  # pretend it stopped early
    with pytest.raises(RotationError) as caught_error:
        rotation.kek_retire(version=1, actor=ACTOR)
    assert str(caught_error.value) == (
        "3 data keys are still wrapped by version 1; run `safekeep keys rotate` to re-wrap them "
        "first"
    )
    refused = AuditEntry.objects.filter(action="keys.retire", decision="refused")
    assert refused.count() == 2


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (7, "there is no key-encryption key version 7"),
        (1, "key-encryption key version 1 is the current key; run `safekeep keys rotate` first"),
    ],
)
def test_retire_refuses_unknown_and_current_versions(version: int, message: str) -> None:
    _seed(1)
    with pytest.raises(RotationError) as caught:
        rotation.kek_retire(version=version, actor=ACTOR)
    assert str(caught.value) == message


def test_retire_after_rotation_forgets_the_old_key(forget) -> None:
    sealed = _seed(4)
    call_command("keys", "rotate", stdout=StringIO())
    out = StringIO()
    call_command("keys", "retire", "1", stdout=out)
    assert out.getvalue() == "Key-encryption key version 1 retired.\n"
    assert get_provider().available_versions() == [2]
    assert KeyEncryptionKey.objects.get(version=1).retired_at is not None
    _all_open(sealed, forget)
    with pytest.raises(RotationError, match="version 1 is already retired"):
        rotation.kek_retire(version=1, actor=ACTOR)
    from safekeep.crypto import checks

    assert checks.problems() == []  # a retired key is not needed at start-up


def test_status_json() -> None:
    _seed(3)
    call_command("keys", "rotate", stdout=StringIO())
    encrypt(KeyRef.of("subject", 1), field="name", plaintext=b"x")
    out = StringIO()
    call_command("keys", "status", "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert [
        (v["version"], v["data_keys"], v["current"], v["available"]) for v in status["versions"]
    ] == [
        (1, 0, False, True),
        (2, 4, True, True),
    ]
    assert status["data_keys"] == 4
    assert status["rotation_target"] is None
    assert AuditEntry.objects.filter(action="keys.status").count() == 1


def test_status_table_flags_a_missing_key(data_dir: Path, forget) -> None:
    _seed(1)
    (data_dir / "keys" / "kek.keys").unlink()
    forget()
    out = StringIO()
    call_command("keys", "status", stdout=out)
    assert "current (MISSING from provider)" in out.getvalue()


def test_generate_prints_a_key() -> None:
    out = StringIO()
    call_command("keys", "generate", stdout=out)
    assert len(out.getvalue().strip()) == 44
