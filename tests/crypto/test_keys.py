"""Key providers and the start-up check: a wrong or missing key is named, never half-working."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safekeep.crypto import checks, providers
from safekeep.crypto.envelope import KeyRef, decrypt, encrypt
from safekeep.crypto.errors import DecryptionFailed, KeyConfigurationError, KeyMissing
from safekeep.crypto.keys import blind_index_master_key, current_kek
from safekeep.crypto.providers import EnvKeyProvider, FileKeyProvider, get_provider

pytestmark = pytest.mark.django_db
CASE = KeyRef.of("case", 1)
KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(1, 33))).decode()


def test_no_problems_on_a_fresh_install() -> None:
    encrypt(CASE, field="f", plaintext=b"x")
    blind_index_master_key()
    assert checks.problems() == []
    assert checks.check_keys() == []


def test_a_missing_key_file_is_named_at_start_up(data_dir: Path, forget) -> None:
    encrypt(CASE, field="f", plaintext=b"x")
    (data_dir / "keys" / "kek.keys").unlink()
    forget()
    path = data_dir / "keys" / "kek.keys"
    message = f"key-encryption key version 1 is not available from the key file {path}"
    assert checks.problems() == [message]
    [error] = checks.check_keys()
    assert (error.id, error.msg) == ("safekeep.crypto.E001", message)
    assert error.hint is not None and "key custody" in error.hint
    with pytest.raises(ImproperlyConfigured) as caught:
        checks.require_keys()
    assert str(caught.value).startswith(f"Safekeep cannot start: {message}. Restore the key")


def test_a_wrong_key_file_is_named_at_start_up(data_dir: Path, forget) -> None:
    sealed = encrypt(CASE, field="f", plaintext=b"x")
    (data_dir / "keys" / "kek.keys").write_text(f"1 {KEY_A}\n")
    forget()
    path = data_dir / "keys" / "kek.keys"
    assert checks.problems() == [
        f"key-encryption key version 1 from the key file {path} is not the key this database "
        "was encrypted with (wrong key file or variable?)"
    ]
    with pytest.raises(DecryptionFailed):
        decrypt(CASE, field="f", ciphertext=sealed)


def test_a_missing_or_wrong_blind_index_key_is_named(data_dir: Path, forget) -> None:
    blind_index_master_key()
    key_file = data_dir / "keys" / "blind-index.key"
    key_file.write_text(KEY_A)
    forget()
    assert checks.problems() == [
        f"the blind-index key from the key file {data_dir / 'keys' / 'kek.keys'} is not the key "
        "this database's search indexes were made with"
    ]
    with pytest.raises(KeyConfigurationError):
        blind_index_master_key()
    key_file.unlink()
    forget()
    assert checks.problems() == [f"the blind-index key file {key_file} is missing"]
    with pytest.raises(KeyMissing):
        blind_index_master_key()


def test_a_key_file_readable_by_others_is_refused(data_dir: Path, forget) -> None:
    encrypt(CASE, field="f", plaintext=b"x")
    path = data_dir / "keys" / "kek.keys"
    os.chmod(path, 0o644)
    forget()
    with pytest.raises(KeyConfigurationError) as caught:
        get_provider().available_versions()
    assert str(caught.value) == (
        f"{path} can be read by other users (mode 0644); run: chmod 600 {path}"
    )
    assert checks.problems() == [str(caught.value)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x AAAA\n", "line 1 does not start with a version"),
        ("1 not*base64\n", "line 1 is not valid base64"),
        ("1 AAAA\n", "line 1 must be a 32-byte key, not 3 bytes"),
    ],
)
def test_a_malformed_key_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    directory = tmp_path / "k"
    directory.mkdir(mode=0o700)
    path = directory / "kek.keys"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeyConfigurationError) as caught:
        FileKeyProvider(directory).available_versions()
    assert str(caught.value) == f"{path} {message}"


def test_the_env_provider(monkeypatch: pytest.MonkeyPatch, forget, data_dir: Path) -> None:
    monkeypatch.setenv("SAFEKEEP_KEY_PROVIDER", "env")
    monkeypatch.setenv("SAFEKEEP_KEKS", f"1:{KEY_A}")
    monkeypatch.setenv("SAFEKEEP_BLIND_INDEX_KEY", KEY_B)
    forget()
    assert isinstance(get_provider(), EnvKeyProvider)
    sealed = encrypt(CASE, field="f", plaintext=b"x")
    assert decrypt(CASE, field="f", ciphertext=sealed) == b"x"
    assert blind_index_master_key() == bytes(range(1, 33))
    assert not (data_dir / "keys").exists()
    with pytest.raises(KeyConfigurationError) as caught:
        get_provider().create_version()
    assert str(caught.value) == (
        "the env key provider cannot create keys: add '2:<key>' to SAFEKEEP_KEKS "
        "(`safekeep keys generate` prints a new key) and run again"
    )
    monkeypatch.setenv("SAFEKEEP_KEKS", f"2:{KEY_A}")
    forget()
    assert checks.problems() == [
        "key-encryption key version 1 is not available from the environment variable SAFEKEEP_KEKS"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("one:AAAA", "SAFEKEEP_KEKS item 1 must look like VERSION:BASE64KEY"),
        (f"1:{KEY_A},2", "SAFEKEEP_KEKS item 2 must look like VERSION:BASE64KEY"),
        ("1:AAAA", "SAFEKEEP_KEKS version 1 must be a 32-byte key, not 3 bytes"),
    ],
)
def test_a_malformed_env_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("SAFEKEEP_KEKS", value)
    with pytest.raises(KeyConfigurationError) as caught:
        EnvKeyProvider().available_versions()
    assert str(caught.value) == message


def test_an_env_provider_without_a_blind_index_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFEKEEP_BLIND_INDEX_KEY", raising=False)
    with pytest.raises(KeyMissing) as caught:
        EnvKeyProvider().blind_index_key()
    assert str(caught.value) == "the environment variable SAFEKEEP_BLIND_INDEX_KEY is not set"


def test_a_custom_provider_by_dotted_path(monkeypatch: pytest.MonkeyPatch, forget) -> None:
    monkeypatch.setenv("SAFEKEEP_KEY_PROVIDER", "tests.crypto.kms_example.InMemoryKms")
    forget()
    sealed = encrypt(CASE, field="f", plaintext=b"via kms")
    assert get_provider().name == "in-memory-kms"
    assert current_kek().provider == "in-memory-kms"
    assert decrypt(CASE, field="f", ciphertext=sealed) == b"via kms"


def test_an_unknown_provider_is_refused(monkeypatch: pytest.MonkeyPatch, forget) -> None:
    monkeypatch.setenv("SAFEKEEP_KEY_PROVIDER", "nowhere.Provider")
    forget()
    with pytest.raises(KeyConfigurationError) as caught:
        get_provider()
    assert str(caught.value) == (
        "SAFEKEEP_KEY_PROVIDER='nowhere.Provider' is not 'file', 'env' or an importable class"
    )


def test_generated_keys_are_32_random_bytes() -> None:
    first, second = providers.generate_key_text(), providers.generate_key_text()
    assert len(base64.b64decode(first)) == 32
    assert first != second


def test_the_app_refuses_to_start_with_an_unsafe_key_file(data_dir: Path, forget) -> None:
    from django.apps import apps

    encrypt(CASE, field="f", plaintext=b"x")
    os.chmod(data_dir / "keys" / "kek.keys", 0o640)
    forget()
    with pytest.raises(ImproperlyConfigured) as caught:
        apps.get_app_config("crypto").ready()
    assert str(caught.value).startswith("Safekeep cannot start: ")
    assert str(caught.value).endswith(
        f"can be read by other users (mode 0640); run: chmod 600 {data_dir / 'keys' / 'kek.keys'}"
    )


def test_key_file_changes_are_seen_without_a_restart(data_dir: Path) -> None:
    encrypt(CASE, field="f", plaintext=b"x")
    provider = get_provider()
    other = FileKeyProvider(data_dir / "keys")
    assert other.create_version() == 2  # e.g. `safekeep keys rotate` in another process
    assert provider.available_versions() == [1, 2]
    os.chmod(data_dir / "keys" / "kek.keys", 0o604)
    with pytest.raises(KeyConfigurationError, match="can be read by other users"):
        provider.available_versions()
