"""Encrypted, consistent backups and verified restores, the same on SQLite and PostgreSQL.

A backup is one file, sealed by `crypto.backup_stream` under the backup key (held apart
from the KEKs), holding a tar archive:

    db/<app>.<model>/<part>.jsonl   every row, Django's JSON-lines serialisation
    files/<path>                    uploaded files (already encrypted with their record keys)
    manifest.json                   counts, migrations, SHA-256 of every member (last)

The backup holds no KEK, blind-index key or signing key: restoring needs those from key
custody as well.

The rows are read inside one snapshot (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: a
deferred read transaction on the WAL), so the service keeps writing while a backup runs.

Restore reads the whole file twice: first to check every segment, member and count without
touching anything (a cut or corrupt file is refused here), then to load it into an empty
database in one transaction, checking the counts, the audit chain and the keys before it
commits. Rows go in exactly as the backup holds them, through no model's manager, save() or
signal, so nothing writes side rows (history, incidents, audit entries) a second time.
Files are unpacked to a staging directory and moved into place only after commit. Before it
commits, every disposal in the disposal ledger (kept with the keys, outside the
database: `retention/ledger.py`) is made again, so an older backup never brings back a
record disposed of since.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto import envelope, keys, providers
from safekeep.crypto.backup_stream import BackupKey, backup_key, sealed_reader, sealed_writer
from safekeep.crypto.errors import BackupError, DecryptionFailed
from safekeep.retention.services import disposals_reapply

FORMAT_VERSION = 1  # of the manifest
PART_ROWS = 5000
# Rows `migrate` itself creates: replaced by the backup's rows rather than counted as data.
SEEDED_MODELS = {"contenttypes.contenttype", "auth.permission"}
# Never backed up or restored: live sign-in sessions end with the server they belong to.
SKIPPED_MODELS = {"sessions.session"}

Progress = Callable[[int], None]


# --- files -------------------------------------------------------------------------------
def files_root() -> Path:
    """Where uploaded files live (records/files.py writes there)."""
    configured = getattr(settings, "SAFEKEEP_FILES_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "files"


# --- what is in the database ---------------------------------------------------------------
def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def table(model: type[models.Model]) -> models.QuerySet[Any]:
    """Every row of `model`'s table, through none of its own code: a custom manager may hide
    rows when read, or add its own when written (a device's bulk_create writes the device's
    history, which the backup holds already)."""
    return models.QuerySet(model)


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and _label(model) not in SKIPPED_MODELS
    ]


def _applied_migrations() -> list[str]:
    return sorted(
        f"{app}:{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent, read-only view of the database that does not block writers."""
    if connection.in_atomic_block:
        raise BackupError("a backup must not run inside another transaction")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # Django opens SQLite transactions with BEGIN IMMEDIATE (a write lock); a deferred read
        # transaction sees one WAL snapshot and lets the service keep writing.
        previous = connection.transaction_mode  # type: ignore[attr-defined]
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                connection.transaction_mode = previous  # type: ignore[attr-defined]
                yield
        finally:
            connection.transaction_mode = previous  # type: ignore[attr-defined]
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        raise BackupError(f"backups are not supported on {connection.vendor}")


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds (its default cuts times to milliseconds,
    which would change hashed audit entries)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def _fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


# --- writing -------------------------------------------------------------------------------
@dataclass
class BackupSummary:
    path: Path
    counts: dict[str, int]
    files: int
    bytes_written: int
    key_id: str


def _add(archive: tarfile.TarFile, name: str, data: bytes, digests: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))
    digests[name] = hashlib.sha256(data).hexdigest()


def _file_list() -> list[Path]:
    root = files_root()
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".partial"))


def row_total() -> int:
    return sum(table(m).count() for m in backed_up_models())


