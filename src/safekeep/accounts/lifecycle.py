"""Joiners and movers: a system administrator creates a sign-in, resets a password or an
authenticator app, and unlocks a sign-in slowed by failed attempts (docs/accounts.md,
"Joiners and movers").

Every function here writes, in one transaction, with its audit entry (a refusal is recorded
too). None of it shows or touches case content: what a person may see is decided by their
roles and team (the staff directory, with its second-person approval), never here.

Three rules keep these powers from becoming a way in:

- nobody may do any of this to their own sign-in (the insider rule);
- an account that may not act now (a leaver, a disabled account: accounts.standing) is
  not given a new way to sign in;
- one administrator may not both reset someone's password and remove their authenticator
  app, since with both they could sign in as that person: the second needs another
  administrator, or the person to finish setting up first;
- an administrator who asked for a change that gives someone access (case content, IG or
  administrator rights: organisation.StaffChange, approved by a second person) may not
  also hand over the way in (a set-up link) to that person's sign-in, or one administrator
  could add a person, have their access approved, and sign in as them.

A set-up link's token is 256 random bits; only its SHA-256 is stored. It works once, for
LINK_HOURS, and issuing a new link for the account ends any earlier one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safekeep.accounts import throttle
from safekeep.accounts.models import AuthenticatorApp, SetUpLink, User
from safekeep.accounts.services import AccountError, account_create, password_problems
from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.organisation.models import StaffChange, StaffMember

LINK_HOURS = 72
SET_UP_PATH = "/account/set-up/"  # the set-up link is this path, then the token

OWN_ACCOUNT = "You cannot change your own sign-in. Ask another system administrator."
HAS_SIGN_IN = "already has a sign-in"
LEFT = "has left"
BOTH_RESETS = (
    "You removed this person's authenticator app, so another system administrator must "
    "reset their password (nobody may do both, or they could sign in as that person)."
)
BOTH_RESETS_LINK = (
    "You issued this person a set-up link that has not been used yet, so another system "
    "administrator must remove their authenticator app (nobody may do both, or they could "
    "sign in as that person)."
)

ASKED_FOR_ACCESS = (
    "You asked for this person's access, so another system administrator must give them "
    "their set-up link (nobody may both ask for someone's access and hand over the way in)."
)

# Why a link does not work, for the audit log; the person is told only that it does not.
LINK_UNKNOWN = "no such set-up link"
LINK_USED = "set-up link already used"
LINK_EXPIRED = "set-up link expired"


class Refused(AccountError):
    """A lifecycle step that may not be taken; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Issued:
    """A set-up link just made: `token` is shown once and never stored."""

    user: User
    link: SetUpLink
    token: str

    def url(self, base: str) -> str:
        return f"{base.rstrip('/')}{SET_UP_PATH}{self.token}/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refuse(
    origin: Origin, action: str, object_id: str, message: str, *, reason: str = ""
) -> Refused:
    """Records the refusal and returns it for the caller to raise (outside any transaction
    of its own, so the entry is kept)."""
    audit_event(
        origin=origin,
        action=action,
        decision="refused",
        object_type="account",
        object_id=object_id,
        reasons=[reason or message],
    )
    return Refused(message)


def _name(staff: StaffMember) -> str:
    return f"{staff.full_name} ({staff.staff_id})"


def _issue(user: User, purpose: str, origin: Origin, now: dt.datetime) -> Issued:
    """A new link for the account; any earlier unused link stops working now."""
    SetUpLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    link = SetUpLink.objects.create(
        user=user,
        token_hash=token_hash(token),
        purpose=purpose,
        issued_by_staff_id=origin.actor_staff_id,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=LINK_HOURS),
    )
    return Issued(user=user, link=link, token=token)


def _validity(link: SetUpLink) -> str:
    until = timezone.localtime(link.expires_at)
    return f"set-up link valid until {until:%Y-%m-%d %H:%M} ({LINK_HOURS} hours)"


# --- a new sign-in -------------------------------------------------------------------------


