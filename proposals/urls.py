from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide", views.decide, name="decide"),
    path("<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("links/new", views.propose_link, name="link_new"),
    path("links/<int:pk>/correct", views.propose_link_change, name="link_change"),
    path("links/<int:pk>/status", views.propose_status_change, name="event_new"),
    path("links/<int:pk>/remove", views.propose_link_removal, name="link_remove"),
    path("events/<int:pk>/correct", views.propose_event_correction, name="event_change"),
    path("sources/new", views.propose_source, name="source_new"),
    path("sources/<int:pk>/correct", views.propose_source_change, name="source_change"),
    path("places/<int:pk>/correct", views.propose_place_change, name="place_change"),
    path("links/<int:pk>/association", views.propose_association, name="association_new"),
    path("associations/<int:pk>/correct", views.propose_association_change, name="association_change"),
    path("links/<int:pk>/activity", views.propose_activity, name="activity_new"),
    path("calendar/new", views.propose_calendar_event, name="calendar_event_new"),
    path("calendar/links/<int:link_pk>/new", views.propose_calendar_event, name="calendar_event_for_link"),
    path("calendar/places/<int:place_pk>/new", views.propose_calendar_event, name="calendar_event_for_place"),
]
