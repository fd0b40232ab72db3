"""Events on the calendar: conferences, online meet-ups, exchange visits, anniversaries.

An event keeps its dates as dates (an all-day or several-day event) with optional local times and the
IANA time zone they are in, so "19:00 in Lyon" stays 19:00 in Lyon whatever the server's zone.
Anniversaries of links are not stored: they are worked out from links' agreement dates
(events.selectors.anniversaries).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from core.models import NotRemovedManager, RegistryRecord


class EventKind(models.TextChoices):
    CONFERENCE = "conference", gettext_lazy("conference")
    ONLINE = "online", gettext_lazy("online meet-up")
    VISIT = "visit", gettext_lazy("exchange visit")
    ANNIVERSARY = "anniversary", gettext_lazy("anniversary")
    OTHER = "other", gettext_lazy("other")


def _valid_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(gettext("Give a time zone such as Europe/London or Europe/Paris.")) from exc


class Event(RegistryRecord):
    title = models.CharField(gettext_lazy("title"), max_length=200)
    kind = models.CharField(gettext_lazy("kind"), max_length=12, choices=EventKind.choices, default=EventKind.OTHER)
    start_date = models.DateField(gettext_lazy("first day"))
    end_date = models.DateField(gettext_lazy("last day"), null=True, blank=True)
    start_time = models.TimeField(gettext_lazy("starts at"), null=True, blank=True)
    end_time = models.TimeField(gettext_lazy("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        gettext_lazy("time zone"), max_length=64, default="Europe/London", validators=[_valid_zone]
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="calendar_events"
    )
    link = models.ForeignKey(
        "links.Link", null=True, blank=True, on_delete=models.PROTECT, related_name="calendar_events"
    )
    url = models.URLField(gettext_lazy("web address"), blank=True, max_length=500)
    description = models.TextField(gettext_lazy("description"), blank=True)
    removed = models.BooleanField(default=False, editable=False)

    objects = NotRemovedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["start_date", "start_time", "pk"]
        indexes = [models.Index(fields=["start_date"], name="events_start_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def last_day(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def starts(self) -> dt.datetime | None:
        """The start as an aware datetime in the event's zone, or None for an all-day event."""
        if self.start_time is None:
            return None
        return dt.datetime.combine(self.start_date, self.start_time, tzinfo=self.zone)

    @property
    def ends(self) -> dt.datetime | None:
        if self.start_time is None or self.end_time is None:
            return None
        return dt.datetime.combine(self.last_day, self.end_time, tzinfo=self.zone)

    def clean(self) -> None:
        errors = {}
        if self.end_date is not None and self.end_date < self.start_date:
            errors["end_date"] = gettext("The last day cannot be before the first.")
        if self.end_time is not None and self.start_time is None:
            errors["start_time"] = gettext("Give the time it starts as well as the time it ends.")
        try:
            starts, ends = self.starts, self.ends
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # said by the time zone's own validator
            starts = ends = None
        if starts and ends and ends <= starts:
            errors["end_time"] = gettext("It must end after it starts.")
        if errors:
            raise ValidationError(errors)
