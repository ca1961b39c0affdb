"""What the devices app announces, so governance (above it) can open incidents without
devices importing it.

Receivers run synchronously inside the change's transaction, so what they do commits or
rolls back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# A device incident arose: a device reported lost or stolen, or an unencrypted laptop or
# desktop found off site. Sent with `origin` (who acted), `cause` (an `ITTask.Cause`: the
# incident's category), `device`, `task` (the IT task made for it), `reporter` (the member
# of staff who reported it, or None when Safekeep noticed) and `summary` (plain words).
device_incident = Signal()
