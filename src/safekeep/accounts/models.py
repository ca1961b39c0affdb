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
    session_generation = models.PositiveIntegerField(default=0)
    # Demo-council accounts only: `safekeep demo-code` may print their current two-factor code.
    is_demo_account = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.username


class SignInThrottle(models.Model):
    """How hard one source address, or one account, has been tried lately (throttle.py).

    `attempts` counts attempts that did not end in a sign-in, less one forgiven for each
    whole forgiveness period since `counted_at` (brought up to date whenever it is counted);
    `wait_until` is when the next attempt will be looked at.
    """

    class Scope(models.TextChoices):
        ADDRESS = "address"
        ACCOUNT = "account"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=64)  # the place (throttle.place_of), or the account's pk
    attempts = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField()
    wait_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="sign_in_throttle_once")
        ]


class KnownPlace(models.Model):
    """A place (throttle.place_of) an account has completed sign-in from: its owner signing in
    from there is never slowed by failures against the account elsewhere."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_places")
    place = models.CharField(max_length=64)
    last_signed_in_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "place"], name="known_place_once")]
