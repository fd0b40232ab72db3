"""The partner-finding pages under /partners/: the public list and profiles, a person's own
profiles, suggestions and introductions, and the moderators' queue of reports.

Thin: services write and decide who may; a refusal is a 403 page that says why. Contact details
reach a page only through selectors.contacts_visible.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Action, can
from api.conditional import registry_cached_page
from audit.services import Actor
from core.forms import service_errors_shown
from matching import selectors, services
from matching.forms import (
    HandleReportForm,
    InterestForm,
    MessageForm,
    ProfileFilterForm,
    ProfileForm,
    ReportAbuseForm,
    StatusForm,
    SuggestionFilterForm,
)
from matching.models import AbuseReport, Introduction, IntroductionStatus, ProfileStatus, SeekingProfile
from matching.suggestions import Suggestion
from places.geography import country_label
from places.models import Place

LIST_PAGE_SIZE = 20


def refusals_as_403(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal from a service (or a check here) is a 403 page that says why."""

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "matching/forbidden.html", {"reason": str(exc)}, status=403)

    return inner


def _profile_or_404(pk: int) -> SeekingProfile:
    profile = SeekingProfile.objects.select_related("place", "institution").filter(pk=pk).first()
    if profile is None:
        raise Http404(gettext("There is no partner-seeking profile with this number."))
    return profile


def _own_profile(request: HttpRequest, pk: int) -> SeekingProfile:
    profile = _profile_or_404(pk)
    if not services.owns(request.user, profile):
        raise PermissionDenied(gettext("Only the person who made this profile can see this page."))
    return profile


# ---------------------------------------------------------------- public pages


@registry_cached_page(reads=("theme", "country", "region", "seeker", "page"))
def profile_list(request: HttpRequest) -> HttpResponse:
    """Every open profile, filtered by theme, country, part of the world and who is seeking."""
    form = ProfileFilterForm(request.GET)
    page = None
    if form.is_valid():
        rows = selectors.open_profiles(**form.cleaned_data)
        page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "matching/profile_list.html", context, status=200 if page is not None else 400)


@registry_cached_page(reads=())
def profile_detail(
    request: HttpRequest, pk: int, slug: str = "", *, report_form: Any = None, status: int = 200
) -> HttpResponse:
    """A profile's public page. Its contact details appear only to its owner and to a partner whose
    introduction both sides accepted (never to anonymous visitors, so the cached page has none)."""
    profile = _profile_or_404(pk)
    if request.method in ("GET", "HEAD") and request.path != profile.get_absolute_url():
        return HttpResponsePermanentRedirect(profile.get_absolute_url())
    own = list(selectors.profiles_of_user(request.user).exclude(status=ProfileStatus.CLOSED))
    interest_form = None
    if own and profile.is_open and not services.owns(request.user, profile):
        interest_form = InterestForm(profiles=own)
    context = {
        "profile": profile,
        "mine": services.owns(request.user, profile),
        "show_contacts": selectors.contacts_visible(request.user, profile),
        "interest_form": interest_form,
        "has_profiles": bool(own),
        "report_form": report_form or ReportAbuseForm(),
    }
    return render(request, "matching/profile_detail.html", context, status=status)


