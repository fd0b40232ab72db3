"""The map page, at /map (included by twinning_hub.urls): where a country's links lead, and its CSV."""

from django.urls import path

from places import map_views

app_name = "maps"
urlpatterns = [
    path("", map_views.country_map, name="index"),
    path(".csv", map_views.country_map_csv, name="csv"),
]
