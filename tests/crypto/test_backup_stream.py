"""The backup file's encryption alone: its key, its outer header, one case per refusal.

What a backup holds (rows, files, manifest) is tested in tests/operations/test_backup.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safekeep.crypto.backup_stream import BackupKey, backup_key, sealed_reader, sealed_writer
from safekeep.crypto.errors import BackupError, DecryptionFailed
from safekeep.crypto.providers import generate_key_text

PLAIN = b"rows and files " * 10_000


def _key(path: Path) -> BackupKey:
    """A new backup key in its own file, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_key_text() + "\n")
    return backup_key(path)


def _seal(path: Path, key: BackupKey) -> None:
    with path.open("wb") as handle, sealed_writer(handle, key) as sealed:
        sealed.write(PLAIN)


def test_a_sealed_stream_opens_with_its_key(tmp_path: Path) -> None:
    key = _key(tmp_path / "backup.key")
    _seal(tmp_path / "b.skb", key)
    raw = (tmp_path / "b.skb").read_bytes()
    assert raw.startswith(b"SKBACKUP\x01")
    assert b"rows and files" not in raw
    with sealed_reader(tmp_path / "b.skb", backup_key(tmp_path / "backup.key")) as plain:
        assert plain.read() == PLAIN
    assert repr(key) == "BackupKey()"  # the key never shows in logs or tracebacks


def test_another_key_is_refused_by_its_id(tmp_path: Path) -> None:
    _seal(tmp_path / "b.skb", _key(tmp_path / "one.key"))
    other = _key(tmp_path / "two.key")
    with pytest.raises(BackupError) as caught, sealed_reader(tmp_path / "b.skb", other):
        pass
    assert str(caught.value).startswith("b.skb was made with another backup key (key id ")
    assert str(caught.value).endswith(f", this key is {other.key_id})")


def test_a_stream_cut_short_fails_while_it_is_read(tmp_path: Path) -> None:
    key = _key(tmp_path / "backup.key")
    _seal(tmp_path / "b.skb", key)
    (tmp_path / "b.skb").write_bytes((tmp_path / "b.skb").read_bytes()[:-1])
    with pytest.raises(DecryptionFailed), sealed_reader(tmp_path / "b.skb", key) as plain:
        plain.read()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    (tmp_path / "b.skb").write_bytes(b"PK\x03\x04" + bytes(64))
    key = _key(tmp_path / "backup.key")
    with pytest.raises(BackupError) as caught, sealed_reader(tmp_path / "b.skb", key):
        pass
    assert str(caught.value) == "b.skb is not a Safekeep backup"