@login_required
@refusals_as_403
@require_POST
def profile_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a profile to the moderators from its public page (a fake, an insult, a scam)."""
    profile = _profile_or_404(pk)
    form = ReportAbuseForm(request.POST)
    if form.is_valid():
        try:
            services.report_abuse(actor=Actor(user=request.user), reported=profile, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            service_errors_shown(form, exc)
        else:
            messages.success(request, gettext("Thank you. The hub's moderators will read your report."))
            return redirect(profile.get_absolute_url())
    return profile_detail(request, pk, report_form=form, status=400)


# ---------------------------------------------------------------- a person's own pages


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    services._signed_in_contributor(Actor(user=request.user))
    form = ProfileForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST":
        if form.is_bot:
            return redirect("matching:mine")
        if form.is_valid():
            try:
                profile = services.profile_create(actor=Actor(user=request.user), **form.profile_fields())
            except ValidationError as exc:
                service_errors_shown(form, exc, ProfileForm.ERROR_FIELDS)
            else:
                messages.success(request, gettext("Your profile is on the hub. Here are your first suggestions."))
                return redirect("matching:suggestions", pk=profile.pk)
    return _profile_form_page(request, form, None)


def _profile_form_page(request: HttpRequest, form: ProfileForm, profile: SeekingProfile | None) -> HttpResponse:
    status = 400 if form.is_bound else 200
    return render(request, "matching/profile_form.html", {"form": form, "profile": profile}, status=status)


@login_required
@refusals_as_403
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _own_profile(request, pk)
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST":
        if form.is_bot:
            return redirect(profile.get_absolute_url())
        if form.is_valid():
            try:
                services.profile_update(
                    actor=Actor(user=request.user),
                    profile=_profile_or_404(pk),
                    expected_version=form.cleaned_data.get("edit_version"),
                    **form.profile_fields(),
                )
            except ValidationError as exc:
                service_errors_shown(form, exc, ProfileForm.ERROR_FIELDS)
            else:
                messages.success(request, gettext("Your changes were saved."))
                return redirect(profile.get_absolute_url())
    return _profile_form_page(request, form, profile)


@login_required
@refusals_as_403
@require_POST
def profile_status(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _own_profile(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.profile_status_set(
                actor=Actor(user=request.user),
                profile=profile,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, gettext("Your profile is now: %(status)s.") % {"status": profile.get_status_display()}
            )
    else:
        messages.error(request, gettext("Choose open, paused or closed."))
    return redirect("matching:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Your partner search: your profiles, what waits for you, and your introductions."""
    introductions = list(selectors.introductions_of_user(request.user))
    user_id = request.user.pk
    for introduction in introductions:
        introduction.received = introduction.to_profile.owner_id == user_id
        introduction.other = introduction.from_profile if introduction.received else introduction.to_profile
    waiting = selectors.waiting_for(request.user)
    to_answer = [i for i in introductions if i.received and i.status == IntroductionStatus.PENDING]
    context = {
        "profiles": selectors.profiles_of_user(request.user),
        "introductions": introductions,
        "to_answer": to_answer,
        "waiting": waiting,
        "status_choices": ProfileStatus.choices,
    }
    return render(request, "matching/mine.html", context)


# ---------------------------------------------------------------- suggestions


