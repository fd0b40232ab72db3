from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("new", views.network_event_new, name="new"),
    path("links/<int:pk>/new", views.event_new, name="new_for_link"),
    path("places/<int:pk>/new", views.place_event_new, name="new_for_place"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit", views.event_edit, name="edit"),
    path("<int:pk>/remove", views.event_remove_view, name="remove"),
]
