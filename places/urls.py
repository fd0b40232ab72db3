from django.urls import path

from audit import views as history_views
from places import views

app_name = "places"
urlpatterns = [
    path("<int:pk>/", views.place_detail, name="detail_short"),
    # A trailing slash, so that no place or source whose name reads "history" is mistaken for it.
    path("<int:pk>/history/", history_views.place_history, name="history"),
    path("<int:pk>/<slug:slug>", views.place_detail, name="detail"),
]
