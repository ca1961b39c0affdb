"""Incidents link the IT task made for them (devices' ITTask), for automatic incidents."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("devices", "0003_it_task_cause"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="it_task",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="devices.ittask",
            ),
        ),
    ]
