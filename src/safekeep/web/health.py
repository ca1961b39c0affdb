"""`/healthz` and `/readyz` for the load balancer: unauthenticated, not audited (they are
called every few seconds), answering one word and revealing nothing else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from safekeep.operations.health import readiness


def _word(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answering."""
    return _word("ok")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers, the keys serve this database, the audit chain keeps up."""
    state = readiness()
    return _word("ready") if state.ready else _word("not ready", status=503)
