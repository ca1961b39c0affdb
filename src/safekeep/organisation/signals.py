"""What the organisation app announces, so apps above it can act without organisation
importing them (accounts ends a leaver's sessions).

Receivers run synchronously inside the change's transaction, so what they do commits or
rolls back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# People whose last working day has just been set to today or earlier: from now on they are
# leavers. Sent with `staff_pks` (StaffMember primary keys).
staff_left = Signal()

# People who have just moved to another team: what they held through the old team ends
# (records ends its allocations and grants and lists the cases for reallocation). Sent
# with `moves`, a list of (StaffMember primary key, the old team's primary key).
staff_moved = Signal()
