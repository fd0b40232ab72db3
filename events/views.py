"""The calendar page: upcoming events and round anniversaries of links, by month, with the feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, can, roles_of
from audit.services import Actor
from events.forms import EventForm
from events.selectors import AHEAD_DAYS, calendar_by_month
from events.services import event_create
from links.models import Link


def calendar(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    months = calendar_by_month(today, today + dt.timedelta(days=AHEAD_DAYS))
    return render(request, "events/calendar.html", {"months": months, "today": today})


@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an event of a link on the calendar: its association's editors, its places' council officers, moderators."""
    link = get_object_or_404(Link.objects.prefetch_related("parties__place", "parties__institution"), pk=pk)
    if not roles_of(request.user).signed_in:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Action.EDIT, link):
        return render(request, "events/refused.html", {"link": link}, status=403)
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=Actor(user=request.user), link=link, **form.cleaned_data)
        except PermissionDenied:
            return render(request, "events/refused.html", {"link": link}, status=403)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The event is on the calendar."))
            return HttpResponseRedirect(event.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "events/event_form.html", {"form": form, "link": link}, status=status)
