"""What the records services announce, so apps above records (notifications) can act
without records importing them.

Each is sent inside the change's transaction, after the change and its audit entry, so what
a receiver does commits or rolls back with it. Sent with `origin` (who acted) and the
change's object.
"""

from __future__ import annotations

from django.dispatch import Signal

# A request for access was approved or refused. Sent with `origin`, `grant` (an
# `AccessGrant`, decided) and `by_information_governance` (whether IG decided it).
grant_decided = Signal()

# A case was referred or transferred to another team. Sent with `origin` and `referral`
# (a `Referral`; its grants name the receiving team's managers).
referral_made = Signal()

# Break-glass was used to open a case. Sent with `origin` and `glass` (a `BreakGlass`).
break_glass_used = Signal()
