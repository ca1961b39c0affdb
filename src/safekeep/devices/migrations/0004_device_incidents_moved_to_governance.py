"""Device incidents now live in governance (its migration 0003 copied them, and runs first)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("devices", "0003_it_task_cause")]

    operations = [
        migrations.RemoveField(model_name="ittask", name="incident"),
        migrations.DeleteModel(name="DeviceIncident"),
    ]
