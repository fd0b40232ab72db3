from django.urls import path

from audit import views as history_views
from sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("<int:pk>/", views.source_detail, name="detail_short"),
    # A trailing slash, so that no place or source whose name reads "history" is mistaken for it.
    path("<int:pk>/history/", history_views.source_history, name="history"),
    path("<int:pk>/<slug:slug>", views.source_detail, name="detail"),
]