def suggestion_rows(profile: SeekingProfile, suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """Each suggestion with what its page shows: a link to its profile or place, and whether this
    profile has already expressed interest in it (three queries, whatever the number)."""
    profile_ids = [s.profile_id for s in suggestions if s.profile_id]
    profiles = SeekingProfile.objects.in_bulk(profile_ids)
    places = Place.objects.in_bulk([s.place_id for s in suggestions if s.place_id and not s.profile_id])
    asked = dict(
        Introduction.objects.filter(from_profile=profile, to_profile_id__in=profile_ids).values_list(
            "to_profile_id", "status"
        )
    )
    rows = []
    for suggestion in suggestions:
        partner = profiles.get(suggestion.profile_id) if suggestion.profile_id else None
        place = places.get(suggestion.place_id) if suggestion.place_id else None
        rows.append(
            {
                "s": suggestion,
                "profile": partner,
                "place": place,
                "country": country_label(suggestion.country) if suggestion.country else "",
                "distance": round(suggestion.distance_km) if math.isfinite(suggestion.distance_km) else None,
                "asked": asked.get(suggestion.profile_id),
            }
        )
    return rows


@login_required
@refusals_as_403
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """A profile's ranked suggestions, each with its reasons; the filters are a GET form."""
    profile = _own_profile(request, pk)
    form = SuggestionFilterForm(request.GET or None)
    rows = None
    if not form.is_bound or form.is_valid():
        if not form.is_bound:
            form = SuggestionFilterForm({})
            form.is_valid()
        rows = suggestion_rows(profile, selectors.suggestions_of(profile, form.filters()))
    context = {"profile": profile, "form": form, "rows": rows, "interest_form": InterestForm(profiles=[profile])}
    return render(request, "matching/suggestions.html", context, status=200 if rows is not None else 400)


@login_required
@refusals_as_403
@require_POST
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    """Express interest in profile `pk` from one of your own profiles."""
    to_profile = _profile_or_404(pk)
    own = list(selectors.profiles_of_user(request.user))
    form = InterestForm(request.POST, profiles=own)
    if form.is_valid():
        from_profile = next(p for p in own if p.pk == form.cleaned_data["from_profile"])
        try:
            introduction = services.introduction_express(
                actor=Actor(user=request.user),
                from_profile=from_profile,
                to_profile=to_profile,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.POST.get("back") or to_profile.get_absolute_url())
        if introduction.accepted:
            messages.success(
                request,
                gettext("%(name)s had already expressed interest in you: you are now introduced.")
                % {"name": to_profile.name},
            )
        else:
            messages.success(
                request,
                gettext("%(name)s has been told of your interest. You will hear by email when they answer.")
                % {"name": to_profile.name},
            )
        return redirect(introduction.get_absolute_url())
    context = {"profile": to_profile, "form": form}
    return render(request, "matching/interest_error.html", context, status=400)


# ---------------------------------------------------------------- an introduction


def _introduction_for(request: HttpRequest, pk: int) -> tuple[Introduction, SeekingProfile]:
    """The introduction and the viewer's side of it; a 404 for anyone not a party (nothing said
    about whether it exists)."""
    introduction = Introduction.objects.select_related("from_profile__place", "to_profile__place").filter(pk=pk).first()
    mine = services.party_of(request.user, introduction) if introduction is not None else None
    if introduction is None or mine is None:
        raise Http404(gettext("There is no introduction with this number that you are part of."))
    return introduction, mine


def _introduction_page(
    request: HttpRequest, pk: int, *, message_form: Any = None, report_form: Any = None, status: int = 200
) -> HttpResponse:
    introduction, mine = _introduction_for(request, pk)
    other = services.other_side(introduction, mine)
    if request.method == "GET":
        services.messages_mark_read(user=request.user, introduction=introduction)
    context = {
        "introduction": introduction,
        "mine": mine,
        "other": other,
        "received": mine.pk == introduction.to_profile_id,
        "show_contacts": selectors.contacts_visible(request.user, other),
        "blocked": services.blocked_between(mine, other),
        "can_write": services.can_write(introduction),
        "thread": selectors.thread(introduction),
        "message_form": message_form or MessageForm(),
        "report_form": report_form or ReportAbuseForm(),
    }
    return render(request, "matching/introduction.html", context, status=status)


@login_required
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    return _introduction_page(request, pk)


@login_required
@refusals_as_403
@require_POST
def introduction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    introduction, _mine = _introduction_for(request, pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, gettext("Choose to accept or to decline."))
        return redirect(introduction.get_absolute_url())
    try:
        services.introduction_answer(
            actor=Actor(user=request.user), introduction=introduction, accept=answer == "accept"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("You accepted. You can now see each other's contact details.")
            if answer == "accept"
            else gettext("You declined. They will be told kindly, without a reason."),
        )
    return redirect(introduction.get_absolute_url())


@login_required
@refusals_as_403
@require_POST
def introduction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    introduction, _mine = _introduction_for(request, pk)
    try:
        services.introduction_withdraw(actor=Actor(user=request.user), introduction=introduction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("You withdrew your interest."))
    return redirect(introduction.get_absolute_url())


@login_required
@refusals_as_403
@require_POST
def message(request: HttpRequest, pk: int) -> HttpResponse:
    introduction, _mine = _introduction_for(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                actor=Actor(user=request.user), introduction=introduction, body=form.cleaned_data["body"]
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.messages)
            response = _introduction_page(request, pk, message_form=form, status=429)
            response["Retry-After"] = str(exc.wait)
            return response
        except ValidationError as exc:
            service_errors_shown(form, exc)
        else:
            messages.success(request, gettext("Your message was sent."))
            return redirect(introduction.get_absolute_url())
    return _introduction_page(request, pk, message_form=form, status=400)


@login_required
@refusals_as_403
@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    introduction, mine = _introduction_for(request, pk)
    other = services.other_side(introduction, mine)
    services.block(actor=Actor(user=request.user), blocker=mine, blocked=other)
    messages.success(
        request, gettext("You blocked %(name)s. They cannot contact you through the hub.") % {"name": other.name}
    )
    return redirect("matching:mine")


@login_required
@refusals_as_403
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    introduction, mine = _introduction_for(request, pk)
    form = ReportAbuseForm(request.POST)
    if form.is_valid():
        try:
            services.report_abuse(
                actor=Actor(user=request.user),
                reporter=mine,
                reported=services.other_side(introduction, mine),
                reason=form.cleaned_data["reason"],
                introduction=introduction,
            )
        except ValidationError as exc:
            service_errors_shown(form, exc)
        else:
            messages.success(request, gettext("Thank you. The hub's moderators will read your report."))
            return redirect(introduction.get_absolute_url())
    return _introduction_page(request, pk, report_form=form, status=400)


# ---------------------------------------------------------------- moderators


def _moderator(request: HttpRequest) -> None:
    if not can(request.user, Action.MODERATE):
        raise PermissionDenied(gettext("Only the hub's moderators can see reports."))


@login_required
@refusals_as_403
def report_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    reports = AbuseReport.objects.select_related("reporter", "reported", "introduction").order_by(
        "handled_at", "-created_at"
    )
    context = {
        "waiting": [r for r in reports if r.handled_at is None],
        "handled": [r for r in reports if r.handled_at is not None][:50],
        "form": HandleReportForm(),
    }
    return render(request, "matching/reports.html", context)


@login_required
@refusals_as_403
@require_POST
def report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    _moderator(request)
    report_row = AbuseReport.objects.filter(pk=pk).first()
    if report_row is None:
        raise Http404(gettext("There is no report with this number."))
    form = HandleReportForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    try:
        services.report_handle(actor=Actor(user=request.user), report=report_row, outcome=outcome)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("The report is marked handled."))
    return redirect("matching:reports")
