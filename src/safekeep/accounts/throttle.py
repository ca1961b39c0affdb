"""Slowing down guessing without locking anyone out: by source address, and by account.

The policy (docs/accounts.md, "Slowing down guessing"):

- Every attempt from a place counts until it ends in a sign-in (a right password counts
  until its code is right, so how the count moves says nothing about the password). One
  attempt is forgiven every SAFEKEEP_SIGN_IN_FORGIVE_MINUTES.
- A place with more than SAFEKEEP_SIGN_IN_FREE_ATTEMPTS waits before its next attempt is
  looked at, twice as long after each attempt (1 second, 2, 4, ... at most
  SAFEKEEP_SIGN_IN_MAX_WAIT_MINUTES); at SAFEKEEP_SIGN_IN_BLOCK_AFTER it is blocked for
  SAFEKEEP_SIGN_IN_BLOCK_MINUTES.
- Wrong passwords and codes against one account, from anywhere, slow that account the same
  way, but never block it, and only for places it has not signed in from within
  SAFEKEEP_KNOWN_PLACE_DAYS: its owner signing in from a known place is not held up.

A place is the source address the audit log records; an IPv6 address counts as its /64
network, which one household or attacker holds as a whole. Pure bookkeeping: the sign-in
services (services.py) audit what these functions report.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass
from enum import IntEnum

from django.conf import settings
from django.utils import timezone

from safekeep.accounts.models import KnownPlace, SignInThrottle, User

ADDRESS = SignInThrottle.Scope.ADDRESS
ACCOUNT = SignInThrottle.Scope.ACCOUNT
_LONGEST_DOUBLING = 30  # 2**30 seconds is far past any maximum wait


class Stage(IntEnum):
    FREE = 0
    SLOWED = 1
    BLOCKED = 2


@dataclass(frozen=True, slots=True)
class Throttled:
    """A slow-down or block that has just begun, for the audit log."""

    scope: str
    key: str
    reason: str


def place_of(address: str) -> str:
    """The place an address counts as: an IPv4 address itself, an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def stage_of(scope: str, attempts: int) -> Stage:
    if scope == ADDRESS and attempts >= settings.SAFEKEEP_SIGN_IN_BLOCK_AFTER:
        return Stage.BLOCKED
    if attempts > settings.SAFEKEEP_SIGN_IN_FREE_ATTEMPTS:
        return Stage.SLOWED
    return Stage.FREE


def wait_after(scope: str, attempts: int) -> dt.timedelta:
    """How long after this many uncompleted attempts the next one must wait."""
    stage = stage_of(scope, attempts)
    if stage is Stage.BLOCKED:
        return dt.timedelta(minutes=settings.SAFEKEEP_SIGN_IN_BLOCK_MINUTES)
    if stage is Stage.FREE:
        return dt.timedelta(0)
    doublings = min(attempts - settings.SAFEKEEP_SIGN_IN_FREE_ATTEMPTS - 1, _LONGEST_DOUBLING)
    longest = dt.timedelta(minutes=settings.SAFEKEEP_SIGN_IN_MAX_WAIT_MINUTES)
    return min(dt.timedelta(seconds=2**doublings), longest)


def _bring_up_to_date(row: SignInThrottle, now: dt.datetime) -> None:
    """Forgive one attempt for each whole forgiveness period since the row was counted."""
    period = dt.timedelta(minutes=settings.SAFEKEEP_SIGN_IN_FORGIVE_MINUTES)
    forgiven = int((now - row.counted_at) / period)
    if forgiven:
        row.attempts = max(0, row.attempts - forgiven)
        row.counted_at += forgiven * period
    if row.attempts == 0:
        row.counted_at = now


