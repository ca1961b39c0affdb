"""The django-ninja API object; each domain adds its router here."""

from ninja import NinjaAPI

from safekeep.api.auth import TokenAuth
from safekeep.api.cases import router as cases_router
from safekeep.api.devices import router as devices_router

api = NinjaAPI(
    title="Safekeep API",
    version="1",
    description="Case records for the council's other systems. Every call is decided by the "
    "same access policy as the web pages and is audited. Authenticate with "
    "`Authorization: Bearer <token>`; create a token on the API tokens page or with "
    "`safekeep api-token create --user EMAIL`. A token expires (90 days by default) and ends "
    "when its account signs out everywhere, has its password reset, or may no longer use "
    "Safekeep; then every call answers 401. Case content also needs an enrolled device: "
    "exchange IT's one-time enrolment code, issued for the token's person, at "
    "`POST /devices/enrol` and send the credential as `X-Safekeep-Device` on every call; it "
    "works only with that person's token.",
    urls_namespace="api",
    auth=TokenAuth(),
)
api.add_router("", cases_router)
api.add_router("", devices_router)
