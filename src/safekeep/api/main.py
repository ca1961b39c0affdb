"""The django-ninja API object; each domain adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Safekeep API",
    version="1",
    description="Case records for the council's other systems. Every call is decided by the "
    "same access policy as the web pages and is audited.",
    urls_namespace="api",
)
