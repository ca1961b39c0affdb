"""Template context every page needs: the navigation for the signed-in person's roles."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"service_name": "Safekeep", "nav_items": []}
