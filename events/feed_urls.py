"""The feeds, at one address in every language (feed readers and calendars keep the address)."""

from django.urls import path

from events import feeds

app_name = "feeds"
urlpatterns = [
    path("changes.atom", feeds.changes_feed, name="changes"),
    path("events.ics", feeds.events_ical, name="events"),
    path("events/places/<int:pk>.ics", feeds.place_events_ical, name="place_events"),
    path("events/links/<int:pk>.ics", feeds.link_events_ical, name="link_events"),
]
