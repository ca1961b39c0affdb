"""Creating and changing sign-in accounts.

Every function here writes; each runs in one transaction and records what it did in the
audit log in that same transaction. Passwords and codes are never logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safekeep.accounts.models import User
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.organisation.models import StaffMember


class AccountError(Exception):
    """A change to an account that cannot be made; the message says why in plain words."""


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


def password_problems(*, user: User | None, password: str) -> list[str]:
    """The password rules this password breaks, in plain words (empty when it is acceptable)."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return [str(message) for message in exc.messages]
    return []


@transaction.atomic
def account_set_password(*, user: User, password: str, origin: Origin) -> User:
    """An administrator sets or resets a password.

    Changing the password changes the session hash, so every existing session of the
    account ends; the generation is bumped as well so the reason is recorded plainly.
    A reset also lifts any lockout.
    """
    problems = password_problems(user=user, password=password)
    if problems:
        raise AccountError(" ".join(problems))
    user.set_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["password", "failed_sign_ins", "locked_until", "session_generation"])
    user.refresh_from_db(fields=["session_generation"])
    audit_change(origin, "account.password_set", user)
    return user


@transaction.atomic
def account_disable(*, user: User, origin: Origin, reason: str = "") -> User:
    """Stops an account signing in and ends its sessions on their next request."""
    user.is_active = False
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["is_active", "session_generation"])
    user.refresh_from_db(fields=["session_generation"])
    audit_change(
        origin,
        "account.disable",
        user,
        reasons=[reason] if reason else [],
    )
    return user


@transaction.atomic
def account_enable(*, user: User, origin: Origin) -> User:
    """Lets a disabled account sign in again (a leaver still cannot: their end date decides)."""
    user.is_active = True
    user.failed_sign_ins = 0
    user.locked_until = None
    user.save(update_fields=["is_active", "failed_sign_ins", "locked_until"])
    audit_change(origin, "account.enable", user)
    return user


@transaction.atomic
def account_two_factor_reset(*, user: User, origin: Origin) -> User:
    """Removes the authenticator app (lost phone): the person enrols a new one at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["session_generation"])
    user.refresh_from_db(fields=["session_generation"])
    audit_change(origin, "account.two_factor_reset", user)
    return user


@transaction.atomic
def sign_out_everywhere(*, user: User, origin: Origin) -> User:
    """Ends every session of the account, on every device, at its next request."""
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["session_generation"])
    user.refresh_from_db(fields=["session_generation"])
    audit_change(origin, "auth.sign_out_everywhere", user)
    return user


# --- sign-in bookkeeping -------------------------------------------------------------------


def is_locked(user: User, *, now: dt.datetime | None = None) -> bool:
    """Locked accounts refuse every attempt, right or wrong, until the lock runs out."""
    return user.locked_until is not None and user.locked_until > (now or timezone.now())


@transaction.atomic
def sign_in_failure_record(*, user: User | None, origin: Origin, reason: str) -> None:
    """Counts a failed password or code; at the threshold the account is locked for a while.

    `reason` is for the audit log only (information governance may read it); the person
    signing in is always shown the same message.
    """
    object_id = ""
    if user is not None:
        object_id = str(user.pk)
        locked_now = False
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if not is_locked(fresh):
            fresh.failed_sign_ins += 1
            if fresh.failed_sign_ins >= settings.SAFEKEEP_LOCKOUT_THRESHOLD:
                fresh.locked_until = timezone.now() + dt.timedelta(
                    minutes=settings.SAFEKEEP_LOCKOUT_MINUTES
                )
                fresh.failed_sign_ins = 0
                locked_now = True
            fresh.save(update_fields=["failed_sign_ins", "locked_until"])
        user.failed_sign_ins = fresh.failed_sign_ins
        user.locked_until = fresh.locked_until
    audit_event(
        origin=origin,
        action="auth.sign_in",
        decision="refused",
        object_type="account",
        object_id=object_id,
        reasons=[reason],
    )
    if user is not None and locked_now:
        audit_event(
            origin=origin,
            action="auth.lockout",
            decision="done",
            object_type="account",
            object_id=object_id,
            reasons=[
                f"{settings.SAFEKEEP_LOCKOUT_THRESHOLD} failed attempts: sign-in paused for "
                f"{settings.SAFEKEEP_LOCKOUT_MINUTES} minutes"
            ],
        )


@transaction.atomic
def sign_in_success_record(*, user: User, origin: Origin, reasons: Sequence[str] = ()) -> None:
    """Clears the failure count and records the sign-in (one entry: `reasons` adds what else
    the same step did, e.g. setting up the authenticator app)."""
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins = 0
    user.locked_until = None
    audit_change(
        origin,
        "auth.sign_in",
        user,
        reasons=reasons,
    )


@transaction.atomic
def two_factor_enrol_confirm(*, user: User, device: TOTPDevice, origin: Origin) -> None:
    """The person proved their new authenticator app works: it becomes their only device and
    they are signed in. One audit entry, `auth.sign_in` with the reason "authenticator app
    set up", records both: it is one step of one sign-in."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    sign_in_success_record(user=user, origin=origin, reasons=["authenticator app set up"])


def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time), created with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device