def invite_refusal(staff: StaffMember, *, actor_staff_id: str, now: dt.datetime) -> str:
    """Why `staff` may not be given a sign-in now, in plain words, or ""."""
    if actor_staff_id and staff.staff_id == actor_staff_id:
        return OWN_ACCOUNT
    if User.objects.filter(staff=staff).exists():
        return f"{_name(staff)} {HAS_SIGN_IN}."
    if staff.is_leaver(timezone.localdate(now)):
        return f"{_name(staff)} {LEFT} (their last working day was {staff.end_date})."
    if asked_for_access(staff, actor_staff_id=actor_staff_id):
        return ASKED_FOR_ACCESS
    return ""


def asked_for_access(staff: StaffMember, *, actor_staff_id: str) -> bool:
    """Whether this administrator asked for a change giving `staff` access that has not
    been refused (waiting or approved)."""
    if not actor_staff_id:
        return False
    return (
        StaffChange.objects.filter(staff=staff, requested_by__staff_id=actor_staff_id)
        .exclude(status=StaffChange.Status.REFUSED)
        .exists()
    )


def account_invite(*, staff: StaffMember, origin: Origin, now: dt.datetime | None = None) -> Issued:
    """The sign-in of a member of staff who has none, with no password yet, and the one-time
    link with which they choose one and set up their authenticator app."""
    moment = now or timezone.now()
    refusal = invite_refusal(staff, actor_staff_id=origin.actor_staff_id, now=moment)
    if refusal:
        raise _refuse(origin, "account.invite", staff.staff_id, refusal)
    with transaction.atomic():
        user = account_create(staff=staff)
        issued = _issue(user, SetUpLink.Purpose.INVITE, origin, moment)
        audit_change(origin, "account.invite", user, reasons=[_validity(issued.link)])
    return issued


# --- changes to an existing sign-in --------------------------------------------------------


def change_refusal(user: User, *, actor_staff_id: str, now: dt.datetime) -> str:
    """Why an administrator may not change this sign-in at all, or ""."""
    if actor_staff_id and user.staff is not None and user.staff.staff_id == actor_staff_id:
        return OWN_ACCOUNT
    standing = account_may_act(user, now)
    if not standing.may_act:
        return f"This sign-in cannot be changed: {standing.reason}."
    return ""


def _checked(user: User, action: str, origin: Origin, now: dt.datetime, extra: str = "") -> None:
    refusal = change_refusal(user, actor_staff_id=origin.actor_staff_id, now=now) or extra
    if refusal:
        raise _refuse(origin, action, str(user.pk), refusal)


def _ended_everywhere(user: User) -> None:
    """Every session of the account, and every API token made before now, stops working at
    its next request (sessions and tokens carry the generation they were made under)."""
    user.session_generation = F("session_generation") + 1
    user.save(update_fields=["session_generation"])
    user.refresh_from_db(fields=["session_generation"])


def account_password_reset(*, user: User, origin: Origin, now: dt.datetime | None = None) -> Issued:
    """The old password stops working, every session and API token ends, and a new set-up
    link lets the person choose a password. If they still have their authenticator app they
    prove it with a code from it; if not, they set one up."""
    moment = now or timezone.now()
    user.refresh_from_db()
    both = bool(origin.actor_staff_id) and user.two_factor_reset_by == origin.actor_staff_id
    asked = user.staff is not None and asked_for_access(
        user.staff, actor_staff_id=origin.actor_staff_id
    )
    extra = BOTH_RESETS if both else ASKED_FOR_ACCESS if asked else ""
    _checked(user, "account.password_reset", origin, moment, extra)
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        _ended_everywhere(user)
        throttle.account_clear(user)
        issued = _issue(user, SetUpLink.Purpose.PASSWORD_RESET, origin, moment)
        audit_change(
            origin,
            "account.password_reset",
            user,
            reasons=["every session and API token ended", _validity(issued.link)],
        )
    return issued


def account_authenticator_reset(
    *, user: User, origin: Origin, now: dt.datetime | None = None
) -> User:
    """Removes every authenticator app of the account (a lost phone) and ends its sessions
    and API tokens: at their next sign-in the person sets up a new app."""
    moment = now or timezone.now()
    user.refresh_from_db()
    live_link = (
        bool(origin.actor_staff_id)
        and SetUpLink.objects.filter(
            user=user,
            issued_by_staff_id=origin.actor_staff_id,
            used_at__isnull=True,
            expires_at__gt=moment,
        ).exists()
    )
    _checked(
        user, "account.two_factor_reset", origin, moment, BOTH_RESETS_LINK if live_link else ""
    )
    with transaction.atomic():
        removed = AuthenticatorApp.objects.filter(user=user).delete()[0]
        user.two_factor_reset_by = origin.actor_staff_id
        user.save(update_fields=["two_factor_reset_by"])
        _ended_everywhere(user)
        audit_change(
            origin,
            "account.two_factor_reset",
            user,
            reasons=[
                f"{removed} authenticator app{'' if removed == 1 else 's'} removed",
                "every session and API token ended",
            ],
        )
    return user