def _reason(scope: str, stage: Stage, attempts: int, key: str) -> str:
    count = f"{attempts} sign-in attempts"
    longest = settings.SAFEKEEP_SIGN_IN_MAX_WAIT_MINUTES
    if stage is Stage.BLOCKED:
        return (
            f"{count} from {key} that did not succeed: "
            f"blocked for {settings.SAFEKEEP_SIGN_IN_BLOCK_MINUTES} minutes"
        )
    if scope == ADDRESS:
        return (
            f"{count} from {key} that did not succeed: each further attempt from there waits, "
            f"twice as long each time (at most {longest} minutes)"
        )
    return (
        f"{count} to this account that did not succeed: attempts from places it has not "
        f"signed in from in {settings.SAFEKEEP_KNOWN_PLACE_DAYS} days wait, twice as long "
        f"each time (at most {longest} minutes); its owner at a known place is not held up"
    )


def _count(scope: str, key: str, now: dt.datetime) -> Throttled | None:
    """One more attempt; the slow-down or block it begins, if any. Call inside a transaction."""
    row = SignInThrottle.objects.select_for_update().filter(scope=scope, key=key).first()
    if row is None:
        row = SignInThrottle(scope=scope, key=key, attempts=0, counted_at=now)
    _bring_up_to_date(row, now)
    before = row.attempts
    after = row.attempts = before + 1
    wait = wait_after(scope, after)
    if wait and (row.wait_until is None or row.wait_until < now + wait):
        row.wait_until = now + wait  # a wait is lengthened, never cut short
    row.save()
    stage = stage_of(scope, after)
    if stage > stage_of(scope, before):
        return Throttled(scope, key, _reason(scope, stage, after, key))
    return None


def _seconds_left(scope: str, key: str, now: dt.datetime) -> int:
    until = (
        SignInThrottle.objects.filter(scope=scope, key=key)
        .values_list("wait_until", flat=True)
        .first()
    )
    if until is None or until <= now:
        return 0
    return math.ceil((until - now).total_seconds())


def address_count(address: str, *, now: dt.datetime | None = None) -> Throttled | None:
    """An attempt from this address that has not (yet) ended in a sign-in."""
    return _count(ADDRESS, place_of(address), now or timezone.now())


def account_count(user: User, *, now: dt.datetime | None = None) -> Throttled | None:
    """A wrong password or code against this account."""
    return _count(ACCOUNT, str(user.pk), now or timezone.now())


def address_wait(address: str, *, now: dt.datetime | None = None) -> int:
    """Seconds before an attempt from this address will be looked at (0: now)."""
    return _seconds_left(ADDRESS, place_of(address), now or timezone.now())


def account_wait(user: User, address: str, *, now: dt.datetime | None = None) -> int:
    """Seconds before an attempt on this account from this address will be looked at; always 0
    from a place the account has signed in from lately."""
    moment = now or timezone.now()
    if is_known_place(user, address, now=moment):
        return 0
    return _seconds_left(ACCOUNT, str(user.pk), moment)


def is_known_place(user: User, address: str, *, now: dt.datetime | None = None) -> bool:
    since = (now or timezone.now()) - dt.timedelta(days=settings.SAFEKEEP_KNOWN_PLACE_DAYS)
    return KnownPlace.objects.filter(
        user=user, place=place_of(address), last_signed_in_at__gte=since
    ).exists()


def signed_in(user: User, address: str, *, now: dt.datetime | None = None) -> None:
    """A completed sign-in: its attempt is forgiven, the account's count cleared, and the
    place remembered as one the account signs in from."""
    moment = now or timezone.now()
    place = place_of(address)
    row = SignInThrottle.objects.select_for_update().filter(scope=ADDRESS, key=place).first()
    if row is not None:
        _bring_up_to_date(row, moment)
        row.attempts = max(0, row.attempts - 1)
        row.save(update_fields=["attempts", "counted_at"])
    account_clear(user)
    KnownPlace.objects.update_or_create(
        user=user, place=place, defaults={"last_signed_in_at": moment}
    )


def account_row(user: User) -> SignInThrottle | None:
    """The failures counted against an account, if any (for the administrator's page)."""
    return SignInThrottle.objects.filter(scope=ACCOUNT, key=str(user.pk)).first()


def account_clear(user: User) -> None:
    """Forget the failures against an account (a sign-in, or an administrator's reset)."""
    SignInThrottle.objects.filter(scope=ACCOUNT, key=str(user.pk)).delete()
