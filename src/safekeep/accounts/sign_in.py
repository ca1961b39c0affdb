"""The sign-in decision: password, then a code from the person's authenticator app.

Pure of HTTP: views call these functions and keep the results in the session. The person
signing in learns only "signed in" or "not signed in"; which part was wrong goes to the
audit log for information governance, never to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from safekeep.accounts.models import User
from safekeep.accounts.selectors import account_for_email, confirmed_devices
from safekeep.accounts.services import is_locked, sign_in_failure_record
from safekeep.audit.writing import Origin


@dataclass(frozen=True, slots=True)
class PasswordResult:
    """The outcome of the password step.

    `user` is only set when the password was right and the account may sign in; a wrong
    password, an unknown email and a refused account all look the same to the caller.
    """

    user: User | None
    needs_enrolment: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def account_refusal(user: User) -> str | None:
    """Why this account may not sign in at all (for the audit log), or None."""
    if not user.is_active:
        return "account disabled"
    if user.staff is None:
        return "account not linked to a member of staff"
    if user.staff.is_leaver():
        return "staff member has left"
    if is_locked(user):
        return "account locked after repeated failed attempts"
    return None


def password_check(*, email: str, password: str, origin: Origin) -> PasswordResult:
    """Checks email and password; failures count towards the lockout."""
    user = account_for_email(email)
    if user is None:
        make_password(password)  # the same work as a real check, so timing reveals nothing
        sign_in_failure_record(user=None, origin=origin, reason="no account with that email")
        return PasswordResult(user=None)
    refusal = account_refusal(user)
    password_ok = user.check_password(password)
    if refusal is not None:
        sign_in_failure_record(user=user, origin=origin, reason=refusal)
        return PasswordResult(user=None)
    if not password_ok:
        sign_in_failure_record(user=user, origin=origin, reason="wrong password")
        return PasswordResult(user=None)
    return PasswordResult(user=user, needs_enrolment=not confirmed_devices(user))


def code_check(*, user: User, code: str, origin: Origin) -> TOTPDevice | None:
    """The confirmed device that accepts this code, or None (counted towards the lockout)."""
    user.refresh_from_db()
    refusal = account_refusal(user)
    if refusal is not None:
        sign_in_failure_record(user=user, origin=origin, reason=refusal)
        return None
    for device in confirmed_devices(user):
        if device.verify_token(code):
            return device
    sign_in_failure_record(user=user, origin=origin, reason="wrong two-factor code")
    return None


def enrolment_code_check(*, user: User, device: TOTPDevice, code: str, origin: Origin) -> bool:
    """Whether the code proves the new authenticator app works (failures count too)."""
    user.refresh_from_db()
    refusal = account_refusal(user)
    if refusal is not None:
        sign_in_failure_record(user=user, origin=origin, reason=refusal)
        return False
    if device.verify_token(code):
        return True
    sign_in_failure_record(user=user, origin=origin, reason="wrong code while setting up app")
    return False
