"""The directory as SCIM resources (RFC 7643), per DESIGN.md "Provisioning (SCIM 2.0)".

A staff member is a User: `userName` = email, `externalId` = staff_id, the enterprise
extension's `department` = team. Teams and roles are Groups, `team-<pk>` and `role-<name>`.
scim2-models does the parsing, validation, serialising, PATCH and filter matching.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scim2_models import (
    Attribute,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Email,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    GroupMember,
    GroupMembership,
    Meta,
    Mutability,
    Name,
    Patch,
    Reference,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

from safekeep.organisation.models import Role, StaffMember, Team

UserResource = User[EnterpriseUser]
MAX_RESULTS = 200
TEAM, ROLE = "team-", "role-"


def is_active(staff: StaffMember, today: dt.date) -> bool:
    """Active until the last working day has come: SCIM's `active: false` means gone now."""
    return staff.end_date is None or staff.end_date > today


def user_resource(staff: StaffMember, *, base: str, today: dt.date) -> UserResource:
    user = UserResource(
        id=str(staff.pk),
        user_name=staff.email,
        external_id=staff.staff_id,
        name=Name(given_name=staff.given_name, family_name=staff.family_name),
        display_name=staff.full_name,
        emails=[Email(value=staff.email, primary=True, type=Email.Type.work)],
        active=is_active(staff, today),
        groups=[
            _membership(f"{TEAM}{staff.team_id}", staff.team.name, base),
            *(
                _membership(f"{ROLE}{role}", Role(role).label, base)
                for role in sorted(staff.role_names())
            ),
        ],
        meta=Meta(
            resource_type="User",
            created=staff.created_at,
            last_modified=staff.updated_at,
            location=f"{base}/Users/{staff.pk}",
        ),
    )
    user[EnterpriseUser] = EnterpriseUser(department=staff.team.name)
    return user


def _membership(group_id: str, name: str, base: str) -> GroupMembership:
    return GroupMembership(
        value=group_id, ref=Reference(f"{base}/Groups/{group_id}"), display=name, type="direct"
    )


def _member(staff: StaffMember, base: str) -> GroupMember:
    return GroupMember(
        value=str(staff.pk),
        ref=Reference(f"{base}/Users/{staff.pk}"),
        display=staff.full_name,
        type="User",
    )


def team_group(team: Team, members: list[StaffMember], *, base: str) -> Group:
    return Group(
        id=f"{TEAM}{team.pk}",
        display_name=team.name,
        members=[_member(staff, base) for staff in members],
        meta=Meta(resource_type="Group", location=f"{base}/Groups/{TEAM}{team.pk}"),
    )


def role_group(role: str, members: list[StaffMember], *, base: str) -> Group:
    return Group(
        id=f"{ROLE}{role}",
        display_name=Role(role).label,
        members=[_member(staff, base) for staff in members],
        meta=Meta(resource_type="Group", location=f"{base}/Groups/{ROLE}{role}"),
    )


def service_provider_config(base: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="The token `safekeep scim-token create` printed.",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base}/ServiceProviderConfig"),
    )


def resource_types(base: str) -> list[ResourceType]:
    user = ResourceType.from_resource(UserResource)
    for extension in user.schema_extensions or []:
        extension.required = True  # it carries the department, the person's team
    types = [user, ResourceType.from_resource(Group)]
    for kind in types:
        kind.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/{kind.id}")
    return types


# What Safekeep keeps of a User, and how (RFC 7643 §7: a service publishes the attributes
# it supports). Anything else a client sends is accepted and not stored.
USER_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "userName": {"required": Required.true},
    "name": {"required": Required.true},
    "displayName": {"mutability": Mutability.read_only},  # the given and family names
    "emails": {"mutability": Mutability.read_only},  # the userName
    "active": {"required": Required.true},  # always known; removing it is refused
    "groups": {},
}
NAME_PARTS: dict[str, dict[str, Any]] = {
    "givenName": {"required": Required.true},
    "familyName": {"required": Required.true},
}
ENTERPRISE_ATTRIBUTES: dict[str, dict[str, Any]] = {"department": {"required": Required.true}}


def _kept(attributes: list[Attribute] | None, keep: dict[str, dict[str, Any]]) -> list[Attribute]:
    return [
        attribute.model_copy(update=keep[attribute.name or ""])
        for attribute in attributes or []
        if attribute.name in keep
    ]


def schemas(base: str) -> list[Schema]:
    """The schemas as Safekeep serves them: only what it keeps, with what it requires."""
    user = User.to_schema()
    user.attributes = _kept(user.attributes, USER_ATTRIBUTES)
    for attribute in user.attributes:
        if attribute.name == "name":
            attribute.sub_attributes = _kept(attribute.sub_attributes, NAME_PARTS)
    enterprise = EnterpriseUser.to_schema()
    enterprise.attributes = _kept(enterprise.attributes, ENTERPRISE_ATTRIBUTES)
    found = [user, enterprise, Group.to_schema()]
    for schema in found:
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
    return found


def dump(resource: Any, context: Context, **options: Any) -> dict[str, Any]:
    data: dict[str, Any] = resource.model_dump(scim_ctx=context, **options)
    return data
