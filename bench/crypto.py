"""Encryption-at-rest benchmark (issue 5): cost of encrypted reads, rotation and backup rates.

`main()` runs a worker in a subprocess with its own data directory and SQLite database
(fresh settings, fresh keys), collects its figures and writes bench/results/crypto.json.

- field_*: one AES-256-GCM seal / open of a 40-byte name, against copying the bytes.
- read_*: reading one subject row by primary key and its two names, plaintext columns
  against sealed columns decrypted with the record's data key. Unwrapped keys are kept for
  one request only (`envelope.request_keys`), so warm is a read in a request that has
  already unwrapped the record's key (as a page opening several fields of a record); cold
  is each read in a request of its own, which also fetches and unwraps the data key.
- rotation: data keys re-wrapped per second by `rotation_run` over N keys (state N).
- backup / restore: seconds for the same database (N subjects + N data keys).

SAFEKEEP_BENCH_CRYPTO_KEYS sets N (default 100,000). PostgreSQL runs too when reachable at
SAFEKEEP_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres; databases
safekeep_bench_crypto and safekeep_bench_crypto_drill are created and dropped).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import PG_ADMIN_URL, ROOT, WORKER_PYTHONPATH, pg_admin

RESULTS = ROOT / "bench" / "results" / "crypto.json"
KEYS = int(os.environ.get("SAFEKEEP_BENCH_CRYPTO_KEYS", "100000"))
READS = 2000
PG_DB = "safekeep_bench_crypto"
FIELD_OPS = 20000


def _per_op_us(fn: Any, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return round((time.perf_counter() - start) / count * 1e6, 2)


def _worker(n: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    django.setup()

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.db import connection

    from safekeep.crypto import _aead, envelope, rotation
    from safekeep.crypto.envelope import KeyRef, decrypt_text, encrypt_text
    from safekeep.crypto.keys import current_kek
    from safekeep.crypto.models import DataKey
    from safekeep.crypto.providers import get_provider
    from safekeep.operations import backup
    from safekeep.records.models import Subject

    results: dict[str, Any] = {"engine": connection.vendor, "data_keys": n}
    name = b"Wilhelmina Featherstonehaugh-Montgomery"
    ref = KeyRef.of("bench", 1)
    with envelope.request_keys():  # the key unwrapped once, as in one request
        sealed = envelope.encrypt(ref, field="name", plaintext=name)
        results["field_plain_copy_us"] = _per_op_us(lambda: bytes(bytearray(name)), FIELD_OPS)
        results["field_encrypt_us"] = _per_op_us(
            lambda: envelope.encrypt(ref, field="name", plaintext=name), FIELD_OPS
        )
        results["field_decrypt_us"] = _per_op_us(
            lambda: envelope.decrypt(ref, field="name", ciphertext=sealed), FIELD_OPS
        )

    # Subjects: READS with plaintext names, READS with sealed names.
    plain_ids, sealed_ids = [], []
    for i in range(READS):
        subject = Subject.objects.create(
            subject_id=f"P{i}",
            kind="child",
            given_name="Ada",
            family_name=f"Plain{i}",
        )
        plain_ids.append(subject.pk)
    for i in range(READS):
        subject = Subject.objects.create(
            subject_id=f"S{i}",
            kind="child",
            given_name="",
            family_name="",
        )
        key = KeyRef.of("subject", subject.pk)
        subject.given_name = encrypt_text(key, field="given_name", value="Ada")
        subject.family_name = encrypt_text(key, field="family_name", value=f"Sealed{i}")
        subject.save()
        sealed_ids.append(subject.pk)

    def read_plain_one(pk: int) -> None:
        s = Subject.objects.get(pk=pk)
        _ = (s.given_name, s.family_name)

    def read_one_sealed(pk: int) -> None:
        s = Subject.objects.get(pk=pk)
        key = KeyRef.of("subject", pk)
        _ = (
            decrypt_text(key, field="given_name", text=s.given_name),
            decrypt_text(key, field="family_name", text=s.family_name),
        )

    def each_us(read: Any, ids: list[int], *, own_request: bool) -> list[float]:
        times = []
        for pk in ids:
            start = time.perf_counter()
            if own_request:
                with envelope.request_keys():
                    read(pk)
            else:
                read(pk)
            times.append((time.perf_counter() - start) * 1e6)
        return times

    # In blocks of 50, plain, warm and cold in turn, so a change in the machine's load
    # falls on all three alike; each figure is the median read.
    timings: dict[str, list[float]] = {"plain": [], "warm": [], "cold": []}
    for pk in plain_ids[:200]:  # warm the connection
        read_plain_one(pk)
    for first in range(0, READS, 50):
        plain_block, sealed_block = plain_ids[first : first + 50], sealed_ids[first : first + 50]
        timings["plain"] += each_us(read_plain_one, plain_block, own_request=False)
        with envelope.request_keys():
            for pk in sealed_block:  # the request has unwrapped each key already
                read_one_sealed(pk)
            timings["warm"] += each_us(read_one_sealed, sealed_block, own_request=False)
        timings["cold"] += each_us(read_one_sealed, sealed_block, own_request=True)
    plain, warm, cold = (statistics.median(timings[name]) for name in ("plain", "warm", "cold"))
    results.update(
        read_plain_us=round(plain, 1),
        read_encrypted_warm_us=round(warm, 1),
        read_encrypted_cold_us=round(cold, 1),
        read_ratio_warm=round(warm / plain, 2),
        read_ratio_cold=round(cold / plain, 2),
    )

    # N data keys, then rotate them all.
    kek = current_kek()
    provider = get_provider()
    now = timezone.now()
    batch: list[DataKey] = []
    start = time.perf_counter()
    for i in range(n):
        key_ref = KeyRef.of("case", i + 1)
        batch.append(
            DataKey(
                scope="case",
                object_id=str(i + 1),
                version=1,
                kek=kek,
                created_at=now,
                wrapped=provider.wrap(
                    kek.version,
                    _aead.new_key(),
                    envelope.wrap_aad(key_ref, key_version=1, kek_version=kek.version),
                ),
            )
        )
        if len(batch) == 5000:
            DataKey.objects.bulk_create(batch)
            batch = []
    DataKey.objects.bulk_create(batch)
    results["data_keys_created_per_second"] = round(n / (time.perf_counter() - start))
    run, _ = rotation.rotation_start(actor="command:bench")
    start = time.perf_counter()
    done = rotation.rotation_run(run, actor="command:bench")
    elapsed = time.perf_counter() - start
    results["rotation_rewrapped"] = done
    results["rotation_seconds"] = round(elapsed, 2)
    results["rotation_keys_per_second"] = round(done / elapsed)

    target = Path(os.environ["SAFEKEEP_DATA_DIR"]) / "bench.skb"
    rows = backup.row_total()
    start = time.perf_counter()
    backup.backup_create(target)
    results["backup_rows"] = rows
    results["backup_seconds"] = round(time.perf_counter() - start, 2)
    results["backup_bytes"] = target.stat().st_size
    return results


def _restore_worker(backup_file: str) -> dict[str, Any]:
    """The restore drill: a fresh data directory holding only the keys from custody."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    django.setup()
    from django.core.management import call_command

    from safekeep.operations import backup

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    summary = backup.backup_restore(Path(backup_file))
    return {
        "restore_seconds": round(time.perf_counter() - start, 2),
        "restored_rows": sum(summary.counts.values()),
    }


