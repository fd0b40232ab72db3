"""The REST API under /api/v1/: django-ninja's operations and OpenAPI document, and our own docs page.

Everything is in the "api" namespace: reverse("api:link_list"), reverse("api:docs"), reverse("api:openapi-json").
"""

from django.urls import include, path

from api.docs import docs, home
from api.endpoints import api

_ninja_patterns, _ninja_app, _namespace = api.urls

urlpatterns = [
    path(
        "",
        include(
            ([path("", home, name="home"), path("docs", docs, name="docs"), *_ninja_patterns], _ninja_app),
            namespace=_namespace,
        ),
    ),
]
