"""Seal record content at rest (docs/crypto.md, "Wiring into records").

Schema: names, entry text and file names become TextFields holding sealed text, the date of
birth moves to `date_of_birth_sealed`, and blind indexes are added. Data: every existing
row is sealed in place, in batches, skipping values already sealed (so a re-run after an
interruption carries on); plaintext document files are re-written encrypted under a new
storage name and the plaintext file removed. Only then is the plaintext date column dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import migrations, models

BATCH = 500


def _batches(queryset: Any) -> Any:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def seal_existing(apps: Any, schema_editor: Any) -> None:
    from safekeep.crypto import blind_index
    from safekeep.crypto.envelope import KeyRef, encrypt_text, is_sealed_text

    Subject = apps.get_model("records", "Subject")
    EntryVersion = apps.get_model("records", "EntryVersion")
    Document = apps.get_model("records", "Document")

    for rows in _batches(Subject.objects.all()):
        changed = []
        for s in rows:
            if is_sealed_text(s.given_name):
                continue
            ref = KeyRef.of("subject", s.pk)
            given, family, born = s.given_name, s.family_name, s.date_of_birth
            s.given_name = encrypt_text(ref, field="given_name", value=given)
            s.family_name = encrypt_text(ref, field="family_name", value=family)
            s.date_of_birth_sealed = (
                encrypt_text(ref, field="date_of_birth", value=born.isoformat()) if born else ""
            )
            s.name_index = blind_index.full_name_index(given, family)
            s.family_name_index = blind_index.family_name_index(family)
            s.date_of_birth_index = blind_index.date_of_birth_index(born)
            changed.append(s)
        Subject.objects.bulk_update(
            changed,
            [
                "given_name",
                "family_name",
                "date_of_birth_sealed",
                "name_index",
                "family_name_index",
                "date_of_birth_index",
            ],
        )

    for rows in _batches(EntryVersion.objects.select_related("entry")):
        changed = []
        for v in rows:
            if is_sealed_text(v.title):
                continue
            ref = KeyRef.of("case", v.entry.case_id)
            row = f"entryversion:{v.entry_id}:{v.number}"
            v.title = encrypt_text(ref, field="title", value=v.title, row=row)
            v.body = encrypt_text(ref, field="body", value=v.body, row=row)
            changed.append(v)
        EntryVersion.objects.bulk_update(changed, ["title", "body"])

    _seal_documents(Document)


def _seal_documents(Document: Any) -> None:
    import secrets

    from safekeep.crypto import streams
    from safekeep.crypto.envelope import KeyRef, encrypt_text, is_sealed_text

    root = Path(settings.DATA_DIR) / "files"
    for rows in _batches(Document.objects.select_related("entry")):
        for d in rows:
            ref = KeyRef.of("case", d.entry.case_id)
            fields = []
            if not is_sealed_text(d.filename):
                d.filename = encrypt_text(
                    ref, field="filename", value=d.filename, row=f"document:{d.entry_id}"
                )
                fields.append("filename")
            old = root / d.storage_name
            if old.is_file():
                with old.open("rb") as handle:
                    already = handle.read(4) == streams.MAGIC + bytes([streams.FORMAT_VERSION])
                if not already:
                    new_name = secrets.token_hex(16)
                    with old.open("rb") as handle:
                        chunks = iter(lambda: handle.read(streams.SEGMENT_SIZE), b"")
                        streams.write_encrypted_file(
                            ref, row=new_name, chunks=chunks, path=root / new_name
                        )
                    d.storage_name = new_name
                    fields.append("storage_name")
                    d.save(update_fields=fields)
                    old.unlink()
                    continue
            if fields:
                d.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("crypto", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subject",
            name="date_of_birth_index",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="subject",
            name="date_of_birth_sealed",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="subject",
            name="family_name_index",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="subject",
            name="name_index",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="document",
            name="filename",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="entryversion",
            name="title",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="subject",
            name="family_name",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="subject",
            name="given_name",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="subject",
            name="date_of_birth",
        ),
    ]
