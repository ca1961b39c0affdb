"""What the crash test finds in the database after the restart: run as
`python bench/soak/check.py IDS.json` with the server's environment; prints JSON.

Every acknowledged entry must be there with its first version and its one `entry.add` audit
entry; nothing may be half-written (an entry without a version or without its audit entry,
an `entry.add` naming no entry, a document row without its file); `orphan_files` counts
ciphertext with no row (possible by design: files are written before their transaction).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def main(ids_file: str) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count

    from safekeep.audit.models import AuditEntry, ChainLink, PendingEntry
    from safekeep.records.models import Document, Entry

    acknowledged = {int(i) for i in json.loads(Path(ids_file).read_text())}
    present = set(Entry.objects.filter(pk__in=acknowledged).values_list("pk", flat=True))
    entries = set(Entry.objects.values_list("pk", flat=True))
    without_version = set(
        Entry.objects.annotate(n=Count("versions")).filter(n=0).values_list("pk", flat=True)
    )
    audited = {
        int(i)
        for i in AuditEntry.objects.filter(
            object_type="entry", action__in=("entry.add", "document.upload")
        ).values_list("object_id", flat=True)
    }
    files_dir = Path(settings.DATA_DIR) / "files"
    on_disk = {p.name for p in files_dir.iterdir()} if files_dir.exists() else set()
    rows = set(Document.objects.values_list("storage_name", flat=True))
    return {
        "acknowledged": len(acknowledged),
        "found": len(present),
        "lost": sorted(acknowledged - present),
        "entries": len(entries),
        "entries_without_version": sorted(without_version),
        "entries_without_audit": sorted(entries - audited),
        "audit_without_entry": sorted(audited - entries),
        "documents_without_file": sorted(rows - on_disk),
        "orphan_files": len(on_disk - rows),
        "audit_entries": AuditEntry.objects.count(),
        "chained": ChainLink.objects.count(),
        "pending": PendingEntry.objects.count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
