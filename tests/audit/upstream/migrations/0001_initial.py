from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    run_before = [("audit", "0002_append_only_triggers")]
    operations: list[migrations.operations.base.Operation] = []
