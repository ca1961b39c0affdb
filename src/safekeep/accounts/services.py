"""Creating and changing sign-in accounts.

Every function here writes; each runs in one transaction and records what it did in the
audit log in that same transaction. Passwords and codes are never logged.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from safekeep.accounts import throttle
from safekeep.accounts.models import AuthenticatorApp, User
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
        AuthenticatorApp.objects.create(
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
    A reset also clears the failures counted against the account (throttle.py).
    """
    problems = password_problems(user=user, password=password)
    if problems:
        raise AccountError(" ".join(problems))
    user.set_password(password)
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["password", "session_generation"])
    throttle.account_clear(user)
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
    user.save(update_fields=["is_active"])
    throttle.account_clear(user)
    audit_change(origin, "account.enable", user)
    return user


@transaction.atomic
def account_two_factor_reset(*, user: User, origin: Origin) -> User:
    """Removes the authenticator app (lost phone): the person enrols a new one at next sign-in."""
    AuthenticatorApp.objects.filter(user=user).delete()
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


# --- sign-in bookkeeping (the policy is in throttle.py) ------------------------------------


def _throttles_record(origin: Origin, throttled: Sequence[throttle.Throttled | None]) -> None:
    """One `auth.throttle` entry for each slow-down or block that has just begun."""
    for began in throttled:
        if began is not None:
            audit_event(
                origin=origin,
                action="auth.throttle",
                decision="done",
                object_type=began.scope,
                object_id=began.key,
                reasons=[began.reason],
            )


@transaction.atomic
def sign_in_refusal_record(
    *,
    user: User | None,
    origin: Origin,
    reason: str,
    against_account: bool,
    new_attempt: bool,
) -> None:
    """Records a refused sign-in step (one `auth.sign_in` entry) and counts it.

    `against_account`: a wrong password or code, counted against the account;
    `new_attempt`: an attempt from the source address not counted before (a code step was
    counted with its password step). `reason` is for the audit log only (information
    governance may read it); the person signing in is always shown the same message.
    """
    audit_event(
        origin=origin,
        action="auth.sign_in",
        decision="refused",
        object_type="account",
        object_id=str(user.pk) if user is not None else "",
        reasons=[reason],
    )
    _throttles_record(
        origin,
        [
            throttle.account_count(user) if user is not None and against_account else None,
            throttle.address_count(origin.source_address) if new_attempt else None,
        ],
    )


@transaction.atomic
def sign_in_attempt_record(*, origin: Origin) -> None:
    """A right password: the attempt counts for its address until the code is right too, so
    the address's count moves the same whichever the password was."""
    _throttles_record(origin, [throttle.address_count(origin.source_address)])


@transaction.atomic
def sign_in_success_record(*, user: User, origin: Origin, reasons: Sequence[str] = ()) -> None:
    """Forgives the attempt, clears the account's failures, remembers the place, and records
    the sign-in (one entry: `reasons` adds what else the same step did, e.g. setting up the
    authenticator app)."""
    throttle.signed_in(user, origin.source_address)
    audit_change(
        origin,
        "auth.sign_in",
        user,
        reasons=reasons,
    )


@transaction.atomic
def two_factor_enrol_confirm(*, user: User, device: AuthenticatorApp, origin: Origin) -> None:
    """The person proved their new authenticator app works: it becomes their only device and
    they are signed in. One audit entry, `auth.sign_in` with the reason "authenticator app
    set up", records both: it is one step of one sign-in."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    AuthenticatorApp.objects.filter(user=user).exclude(pk=device.pk).delete()
    if user.two_factor_reset_by:  # the reset is finished: either reset may be made again
        user.two_factor_reset_by = ""
        user.save(update_fields=["two_factor_reset_by"])
    sign_in_success_record(user=user, origin=origin, reasons=["authenticator app set up"])


def two_factor_enrol_start(*, user: User) -> AuthenticatorApp:
    """The unconfirmed device being enrolled (one at a time), created with a fresh secret."""
    waiting = AuthenticatorApp.objects.filter(user=user, confirmed=False).order_by("-id")
    device: AuthenticatorApp | None = waiting.first()
    if device is None:
        device = AuthenticatorApp.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device
