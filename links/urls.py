from django.urls import path, re_path

from audit import views as history_views
from links import views

app_name = "links"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    re_path(r"^search\.(?P<fmt>csv|json|geojson)$", views.search_download, name="search_download"),
    path("open-data", views.open_data, name="open_data"),
    path("links/<int:pk>/", views.link_detail, name="detail_short"),
    path("links/<int:pk>/history/", history_views.link_history, name="history"),
    path("links/<int:pk>/<slug:slug>", views.link_detail, name="detail"),
]
