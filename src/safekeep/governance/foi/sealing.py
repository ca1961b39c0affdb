"""How an FOI requester's name and contact details are sealed at rest: the one place FOI
requests meet safekeep.crypto. Under the request's own data key (`foirequest:<pk>`), fields
`requester_name` and `requester_contact`; services seal, selectors open for the FOI team."""

from __future__ import annotations

from safekeep.crypto.envelope import KeyRef, decrypt_text, encrypt_text
from safekeep.governance.models import FoiRequest


def request_key(request_pk: int) -> KeyRef:
    return KeyRef.of("foirequest", request_pk)


def seal_requester(request: FoiRequest, *, name: str, contact: str) -> None:
    """Set the sealed requester on a saved request (its key is named after its pk)."""
    if request.pk is None:
        raise ValueError("save the request before sealing its requester")
    ref = request_key(request.pk)
    request.requester_name = encrypt_text(ref, field="requester_name", value=name)
    request.requester_contact = encrypt_text(ref, field="requester_contact", value=contact)


def open_requester(request: FoiRequest) -> tuple[str, str]:
    """The requester's name and contact details, for the FOI team's eyes only."""
    ref = request_key(request.pk)
    return (
        decrypt_text(ref, field="requester_name", text=request.requester_name),
        decrypt_text(ref, field="requester_contact", text=request.requester_contact),
    )
