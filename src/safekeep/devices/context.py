"""Which device a request comes from: the device credential cookie, checked against its hash.

Browsers carry the credential in a cookie set at enrolment; API clients send the same
credential in the `X-Safekeep-Device` header. A request without a valid, unrevoked
credential for an active or reported device is an unknown personal device, and
`device_facts_for_request` returns None.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.devices.conf import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    DEVICE_HEADER,
    LAST_SEEN_EVERY_SECONDS,
    os_minimums,
)
from safekeep.devices.models import Device, DeviceCredential
from safekeep.devices.vocabulary import DeviceFacts, os_is_supported

_CACHE_ATTR = "_safekeep_device"


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
    )


def device_for_request(request: HttpRequest) -> Device | None:
    """The enrolled device this request carries a valid credential for (once per request)."""
    if hasattr(request, _CACHE_ATTR):
        cached: Device | None = getattr(request, _CACHE_ATTR)
        return cached
    device: Device | None = None
    # Browsers carry the credential in a cookie; API clients send it in a header.
    token = request.headers.get(DEVICE_HEADER) or request.COOKIES.get(DEVICE_COOKIE, "")
    if token and len(token) < 200:
        credential = (
            DeviceCredential.objects.select_related("device")
            .filter(token_hash=hash_secret(token), revoked_at__isnull=True)
            .first()
        )
        if credential is not None:
            device = credential.device
            _note_seen(device, credential)
    setattr(request, _CACHE_ATTR, device)
    return device


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