def backup_create(
    destination: Path, *, key_file: Path | None = None, progress: Progress | None = None
) -> BackupSummary:
    """Write an encrypted snapshot of every row and uploaded file to `destination`."""
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name")
    key = backup_key(key_file, create=True)
    partial = destination.with_name(f".{destination.name}.partial")
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            with (
                sealed_writer(handle, key) as sealed,
                tarfile.open(fileobj=sealed, mode="w|") as archive,  # type: ignore[call-overload]
            ):
                with _snapshot():
                    migrations = _applied_migrations()
                    for model in backed_up_models():
                        label = _label(model)
                        counts[label] = 0
                        rows = table(model).order_by("pk").iterator(chunk_size=2000)
                        part = 0
                        while chunk := list(islice(rows, PART_ROWS)):
                            part += 1
                            text = serializers.serialize(
                                "jsonl", chunk, fields=_fields(model), cls=_ExactEncoder
                            )
                            _add(archive, f"db/{label}/{part:06d}.jsonl", text.encode(), digests)
                            counts[label] += len(chunk)
                            if progress is not None:
                                progress(len(chunk))
                # Files are written before the rows that name them and never rewritten, so
                # every file the snapshot refers to exists now.
                root = files_root()
                file_count = 0
                for path in _file_list():
                    with contextlib.suppress(FileNotFoundError):
                        _add(archive, f"files/{path.relative_to(root)}", path.read_bytes(), digests)
                        file_count += 1
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(timespec="seconds"),
                    "database": connection.vendor,
                    "migrations": migrations,
                    "counts": counts,
                    "files": file_count,
                    "members": digests,
                }
                _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode(), {})
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupSummary(destination, counts, file_count, destination.stat().st_size, key.key_id)


# --- reading -------------------------------------------------------------------------------
@contextlib.contextmanager
def _open_archive(path: Path, key: BackupKey) -> Iterator[tarfile.TarFile]:
    with sealed_reader(path, key) as plain:
        try:
            with tarfile.open(fileobj=plain, mode="r|") as archive:
                yield archive
        except tarfile.TarError as exc:
            raise BackupError(f"{path.name} is damaged: {exc}") from exc


def _members(archive: tarfile.TarFile) -> Iterator[tuple[str, bytes]]:
    for member in archive:
        if not member.isfile():
            raise BackupError(f"unexpected entry {member.name!r} in the backup")
        extracted = archive.extractfile(member)
        if extracted is None:  # pragma: no cover - isfile() above
            continue
        yield member.name, extracted.read()


