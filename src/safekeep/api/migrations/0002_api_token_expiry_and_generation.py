"""API tokens expire, and belong to their account's session generation.

Existing tokens keep working under the new rules: each expires 90 days (the default of
SAFEKEEP_API_TOKEN_DAYS) after it was made — so one made more than 90 days ago stops
working now — and belongs to its account's current generation, so it ends the next time the
account signs out everywhere or has its password reset. Nothing is deleted.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

DAYS_AT_MIGRATION = 90


def existing_tokens_expire_and_join_their_generation(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user").iterator():
        token.expires_at = token.created_at + dt.timedelta(days=DAYS_AT_MIGRATION)
        token.account_generation = token.user.session_generation
        token.save(update_fields=["expires_at", "account_generation"])


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="account_generation",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(
            existing_tokens_expire_and_join_their_generation, migrations.RunPython.noop
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
