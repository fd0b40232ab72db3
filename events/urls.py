from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("links/<int:pk>/new", views.event_new, name="new_for_link"),
]
