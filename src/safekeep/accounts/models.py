"""Sign-in accounts. Every account belongs to a staff member; there is no public sign-up."""

from __future__ import annotations

from binascii import unhexlify
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django_otp.models import Device as OTPDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safekeep.accounts import sealing
from safekeep.crypto.errors import DecryptionFailed
from safekeep.organisation.models import StaffMember


class User(AbstractUser):  # type: ignore[django-manager-missing]  # CouncilIdentity: untyped base
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
    # Who last removed this account's authenticator app (staff ID), until the person sets up
    # a new one: that administrator may not also reset the password (lifecycle.py).
    two_factor_reset_by = models.CharField(max_length=64, blank=True, default="")

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


class AuthenticatorApp(TOTPDevice):  # type: ignore[misc]  # django-otp ships no type hints
    """A person's authenticator app: django-otp's TOTP device, its secret sealed at rest.

    Every Safekeep query goes through this class, never `TOTPDevice`, whose `bin_key` would
    read the sealed text as hex. The secret is sealed on save (a new device is inserted
    without it first, since the seal names the row) and opened whenever a code is checked.
    """

    key: str  # django-otp's column: hex until saved, then sealed text

    class Meta:
        proxy = True

    @property
    def bin_key(self) -> bytes:
        return sealing.open_secret(user_pk=self.user_id, device_pk=self.pk, text=self.key)

    def verify_token(self, token: Any) -> bool:
        """No code is right for a secret that fails its integrity check (moved or tampered
        with: crypto announces it, and the audit log records the failure for IG)."""
        try:
            return bool(super().verify_token(token))
        except DecryptionFailed:
            return False

    def save(self, *args: Any, **kwargs: Any) -> None:
        if sealing.is_sealed_text(self.key):
            super().save(*args, **kwargs)
            return
        secret = unhexlify(self.key)
        with transaction.atomic():
            if self.pk is None:
                self.key = ""
                super().save(*args, **kwargs)
                args, kwargs = (), {"update_fields": ["key"]}
            self.key = sealing.seal_secret(user_pk=self.user_id, device_pk=self.pk, secret=secret)
            super().save(*args, **kwargs)


class CouncilIdentity(OTPDevice):  # type: ignore[misc]  # django-otp ships no type hints
    """The account's identity at the council's OpenID Provider (accounts/oidc.py).

    `subject` is the provider's stable id for the person (Entra's `oid`, else `sub`), learnt
    at their first council sign-in, which matched them by email: later sign-ins match it
    first, so a changed email still finds the right person. It is also django-otp's device
    for a session whose second factor the provider checked: `is_verified` is then true
    without Safekeep's own code. It takes no codes (django-otp's `verify_token` is False).
    """

    # django-otp's own `user` field, declared again so the relation has a typed name.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="council_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="council_identity_once"),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="council_identity_one_per_account"
            ),
        ]


class SetUpLink(models.Model):
    """A one-time link with which a person chooses a password, then proves or sets up their
    authenticator app (lifecycle.py). Only the SHA-256 of its token is kept: the link is
    shown once, to whoever issued it, and works once, for LINK_HOURS."""

    audit_type = "set_up_link"

    class Purpose(models.TextChoices):
        INVITE = "invite", "New sign-in"
        PASSWORD_RESET = "password_reset", "Password reset"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="set_up_links")
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    issued_by_staff_id = models.CharField(max_length=64, blank=True)  # "" for a command
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
