"""Entries as social workers write them: a contact time apart from the time recorded, an
entry type, who was seen (sealed, on the version) and a significant-event flag.

Existing entries: contacted when they were recorded; an assessment is an assessment and
everything else a case note; none significant; nobody recorded as seen.
"""

from django.db import migrations, models
from django.db.models import F


def existing_entries(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry = apps.get_model("records", "Entry")
    entry.objects.update(contact_at=F("created_at"))
    entry.objects.filter(kind="assessment").update(entry_type="assessment")


class Migration(migrations.Migration):
    # Not one transaction: on PostgreSQL the UPDATE leaves deferred foreign-key checks
    # pending, and the table cannot then be altered (NOT NULL) in the same transaction.
    atomic = False
    dependencies = [("records", "0006_subject_details")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="entry_type",
            field=models.CharField(
                choices=[
                    ("home_visit", "Home visit"),
                    ("phone_call", "Phone call"),
                    ("office_visit", "Office visit"),
                    ("strategy_discussion", "Strategy discussion"),
                    ("supervision", "Supervision"),
                    ("assessment", "Assessment"),
                    ("case_note", "Case note"),
                    ("email", "Email"),
                    ("meeting", "Meeting"),
                    ("other", "Other"),
                ],
                default="case_note",
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="entry",
            name="contact_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="entry",
            name="significant",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="entryversion",
            name="seen",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(existing_entries, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="entry",
            name="contact_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                fields=["case", "contact_at"], name="records_ent_case_id_7f7420_idx"
            ),
        ),
    ]
