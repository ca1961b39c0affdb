"""Sign-in accounts. Every account belongs to a staff member; there is no public sign-up."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from safekeep.organisation.models import StaffMember


class User(AbstractUser):
    """A sign-in account. The username is the staff member's email address.

    `session_generation` is bumped by "sign out everywhere" (and when a person leaves or is
    disabled): a session created under an older generation is ended on its next request.
    """

    audit_type = "account"  # how the audit log names a sign-in account

    staff = models.OneToOneField(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="user"
    )
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    session_generation = models.PositiveIntegerField(default=0)
    # Demo-council accounts only: `safekeep demo-code` may print their current two-factor code.
    is_demo_account = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.username
