"""The calendar page: upcoming events and round anniversaries of links, by month, with the feeds."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors import AHEAD_DAYS, calendar_by_month


def calendar(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    months = calendar_by_month(today, today + dt.timedelta(days=AHEAD_DAYS))
    return render(request, "events/calendar.html", {"months": months, "today": today})
