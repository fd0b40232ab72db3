from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("links.urls")),
    path("places/", include("places.urls")),
    path("sources/", include("sources.urls")),
    path("imports/", include("imports.urls")),
    path("statistics/", include("stats.urls")),
    path("api/v1/", include("api.urls")),
]

handler400 = "core.views.bad_request"
