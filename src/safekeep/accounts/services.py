"""Creating and changing sign-in accounts."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safekeep.accounts.models import User
from safekeep.organisation.models import StaffMember


@transaction.atomic
def account_create(
    *,
    staff: StaffMember,
    password: str | None = None,
    totp_key_hex: str | None = None,
    is_demo_account: bool = False,
) -> User:
    """An account for a staff member, signed in by email address.

    Without a password the account cannot sign in until one is set. With `totp_key_hex`
    the two-factor device is created already confirmed (demo accounts); otherwise the
    person enrols an authenticator app at first sign-in.
    """
    user = User(username=staff.email.lower(), email=staff.email, staff=staff)
    user.is_demo_account = is_demo_account
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    if totp_key_hex is not None:
        TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=totp_key_hex, confirmed=True
        )
    return user
