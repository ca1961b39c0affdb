"""/scim/v2/: thin handlers. scim2-models parses and checks each request and writes each
answer; `services` makes the change; every request is audited, naming the client."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    Group,
    ListResponse,
    NotFoundException,
    NotImplementedException,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)

from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import Role, StaffMember, Team
from safekeep.provisioning import resources, services
from safekeep.provisioning.models import ScimClient
from safekeep.provisioning.resources import ROLE, TEAM, UserResource
from safekeep.provisioning.selectors import scim_staff
from safekeep.provisioning.tokens import REFUSAL, client_origin, scim_client_for

SCIM_JSON = "application/scim+json"
Handler = Callable[..., HttpResponse]


def _answer(data: dict[str, Any] | None, status: int = 200, location: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data) if data is not None else b"", status=status, content_type=SCIM_JSON
    )
    if location:
        response["Location"] = location
    return response


def _error(error: Error) -> HttpResponse:
    return _answer(error.model_dump(), status=error.status or 400)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2")


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        raise SCIMException(detail="The body is not JSON") from None


def scim(methods: set[str]) -> Callable[[Handler], Handler]:
    """Bearer token first; a SCIM error (ours or scim2-models') becomes a SCIM answer."""

    def wrap(handler: Handler) -> Handler:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            origin = Origin.from_request(request)
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            client = (
                scim_client_for(token.strip(), origin=origin)
                if scheme.lower() == "bearer"
                else None
            )
            if client is None:
                audit_event(
                    origin=origin, action="auth.scim_token", decision="refused", reasons=[REFUSAL]
                )
                return _error(UnauthorizedException(detail=REFUSAL).to_error())
            try:
                return handler(request, client, client_origin(client, origin), *args, **kwargs)
            except SCIMException as exc:
                return _error(exc.to_error())
            except ValidationError as exc:
                return _error(Error.from_validation_errors(exc)[0])

        view.http_methods = tuple(sorted(methods))  # type: ignore[attr-defined]
        return view

    return wrap


def _read(origin: Origin, what: str, object_id: str = "") -> None:
    audit_event(
        origin=origin, action="scim.read", decision="allowed", object_type=what, object_id=object_id
    )


def _listed(request: HttpRequest, model: Any, items: list[Any]) -> HttpResponse:
    """GET with query parameters, or POST .search with them in the body (RFC 7644 §3.4.3)."""
    asked = _body(request) if request.method == "POST" else dict(request.GET.items())
    search = SearchRequest[model].model_validate(asked, scim_ctx=Context.SEARCH_REQUEST)
    if search.filter is not None:
        items = [item for item in items if search.filter.match(item)]
    start = max(search.start_index or 1, 1)
    count = min(
        resources.MAX_RESULTS if search.count is None else max(search.count, 0),
        resources.MAX_RESULTS,
    )
    page = items[start - 1 : start - 1 + count]
    answer = ListResponse[model](
        total_results=len(items), start_index=start, items_per_page=len(page), resources=page
    )
    return _answer(answer.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


@scim({"GET"})
def service_provider_config(
    request: HttpRequest, client: ScimClient, origin: Origin
) -> HttpResponse:
    _read(origin, "scim_discovery", "ServiceProviderConfig")
    config = resources.service_provider_config(_base(request))
    return _answer(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _discovery(found: list[Any], model: type[Any], key: str, what: str) -> HttpResponse:
    """A discovery listing, or the one entry of it that `key` names."""
    if not key:
        listing = ListResponse[model](  # type: ignore[valid-type]
            total_results=len(found), start_index=1, items_per_page=len(found), resources=found
        )
        return _answer(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))
    for item in found:
        if item.id == key:
            return _answer(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No {what} {key!r}")


@scim({"GET"})
def resource_types(
    request: HttpRequest, client: ScimClient, origin: Origin, name: str = ""
) -> HttpResponse:
    _read(origin, "scim_discovery", "ResourceTypes")
    found = resources.resource_types(_base(request))
    return _discovery(found, ResourceType, name, "resource type")


@scim({"GET"})
def schemas(
    request: HttpRequest, client: ScimClient, origin: Origin, urn: str = ""
) -> HttpResponse:
    _read(origin, "scim_discovery", "Schemas")
    return _discovery(resources.schemas(_base(request)), Schema, urn, "schema")


def _user(staff: StaffMember, request: HttpRequest) -> UserResource:
    return resources.user_resource(staff, base=_base(request), today=timezone.localdate())


def _shown(request: HttpRequest, model: type[Any]) -> Any:
    """The `attributes` and `excludedAttributes` asked for (RFC 7644 §3.9)."""
    return ResponseParameters[model].model_validate(  # type: ignore[valid-type]
        dict(request.GET.items())
    )


def _user_answer(
    staff: StaffMember, request: HttpRequest, context: Context, status: int = 200
) -> HttpResponse:
    staff = scim_staff().get(pk=staff.pk)
    user = _user(staff, request)
    meta = user.meta
    return _answer(
        user.model_dump(scim_ctx=context, response_parameters=_shown(request, UserResource)),
        status=status,
        location=str(meta.location) if meta and status == 201 else "",
    )


@scim({"GET", "POST"})
def users(request: HttpRequest, client: ScimClient, origin: Origin) -> HttpResponse:
    if request.method == "POST":
        resource = UserResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        staff = services.user_create(resource=resource, origin=origin)
        return _user_answer(staff, request, Context.RESOURCE_CREATION_RESPONSE, status=201)
    _read(origin, "staff", "")
    return _listed(request, UserResource, [_user(staff, request) for staff in scim_staff()])


def _staff(pk: str) -> StaffMember:
    staff = scim_staff().filter(pk=int(pk)).first() if pk.isdigit() else None
    if staff is None:
        raise NotFoundException(detail=f"No User {pk!r}")
    return staff


@scim({"POST"})
def users_search(request: HttpRequest, client: ScimClient, origin: Origin) -> HttpResponse:
    _read(origin, "staff", "")
    return _listed(request, UserResource, [_user(staff, request) for staff in scim_staff()])


@scim({"GET", "PUT", "PATCH", "DELETE"})
def user(request: HttpRequest, client: ScimClient, origin: Origin, pk: str) -> HttpResponse:
    staff = _staff(pk)
    if request.method == "GET":
        _read(origin, StaffMember.audit_type, staff.staff_id)
        return _user_answer(staff, request, Context.RESOURCE_QUERY_RESPONSE)
    if request.method == "DELETE":
        services.user_remove(staff=staff, client=client, origin=origin)
        return _answer(None, status=204)
    if request.method == "PUT":
        resource = UserResource.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        resource.external_id = resource.external_id or staff.staff_id
    else:
        patch = PatchOp[UserResource].model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        resource = _user(staff, request)
        patch.patch(resource)
    services.user_replace(staff=staff, resource=resource, origin=origin)
    return _user_answer(staff, request, Context.RESOURCE_REPLACEMENT_RESPONSE)


def _groups(request: HttpRequest) -> list[Group]:
    people = list(scim_staff())
    base = _base(request)
    today = timezone.localdate()
    present = [staff for staff in people if resources.is_active(staff, today)]
    teams = [
        resources.team_group(team, [s for s in present if s.team_id == team.pk], base=base)
        for team in Team.objects.order_by("pk")
    ]
    roles = [
        resources.role_group(role, [s for s in present if role in s.role_names()], base=base)
        for role in Role.values
    ]
    return teams + roles


def _group(request: HttpRequest, group_id: str) -> Group:
    if group_id.startswith((TEAM, ROLE)):
        for group in _groups(request):
            if group.id == group_id:
                return group
    raise NotFoundException(detail=f"No Group {group_id!r}")


FIXED_GROUPS = (
    "Teams come from the staff import and roles are Safekeep's own: "
    "SCIM changes only who is in them"
)


@scim({"GET", "POST"})
def groups(request: HttpRequest, client: ScimClient, origin: Origin) -> HttpResponse:
    if request.method == "POST":
        raise NotImplementedException(detail=FIXED_GROUPS)
    _read(origin, "scim_group", "")
    return _listed(request, Group, _groups(request))


@scim({"POST"})
def groups_search(request: HttpRequest, client: ScimClient, origin: Origin) -> HttpResponse:
    _read(origin, "scim_group", "")
    return _listed(request, Group, _groups(request))


@scim({"POST"})
def search(request: HttpRequest, client: ScimClient, origin: Origin) -> HttpResponse:
    """POST /.search: Users and Groups at once."""
    _read(origin, "staff", "")
    users = [_user(staff, request) for staff in scim_staff()]
    return _listed(request, UserResource | Group, [*users, *_groups(request)])


@scim({"GET", "PUT", "PATCH", "DELETE"})
def group(request: HttpRequest, client: ScimClient, origin: Origin, group_id: str) -> HttpResponse:
    before = _group(request, group_id)
    if request.method == "GET":
        _read(origin, "scim_group", group_id)
        shown = _shown(request, Group)
        return _answer(
            before.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=shown)
        )
    if request.method == "DELETE":
        raise NotImplementedException(detail=FIXED_GROUPS)
    if request.method == "PUT":
        after = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        after.id = before.id
    else:
        patch = PatchOp[Group].model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        after = before.model_copy(deep=True)
        patch.patch(after)
    services.group_members_set(before=before, after=after, origin=origin)
    return _answer(
        _group(request, group_id).model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_RESPONSE)
    )


@scim({"GET", "POST", "PUT", "PATCH", "DELETE"})
def unknown(request: HttpRequest, client: ScimClient, origin: Origin, rest: str) -> HttpResponse:
    """Anything else under /scim/v2/ answers as SCIM does: a 404 in SCIM's error form."""
    raise NotFoundException(detail=f"There is nothing at /scim/v2/{rest}")
