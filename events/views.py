"""The calendar page, and adding, editing and removing events. Thin: forms validate, services decide and write.

Who may put an event on the calendar directly (see events.services) gets the form; any other
signed-in person is sent to the proposal form (proposals, "a new calendar event"), which a moderator
reviews; a visitor is asked to sign in first.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Action, can, roles_of
from audit.services import Actor
from core.versioning import EditConflict
from events.forms import EventEditForm, EventForm
from events.models import Event
from events.selectors import AHEAD_DAYS, calendar_by_month
from events.services import event_create, event_remove, event_update
from links.models import Link
from places.models import Place

FORM_PAGE = "events/event_form.html"


def calendar(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    months = calendar_by_month(today, today + dt.timedelta(days=AHEAD_DAYS))
    return render(request, "events/calendar.html", {"months": months, "today": today})


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "proposals/refused.html", {"message": message}, status=403)


def _add(request: HttpRequest, *, link: Link | None = None, place: Place | None = None) -> HttpResponse:
    """The one flow of the three "Add an event" pages: a link's, a place's, the whole network's."""
    if not roles_of(request.user).signed_in:
        return redirect_to_login(request.get_full_path())
    scope: Model | None = link or place
    if not can(request.user, Action.EDIT, scope):
        # Not theirs to add directly: propose it to the moderators (that page says what else is needed,
        # such as a confirmed email address).
        if link is not None:
            return HttpResponseRedirect(reverse("proposals:calendar_event_for_link", args=[link.pk]))
        if place is not None:
            return HttpResponseRedirect(reverse("proposals:calendar_event_for_place", args=[place.pk]))
        return HttpResponseRedirect(reverse("proposals:calendar_event_new"))
    back = scope.get_absolute_url() if scope is not None else reverse("events:calendar")
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=Actor(user=request.user), link=link, place=place, **form.cleaned_data)
        except PermissionDenied as refusal:
            return _refused(request, str(refusal))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The event is on the calendar."))
            return HttpResponseRedirect(event.get_absolute_url())
    if link is not None:
        heading = gettext("Add an event of %(title)s") % {"title": link.display_title}
        intro = gettext(
            "A conference, an online meet-up, an exchange visit or another event: it shows on the calendar and "
            "in the link's and its places' calendar feeds."
        )
    elif place is not None:
        heading = gettext("Add an event in %(place)s") % {"place": place.name}
        intro = gettext(
            "A twinning fair, a reception for visitors, a meeting open to all: it shows on the calendar and in "
            "the place's calendar feed."
        )
    else:
        heading = gettext("Add an event of the whole network")
        intro = gettext(
            "A conference, an online meet-up or another event for everyone in twinning, not of one place or link."
        )
    context = {"form": form, "heading": heading, "intro": intro, "back": back}
    return render(request, FORM_PAGE, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An event of a link: its association's editors, its places' council officers, moderators."""
    link = get_object_or_404(Link.objects.prefetch_related("parties__place", "parties__institution"), pk=pk)
    return _add(request, link=link)


@require_http_methods(["GET", "HEAD", "POST"])
def place_event_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An event of a place (not of one of its links): its council officers, moderators."""
    return _add(request, place=get_object_or_404(Place, pk=pk))


@require_http_methods(["GET", "HEAD", "POST"])
def network_event_new(request: HttpRequest) -> HttpResponse:
    """An event of the whole network (a conference, an online meet-up): moderators."""
    return _add(request)


def _event(pk: int) -> Event:
    return get_object_or_404(Event.all_objects.select_related("place", "link"), pk=pk)


def _scope(event: Event) -> Model | None:
    return event.link or event.place


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event; a removed one says so (410) and, to those who may, offers to put it back."""
    event = _event(pk)
    context = {"event": event, "may_change": can(request.user, Action.EDIT, _scope(event))}
    return render(request, "events/event_detail.html", context, status=410 if event.removed else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    if not roles_of(request.user).signed_in:
        return redirect_to_login(request.get_full_path())
    if event.removed or not can(request.user, Action.EDIT, _scope(event)):
        return _refused(request, _who_changes(event))
    form = EventEditForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(
                actor=Actor(user=request.user),
                event=event,
                changes=form.changes(),
                expected_version=form.cleaned_data.get("version"),
            )
        except PermissionDenied as refusal:
            return _refused(request, str(refusal))
        except EditConflict as conflict:
            form.add_error(None, conflict.messages[0])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The event is saved."))
            return HttpResponseRedirect(event.get_absolute_url())
    context = {
        "form": form,
        "heading": gettext("Edit the event “%(title)s”") % {"title": event.title},
        "back": event.get_absolute_url(),
        "event": event,
    }
    return render(request, FORM_PAGE, context, status=400 if form.errors else 200)


def _who_changes(event: Event) -> str:
    if event.link_id:
        return gettext(
            "An event of a link is changed by the editors of the association that runs it, by council officers of "
            "its places and by moderators."
        )
    if event.place_id:
        return gettext("An event of a place is changed by the place's council officers and by moderators.")
    return gettext("An event of the whole network is changed by moderators.")


@require_POST
def event_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the event off the calendar (posted with removed=1) or put it back (removed=0)."""
    event = _event(pk)
    if not roles_of(request.user).signed_in:
        return redirect_to_login(event.get_absolute_url())
    removing = request.POST.get("removed", "1") != "0"
    try:
        event_remove(actor=Actor(user=request.user), event=event, removed=removing)
    except PermissionDenied:
        return _refused(request, _who_changes(event))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        if removing:
            messages.success(request, gettext("The event is off the calendar and its feeds. It can be put back."))
        else:
            messages.success(request, gettext("The event is back on the calendar."))
    return HttpResponseRedirect(event.get_absolute_url())
