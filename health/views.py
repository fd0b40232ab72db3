"""Pages of link health: recording activities, confirming a link still runs, the council dashboard.
Thin: forms validate, services decide and write, selectors read.

Who may record a link's activities directly (see health.services) gets the form; any other signed-in
person is sent to the proposal form (proposals, "a new activity on a link"), which a moderator reviews;
a visitor is asked to sign in first.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, can, roles_of
from audit.services import Actor
from core.record_pages import hosts_of
from core.spreadsheets import safe_cell
from core.versioning import EditConflict
from health.forms import ActivityForm, PlaceChoiceForm, VerifyForm
from health.models import Activity, VerifierRole
from health.selectors import HEALTH_MEANING, dashboard_rows
from health.services import activity_create, activity_update, verification_record
from links.models import Link
from places.models import Place

ACTIVITY_PAGE = "health/activity_form.html"


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if roles_of(request.user).signed_in:
        return None
    return redirect_to_login(request.get_full_path())


def _not_allowed(request: HttpRequest, link: Link) -> HttpResponse:
    """Who may record activities, and what anyone else can do instead."""
    return render(request, "health/activity_refused.html", {"link": link}, status=403)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link.objects.prefetch_related("parties__place", "parties__institution"), pk=pk)
    if (refused := _signed_in(request)) is not None:
        return refused
    if not can(request.user, Action.EDIT, link):
        # Not theirs to record directly: propose it to the moderators (that page says what else is needed,
        # such as a confirmed email address).
        return HttpResponseRedirect(reverse("proposals:activity_new", args=[link.pk]))
    form = ActivityForm(request.POST if request.method == "POST" else None, link=link, hosts=hosts_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            activity_create(actor=Actor(user=request.user), link=link, **form.service_arguments())
        except PermissionDenied:
            return _not_allowed(request, link)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The activity is recorded on the link's timeline."))
            return HttpResponseRedirect(f"{link.get_absolute_url()}#timeline")
    status = 400 if form.errors else 200
    heading = gettext("Record an activity on %(link)s") % {"link": link.display_title}
    return render(request, ACTIVITY_PAGE, {"form": form, "link": link, "heading": heading}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("link"), pk=pk)
    link = Link.objects.prefetch_related("parties__place", "parties__institution").get(pk=activity.link_id)
    if (refused := _signed_in(request)) is not None:
        return refused
    if not can(request.user, Action.EDIT, link):
        return _not_allowed(request, link)
    form = ActivityForm(
        request.POST if request.method == "POST" else None, link=link, activity=activity, hosts=hosts_of(request)
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            activity_update(
                actor=Actor(user=request.user),
                activity=activity,
                expected_version=form.cleaned_data.get("edit_version"),
                **arguments,
            )
        except PermissionDenied:
            return _not_allowed(request, link)
        except EditConflict as error:
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The activity is saved."))
            return HttpResponseRedirect(f"{link.get_absolute_url()}#timeline")
    status = 400 if form.errors else 200
    heading = gettext("Edit the activity “%(title)s”") % {"title": activity.title}
    context = {"form": form, "link": link, "heading": heading, "activity": activity}
    return render(request, ACTIVITY_PAGE, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A council officer of the link's places, or a moderator, says "I checked: it is still active"."""
    link = get_object_or_404(Link.objects.prefetch_related("parties__place", "parties__institution"), pk=pk)
    if (refused := _signed_in(request)) is not None:
        return refused
    if not can(request.user, Action.RECORD_DECISION, link):
        message = gettext(
            "Only a council officer of one of this link's places, or a moderator, confirms that a link is still "
            "active. If you know how it stands, correct its details or report a change of its status from its page."
        )
        return render(request, "proposals/refused.html", {"message": message}, status=403)
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        role = VerifierRole.MODERATOR if roles_of(request.user).trusted_everywhere else VerifierRole.COUNCIL_OFFICER
        verification_record(
            actor=Actor(user=request.user),
            link=link,
            answer="active",
            by_role=role,
            note=form.cleaned_data.get("note") or "",
        )
        messages.success(request, gettext("Thank you: the link is verified as still active, today, by you."))
        return HttpResponseRedirect(f"{link.get_absolute_url()}#health")
    status = 400 if form.errors else 200
    return render(request, "health/verify.html", {"form": form, "link": link}, status=status)


# ---------------------------------------------------------------- the council dashboard


def _dashboard_places(request: HttpRequest) -> tuple[list[Place], HttpResponse | None]:
    """The places whose links the dashboard lists: the council officer's own (one of them with ?place=),
    or any one place a moderator picks. Else the page that says why not."""
    roles = roles_of(request.user)
    choice = PlaceChoiceForm(request.GET)
    if not choice.is_valid():
        message = " ".join(str(e) for errors in choice.errors.values() for e in errors)
        return [], render(request, "proposals/refused.html", {"message": message}, status=400)
    chosen = choice.cleaned_data.get("place")
    if roles.trusted_everywhere and chosen is not None:
        place = Place.objects.filter(pk=chosen).first()
        if place is None:
            message = gettext("There is no place number %(number)s.") % {"number": chosen}
            return [], render(request, "proposals/refused.html", {"message": message}, status=404)
        return [place], None
    if roles.place_ids:
        ids = sorted(roles.place_ids)
        if chosen is not None:
            if chosen not in roles.place_ids:
                message = gettext("That place is not one of your council's.")
                return [], render(request, "proposals/refused.html", {"message": message}, status=403)
            ids = [chosen]
        return list(Place.objects.filter(pk__in=ids).order_by("name")), None
    if roles.trusted_everywhere:
        return [], None  # a moderator who has not picked a place yet
    message = gettext(
        "The council dashboard is for council officers (it lists the links of their council's places) and "
        "moderators. Ask the hub's admins for the council officer role if you look after your council's links."
    )
    return [], render(request, "proposals/refused.html", {"message": message}, status=403)


def council_dashboard(request: HttpRequest) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    places, refused = _dashboard_places(request)
    if refused is not None:
        return refused
    rows = dashboard_rows(p.pk for p in places) if places else []
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.health_label] = counts.get(row.health_label, 0) + 1
    context = {
        "places": places,
        "rows": rows,
        "counts": counts,
        "moderator": roles_of(request.user).trusted_everywhere,
        "own_places": list(Place.objects.filter(pk__in=roles_of(request.user).place_ids).order_by("name")),
        "query": request.GET.urlencode(),
        "meaning": HEALTH_MEANING,
    }
    return render(request, "health/council_dashboard.html", context)


CSV_COLUMNS = ["link_id", "link", "url", "status", "health", "last_activity", "last_verified", "last_verified_by"]


def council_dashboard_csv(request: HttpRequest) -> HttpResponse:
    if (refused := _signed_in(request)) is not None:
        return refused
    places, refused = _dashboard_places(request)
    if refused is not None:
        return refused
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="council-links.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in dashboard_rows(p.pk for p in places) if places else []:
        writer.writerow(
            [
                row.link_id,
                safe_cell(row.english_title),
                request.build_absolute_uri(row.url),
                row.status,
                row.health,
                row.last_activity.iso() if row.last_activity else "",
                row.last_verified_on.isoformat() if row.last_verified_on else "",
                row.last_verified_role_code,
            ]
        )
    return response
