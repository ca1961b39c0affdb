"""Which device a request comes from: the device credential cookie, checked against its hash.

Browsers carry the credential in a cookie set at enrolment; API clients send the same
credential in the `X-Safekeep-Device` header. A request without a valid, unrevoked
credential for an active or reported device is an unknown personal device, and
`device_facts_for_request` returns None.

A credential is the device only for the person it was issued to, and only while their
account may act (`accounts.standing`). Presented with anyone else's session or API token it
counts as no device — so the device rules refuse case content — and one
`device.credential_refused` entry records it, once per request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin, audit_event
from safekeep.core.rows import Columns, table
from safekeep.devices.conf import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    DEVICE_HEADER,
    LAST_SEEN_EVERY_SECONDS,
    os_minimums,
)
from safekeep.devices.models import Device, DeviceCredential, TaskPolicyVersion
from safekeep.devices.selectors import current_task_policy, task_policy_of
from safekeep.devices.vocabulary import DeviceFacts, TaskPolicySnapshot, os_is_supported

_CACHE_ATTR = "_safekeep_device"
ANOTHER_PERSON = "issued to another person"


@dataclass(frozen=True, slots=True)
class RequestDevice:
    """What a request's credential turned out to be, for the person the request is from.

    `refusal` says why a credential it carries does not count (for the audit log and the
    "This device" page); "" when it counts or when there is none.
    """

    person_pk: int | None
    device: Device | None = None
    refusal: str = ""
    # The task policy in force, when it was read with the credential (None: not read).
    task_policy: TaskPolicySnapshot | None = None


_VERSION = Columns(TaskPolicyVersion, "v")
_CREDENTIAL = Columns(DeviceCredential, "c")
_DEVICE = Columns(Device, "d")
# On every request that carries a credential, in one query: the unrevoked credential and
# its device, and the task-policy version in force (which the request's decisions need).
_CREDENTIAL_SQL = f"""
SELECT {_VERSION.sql}, {_CREDENTIAL.sql}, {_DEVICE.sql}
FROM (SELECT 1 AS one) one
LEFT JOIN {table(TaskPolicyVersion)} v
  ON v.number = (SELECT MAX(x.number) FROM {table(TaskPolicyVersion)} x)
LEFT JOIN {table(DeviceCredential)} c ON c.token_hash = %s AND c.revoked_at IS NULL
LEFT JOIN {table(Device)} d ON d.id = c.device_id
"""  # noqa: S608  # nosec B608 # only model table and column names are formatted in


def _credential(token: str) -> tuple[DeviceCredential | None, TaskPolicySnapshot]:
    """The credential of `token` with its device (None: no such working credential), and
    the task policy in force now."""
    with connection.cursor() as cursor:
        cursor.execute(_CREDENTIAL_SQL, [hash_secret(token)])
        row = cursor.fetchone()
    version = None if row[0] is None else _VERSION.build(row)
    policy = task_policy_of(version)
    if row[_VERSION.width] is None:
        return None, policy
    credential = _CREDENTIAL.build(row, _VERSION.width)
    credential.device = _DEVICE.build(row, _VERSION.width + _CREDENTIAL.width)
    return credential, policy


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def device_facts(device: Device) -> DeviceFacts:
    return DeviceFacts(
        enrolled=True,
        ownership=device.ownership,
        device_type=device.device_type,
        status=device.status,
        encrypted=device.encrypted,
        passcode=device.passcode,
        on_site=device.on_site,
        os_supported=os_is_supported(device.os_name, device.os_version, os_minimums()),
        label=device.label,
        asset_tag=device.asset_tag,
        mdm_compliance=device.mdm_compliance,
    )


def request_device(request: HttpRequest) -> RequestDevice:
    """The enrolled device this request carries a credential for, checked once per request
    (and again only if the request's person changes, as at sign-in)."""
    user = getattr(request, "user", None)
    person_pk = user.pk if user is not None and user.is_authenticated else None
    cached: RequestDevice | None = getattr(request, _CACHE_ATTR, None)
    if cached is not None and cached.person_pk == person_pk:
        return cached
    found = RequestDevice(person_pk)
    # Browsers carry the credential in a cookie; API clients send it in a header.
    token = request.headers.get(DEVICE_HEADER) or request.COOKIES.get(DEVICE_COOKIE, "")
    if token and len(token) < 200 and person_pk is not None:
        credential, policy = _credential(token)
        found = RequestDevice(person_pk, task_policy=policy)
        if credential is not None:
            refusal = _refusal(request, credential)
            if refusal:
                _record_refusal(request, credential, refusal)
                found = RequestDevice(person_pk, refusal=refusal, task_policy=policy)
            else:
                _note_seen(credential.device, credential)
                found = RequestDevice(person_pk, device=credential.device, task_policy=policy)
    setattr(request, _CACHE_ATTR, found)
    return found


def task_policy_for_request(request: HttpRequest) -> TaskPolicySnapshot:
    """The task policy in force for this request: as read with its device credential, or
    on its own when it carries none."""
    policy = request_device(request).task_policy
    return policy if policy is not None else current_task_policy()


def device_for_request(request: HttpRequest) -> Device | None:
    """The enrolled device this request comes from, or None: an unknown personal device."""
    return request_device(request).device


def _refusal(request: HttpRequest, credential: DeviceCredential) -> str:
    """Why this credential does not count for the signed-in person making the request."""
    user = request.user
    if credential.staff_id is None or credential.staff_id != getattr(user, "staff_id", None):
        return ANOTHER_PERSON
    return account_may_act(user, timezone.now()).reason  # type: ignore[arg-type]


def _record_refusal(request: HttpRequest, credential: DeviceCredential, refusal: str) -> None:
    audit_event(
        origin=Origin.from_request(request),
        action="device.credential_refused",
        decision="refused",
        object_type="device",
        object_id=credential.device.asset_tag,
        reasons=[refusal],
    )


def device_facts_for_request(request: HttpRequest) -> DeviceFacts | None:
    """The device facts for the access decision; None means an unknown personal device."""
    device = device_for_request(request)
    return device_facts(device) if device is not None else None


def origin_for(request: HttpRequest) -> Origin:
    """The audit origin of a request, naming the device by its asset tag when known."""
    device = device_for_request(request)
    return Origin.from_request(request, device=device.asset_tag if device is not None else "")


def set_device_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_MAX_AGE,
        secure=getattr(settings, "SAFEKEEP_HTTPS", False),
        httponly=True,
        samesite="Lax",
    )


def _note_seen(device: Device, credential: DeviceCredential) -> None:
    """Record when the device was last seen, at most every few minutes (no audit: telemetry)."""
    now = timezone.now()
    last = device.last_seen
    if last is None or (now - last).total_seconds() > LAST_SEEN_EVERY_SECONDS:
        Device.objects.filter(pk=device.pk).update(last_seen=now)
        DeviceCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
        device.last_seen = now


def device_facts_for_asset_tag(asset_tag: str) -> DeviceFacts | None:
    """For `safekeep access explain --device TAG`: the facts of a registered device, or None."""
    device = Device.objects.filter(asset_tag=asset_tag).first()
    return device_facts(device) if device is not None else None