def _run(args: list[str], data_dir: str, database_url: str = "") -> dict[str, Any]:
    env = {**os.environ, "SAFEKEEP_DATA_DIR": data_dir, "PYTHONPATH": WORKER_PYTHONPATH}
    for name in ("DATABASE_URL", "SAFEKEEP_KEY_PROVIDER", "SAFEKEEP_BACKUP_KEY"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"crypto benchmark failed:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _engine(database_url: str = "", drill_url: str = "") -> dict[str, Any]:
    """Figures for one database engine; the restore drill runs on a second, empty database."""
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-crypto-") as scratch:
        source, drill = Path(scratch) / "source", Path(scratch) / "drill"
        source.mkdir()
        drill.mkdir()
        figures = _run(["--worker", str(KEYS)], str(source), database_url)
        shutil.copytree(source / "keys", drill / "keys")  # keys come from custody
        figures.update(_run(["--restore", str(source / "bench.skb")], str(drill), drill_url))
    return figures


def main() -> dict[str, Any]:
    result: dict[str, Any] = {
        "targets": {
            "read_ratio_warm": 1.1,
            "read_ratio_cold": 1.5,
            "rotation_over_keys": KEYS,
        },
        "sqlite": _engine(),
    }
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    databases = (PG_DB, f"{PG_DB}_drill")
    if all(pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)") for db in databases) and all(
        pg_admin(f"CREATE DATABASE {db}") for db in databases
    ):
        try:
            result["postgresql"] = _engine(f"{base}/{databases[0]}", f"{base}/{databases[1]}")
            result["postgresql"]["engine"] = "postgresql"
        finally:
            for db in databases:
                pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    else:
        result["postgresql"] = {"skipped": f"PostgreSQL not reachable at {PG_ADMIN_URL}"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "--restore":
        print(json.dumps(_restore_worker(sys.argv[2])))
    else:
        print(json.dumps(main(), indent=2))
