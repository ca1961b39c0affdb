"""/scim/v2/ (RFC 7644): discovery, Users and Groups."""

from django.urls import path

from safekeep.provisioning import views

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="service-provider-config"),
    path("ResourceTypes", views.resource_types, name="resource-types"),
    path("ResourceTypes/<str:name>", views.resource_types, name="resource-type"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:urn>", views.schemas, name="schema"),
    path(".search", views.search, name="search"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users-search"),
    path("Users/<str:pk>", views.user, name="user"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups-search"),
    path("Groups/<str:group_id>", views.group, name="group"),
    path("<path:rest>", views.unknown, name="unknown"),
]
