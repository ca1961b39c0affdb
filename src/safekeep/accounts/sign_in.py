"""The sign-in decision: password, then a code from the person's authenticator app.

Pure of HTTP: views call these functions and keep the results in the session. The person
signing in learns only "signed in" or "not signed in" (or that their network must wait,
which says nothing about any account); which part was wrong goes to the audit log for
information governance, never to the screen. Guessing is slowed as throttle.py describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from safekeep.accounts import throttle
from safekeep.accounts.models import AuthenticatorApp, User
from safekeep.accounts.oidc import local_password_allowed
from safekeep.accounts.selectors import account_for_email, confirmed_devices
from safekeep.accounts.services import (
    sign_in_attempt_record,
    sign_in_refusal_record,
)
from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin

ADDRESS_WAITS = "too many attempts from this address: it must wait before trying again"
COUNCIL_ONLY = (
    "password sign-in is only for the break-glass administrators while council sign-in is on"
)
ACCOUNT_WAITS = (
    "too many failed attempts on this account: attempts from places it has not signed in "
    "from must wait"
)


@dataclass(frozen=True, slots=True)
class PasswordResult:
    """The outcome of the password step.

    `user` is only set when the password was right and the account may sign in; a wrong
    password, an unknown email and a refused account all look the same to the caller.
    `wait_seconds` is set when the attempt was not looked at because its address must wait
    (the same for every email, so it may be shown).
    """

    user: User | None
    needs_enrolment: bool = False
    wait_seconds: int = 0
    council_only: bool = False  # council sign-in is on and this email may not use a password

    @property
    def ok(self) -> bool:
        return self.user is not None


def account_refusal(user: User) -> str | None:
    """Why this account may not sign in at all (for the audit log), or None."""
    return account_may_act(user, timezone.now()).reason or None


def password_check(*, email: str, password: str, origin: Origin) -> PasswordResult:
    """Checks email and password, unless the address or the account must wait first."""
    user = account_for_email(email)
    if throttle.address_wait(origin.source_address):
        sign_in_refusal_record(
            user=user, origin=origin, reason=ADDRESS_WAITS, against_account=False, new_attempt=True
        )
        return PasswordResult(user=None, wait_seconds=throttle.address_wait(origin.source_address))
    if not local_password_allowed(email):
        make_password(password)  # the same work for every email, listed or not
        sign_in_refusal_record(
            user=user, origin=origin, reason=COUNCIL_ONLY, against_account=False, new_attempt=True
        )
        return PasswordResult(user=None, council_only=True)
    if user is None or throttle.account_wait(user, origin.source_address):
        make_password(password)  # the same work as a real check, so timing reveals nothing
        reason = ACCOUNT_WAITS if user is not None else "no account with that email"
        sign_in_refusal_record(
            user=user, origin=origin, reason=reason, against_account=False, new_attempt=True
        )
        return PasswordResult(user=None)
    refusal = account_refusal(user)
    password_ok = user.check_password(password)
    if refusal is not None or not password_ok:
        sign_in_refusal_record(
            user=user,
            origin=origin,
            reason=refusal or "wrong password",
            against_account=refusal is None,
            new_attempt=True,
        )
        return PasswordResult(user=None)
    sign_in_attempt_record(origin=origin)
    return PasswordResult(user=user, needs_enrolment=not confirmed_devices(user))


def code_check(*, user: User, code: str, origin: Origin) -> AuthenticatorApp | None:
    """The confirmed app that accepts this code, or None (a wrong code counts against the
    account; the attempt was counted for its address at the password step)."""
    user.refresh_from_db()
    refusal = account_refusal(user)
    if refusal is None:
        for device in confirmed_devices(user):
            if device.verify_token(code):
                return device
    _code_refused(user, origin, refusal, "wrong two-factor code", new_attempt=False)
    return None


def _code_refused(
    user: User, origin: Origin, refusal: str | None, wrong_code: str, *, new_attempt: bool
) -> None:
    """A refused code: why the account may not go on if it may not (not counted against
    it), else a wrong code (counted)."""
    sign_in_refusal_record(
        user=user,
        origin=origin,
        reason=refusal or wrong_code,
        against_account=refusal is None,
        new_attempt=new_attempt,
    )


def enrolment_refusal(user: User, origin: Origin) -> str | None:
    """Why the set-up page may take no more codes now (for the audit log), or None."""
    if throttle.address_wait(origin.source_address):
        return ADDRESS_WAITS
    return account_refusal(user)


def enrolment_code_check(
    *, user: User, device: AuthenticatorApp, code: str, origin: Origin
) -> bool:
    """Whether the code proves the new authenticator app works (each wrong code is a new
    attempt, from its address and against the account)."""
    user.refresh_from_db()
    refusal = enrolment_refusal(user, origin)
    if refusal is None and device.verify_token(code):
        return True
    _code_refused(user, origin, refusal, "wrong code while setting up app", new_attempt=True)
    return False