def _safe_file_name(name: str) -> Path:
    relative = Path(name.removeprefix("files/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"unsafe file name {name!r} in the backup")
    return relative


@dataclass
class Inspection:
    manifest: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


def backup_inspect(path: Path, *, key_file: Path | None = None) -> Inspection:
    """Read and check every byte of a backup; raise BackupError on any damage. Touches nothing."""
    key = backup_key(key_file)
    digests: dict[str, str] = {}
    counts: dict[str, int] = {}
    manifest: dict[str, Any] | None = None
    files = 0
    try:
        with _open_archive(path, key) as archive:
            for name, data in _members(archive):
                if manifest is not None:
                    raise BackupError("the backup has entries after its manifest")
                if name == "manifest.json":
                    manifest = json.loads(data)
                    continue
                digests[name] = hashlib.sha256(data).hexdigest()
                if name.startswith("db/"):
                    label = name.split("/")[1]
                    for line in data.splitlines():
                        if json.loads(line).get("model") != label:
                            raise BackupError(f"{name} holds rows of another table")
                        counts[label] = counts.get(label, 0) + 1
                elif name.startswith("files/"):
                    _safe_file_name(name)
                    files += 1
                else:
                    raise BackupError(f"unexpected entry {name!r} in the backup")
    except DecryptionFailed as exc:
        raise BackupError(f"{path.name} is damaged or cut short: {exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path.name} holds unreadable rows") from exc
    if manifest is None:
        raise BackupError(f"{path.name} has no manifest: it is incomplete")
    if manifest.get("members") != digests:
        raise BackupError(f"{path.name} does not match its manifest")
    expected = {label: n for label, n in manifest.get("counts", {}).items() if n}
    if expected != counts or manifest.get("files") != files:
        raise BackupError(f"{path.name} holds other row or file counts than its manifest says")
    return Inspection(manifest=manifest, counts=counts, files=files)


# --- restoring -----------------------------------------------------------------------------
def _refusals_for_target(inspection: Inspection) -> list[str]:
    reasons = []
    occupied = [
        _label(m)
        for m in backed_up_models()
        if _label(m) not in SEEDED_MODELS and table(m).exists()
    ]
    if occupied:
        reasons.append(
            "the database is not empty (it has rows in " + ", ".join(sorted(occupied)[:5]) + ")"
        )
    root = files_root()
    if root.exists() and any(root.iterdir()):
        reasons.append(f"the file storage {root} is not empty")
    ours, theirs = set(_applied_migrations()), set(inspection.manifest.get("migrations", []))
    if ours != theirs:
        differ = sorted(ours ^ theirs)
        reasons.append(
            "the database schema differs from the backup's (migrations "
            + ", ".join(differ[:3])
            + "); install the Safekeep version that made the backup and run migrate"
        )
    known = {_label(m) for m in backed_up_models()}
    unknown = sorted(set(inspection.counts) - known)
    if unknown:
        reasons.append("the backup has tables this version does not know: " + ", ".join(unknown))
    return reasons


@contextlib.contextmanager
def _raw_timestamps(model: type[models.Model]) -> Iterator[None]:
    """Keep the backup's timestamps: auto_now fields would otherwise be set to 'now'."""
    changed = []
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, models.DateField) and (
            model_field.auto_now or model_field.auto_now_add
        ):
            changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
            model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def _audit_problems() -> list[str]:
    report = verify_log()
    return [message for _, message in report.problems]


@dataclass
class RestoreSummary:
    counts: dict[str, int]
    files: int


def backup_restore(
    path: Path, *, key_file: Path | None = None, progress: Progress | None = None
) -> RestoreSummary:
    """Restore a backup into an empty database and file storage, verified before commit."""
    inspection = backup_inspect(path, key_file=key_file)
    reasons = _refusals_for_target(inspection)
    if reasons:
        raise BackupError("Restore refused: " + "; ".join(reasons) + ".")
    if connection.in_atomic_block:
        raise BackupError("a restore must not run inside another transaction")
    key = backup_key(key_file)
    by_label = {_label(m): m for m in backed_up_models()}
    root = files_root()
    staging = root.with_name(f".{root.name}.restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700, parents=True)
    try:
        with transaction.atomic():
            for label in SEEDED_MODELS:
                if label in inspection.counts and label in by_label:
                    table(by_label[label]).delete()
            with _open_archive(path, key) as archive:
                for name, data in _members(archive):
                    if name.startswith("db/"):
                        model = by_label[name.split("/")[1]]
                        objects = [
                            item.object for item in serializers.deserialize("jsonl", data.decode())
                        ]
                        with _raw_timestamps(model):
                            table(model).bulk_create(objects, batch_size=500)
                        if progress is not None:
                            progress(len(objects))
                    elif name.startswith("files/"):
                        target = staging / _safe_file_name(name)
                        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                        with os.fdopen(fd, "wb") as handle:
                            handle.write(data)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), list(by_label.values())
                ):
                    cursor.execute(statement)
            mismatched = [
                label
                for label, model in by_label.items()
                if table(model).count() != inspection.manifest["counts"].get(label, 0)
            ]
            if mismatched:
                raise BackupError(
                    "Restore refused: row counts differ after loading ("
                    + ", ".join(sorted(mismatched)[:5])
                    + "); nothing was restored."
                )
            problems = _audit_problems()
            if problems:
                raise BackupError(
                    "Restore refused: the restored audit log does not verify ("
                    + problems[0]
                    + "); nothing was restored."
                )
            providers.reset_providers()
            keys.forget_cached_keys()
            envelope.forget_cached_data_keys()
            key_problems = keys.key_problems()
            if key_problems:
                raise BackupError(
                    "Restore refused: this server lacks the keys the backup needs ("
                    + "; ".join(key_problems)
                    + "); copy them from key custody first. Nothing was restored."
                )
            # Nothing disposed of since the backup was made comes back (retention/ledger.py).
            for name in disposals_reapply(origin=Origin.command("restore")):
                (staging / _safe_file_name(f"files/{name}")).unlink(missing_ok=True)
            audit_event(
                origin=Origin.command("restore"),
                action="backup.restored",
                decision="done",
                object_type="backup",
                object_id=path.name[:80],
                reasons=[
                    f"restored {sum(inspection.counts.values())} rows and {inspection.files} "
                    f"files from a backup made {inspection.manifest.get('created_at')}; "
                    "counts match and the audit log verifies"
                ],
            )
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # the restored table may number types differently
        if root.exists():
            root.rmdir()  # checked empty above
        root.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreSummary(counts=inspection.counts, files=inspection.files)