def account_unlock(*, user: User, origin: Origin, now: dt.datetime | None = None) -> User:
    """Forgets the failed attempts counted against the account, so it is no longer slowed
    from places it has not signed in from (accounts.throttle)."""
    moment = now or timezone.now()
    _checked(user, "account.unlock", origin, moment)
    with transaction.atomic():
        row = throttle.account_row(user)
        attempts = row.attempts if row is not None else 0
        throttle.account_clear(user)
        audit_change(
            origin,
            "account.unlock",
            user,
            reasons=[f"{attempts} failed attempt{'' if attempts == 1 else 's'} forgotten"],
        )
    return user


# --- using a set-up link -------------------------------------------------------------------


def _link_problem(link: SetUpLink | None, now: dt.datetime) -> str:
    if link is None:
        return LINK_UNKNOWN
    if link.used_at is not None:
        return LINK_USED
    if link.expires_at <= now:
        return LINK_EXPIRED
    return account_may_act(link.user, now).reason


class LinkRefused(Exception):
    """The link does not work; `reason` is for the audit log, never the screen."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_open(*, token: str, origin: Origin, now: dt.datetime | None = None) -> SetUpLink:
    """The link this token belongs to, if it may still be used; else LinkRefused (audited)."""
    moment = now or timezone.now()
    link = (
        SetUpLink.objects.select_related("user", "user__staff")
        .filter(token_hash=token_hash(token))
        .first()
    )
    problem = _link_problem(link, moment)
    if problem:
        _link_refused(origin, link, problem)
        raise LinkRefused(problem)
    assert link is not None  # nosec B101 # narrows the type: no problem means a link
    return link


def link_reopen(
    *, link_pk: int, origin: Origin, now: dt.datetime | None = None
) -> SetUpLink | None:
    """The link the set-up page is working with, if it may still be used; a link that has
    stopped working since it was opened is refused (audited) and None returned."""
    moment = now or timezone.now()
    link = SetUpLink.objects.select_related("user", "user__staff").filter(pk=link_pk).first()
    problem = _link_problem(link, moment)
    if problem:
        _link_refused(origin, link, problem)
        return None
    return link


def _link_refused(origin: Origin, link: SetUpLink | None, problem: str) -> None:
    audit_event(
        origin=origin,
        action="account.set_up",
        decision="refused",
        object_type="account",
        object_id=str(link.user_id) if link is not None else "",
        reasons=[problem],
    )


def link_use(
    *, link_pk: int, password: str, origin: Origin, now: dt.datetime | None = None
) -> User:
    """The person chooses their password: the link is used up (once only, even if two
    requests race) and the account has that password. Raises LinkRefused (audited) if the
    link no longer works, AccountError if the password breaks a rule (the link still works).
    """
    moment = now or timezone.now()
    with transaction.atomic():
        link = (
            SetUpLink.objects.select_for_update().select_related("user").filter(pk=link_pk).first()
        )
        problem = _link_problem(link, moment)
        if link is not None and not problem:
            user = link.user
            problems = password_problems(user=user, password=password)
            if problems:
                raise AccountError(" ".join(problems))
            link.used_at = moment
            link.save(update_fields=["used_at"])
            user.set_password(password)
            user.save(update_fields=["password"])
            throttle.account_clear(user)
            audit_change(
                origin,
                "account.set_up",
                user,
                reasons=[f"password chosen with a {link.get_purpose_display().lower()} link"],
            )
            return user
    _link_refused(origin, link, problem)
    raise LinkRefused(problem)


def link_refuse_while_signed_in(*, token: str, origin: Origin) -> None:
    """A link opened in a browser already signed in (perhaps the administrator's own): it
    is not used, so nobody sets up someone else's sign-in by accident. Audited."""
    link = SetUpLink.objects.filter(token_hash=token_hash(token)).first()
    _link_refused(origin, link, "opened while signed in: the link was not used")
