"""Enrolling a calling system as a device, so the device rules can apply to its calls."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safekeep.api.errors import responses
from safekeep.devices.context import origin_for
from safekeep.devices.services import DeviceError, enrolment_redeem
from safekeep.web.pages import account_of

router = Router(tags=["devices"])


class EnrolmentIn(Schema):
    code: str = Field(
        max_length=64, description="the code IT gave, 12 letters and digits; dashes are ignored"
    )


class EnrolmentOut(Schema):
    asset_tag: str
    credential: str


class EnrolmentRefused(Schema):
    detail: str


@router.post(
    "/devices/enrol",
    response=responses({201: EnrolmentOut, 400: EnrolmentRefused}),
    summary="Exchange a one-time enrolment code from IT for this system's device credential",
)
def enrol(request: HttpRequest, payload: EnrolmentIn) -> Status[EnrolmentOut | EnrolmentRefused]:
    """Send the credential as `X-Safekeep-Device` on every later call; it is shown once.

    IT issues the code for the device's assigned member of staff, whose token this call must
    carry; the credential then works only with that person's token.
    """
    try:
        device, credential = enrolment_redeem(
            origin=origin_for(request), code=payload.code, user=account_of(request)
        )
    except DeviceError as refused:
        return Status(400, EnrolmentRefused(detail=str(refused)))
    return Status(201, EnrolmentOut(asset_tag=device.asset_tag, credential=credential))
