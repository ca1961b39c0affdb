"""Each entry version keeps what the entry said of the contact then: its type, when it
happened and whether it was significant, so an edit that changes them keeps the old ones in
the entry's history.

Existing versions: what their entry says now (nothing could change it until this one).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def existing_versions(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry = apps.get_model("records", "Entry")
    version = apps.get_model("records", "EntryVersion")
    its = entry.objects.filter(pk=OuterRef("entry_id"))
    version.objects.update(
        entry_type=Subquery(its.values("entry_type")[:1]),
        contact_at=Subquery(its.values("contact_at")[:1]),
        significant=Subquery(its.values("significant")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0010_end_and_revoke_reasons")]

    operations = [
        migrations.AddField(
            model_name="entryversion",
            name="entry_type",
            field=models.CharField(
                blank=True,
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
                default="",
                max_length=30,
            ),
        ),
        migrations.AddField(
            model_name="entryversion",
            name="contact_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="entryversion",
            name="significant",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(existing_versions, migrations.RunPython.noop),
    ]
