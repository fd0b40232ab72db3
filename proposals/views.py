"""Proposing changes, and the moderators' queue. Thin: forms validate, services decide and write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.policy import Action, can, roles_of
from audit.services import Actor
from core.forms import service_errors_shown
from core.ratelimit import consume, wait_in_words
from links.models import Link, StatusEvent
from places.local_names import local_names_prefetch
from proposals import forms as proposal_forms
from proposals.models import Proposal, ProposalKind, ProposalStatus
from proposals.selectors import pending_proposals, proposal_rows, proposals_of
from proposals.services import proposal_approve, proposal_reject, proposal_withdraw

PROPOSE_PAGE = "proposals/propose.html"


def _refusal(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "proposals/refused.html", {"message": message}, status=status)


def _may_propose(request: HttpRequest) -> HttpResponse | None:
    """None if the person may propose; else the page that says what to do first."""
    if can(request.user, Action.PROPOSE):
        return None
    if roles_of(request.user).signed_in:
        return _refusal(
            request,
            gettext(
                "Confirm your email address first: follow the link in the email we sent you. "
                "Your account page can send it again."
            ),
        )
    return redirect_to_login(request.get_full_path())


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    wait = consume("proposal", str(request.user.pk), settings.PROPOSAL_RATE)
    if wait is None:
        return None
    response = _refusal(
        request,
        gettext(
            "You have sent many proposals in a short time. Please wait %(wait)s and send it again; "
            "nothing was lost from the registry."
        )
        % {"wait": wait_in_words(wait)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _propose(
    request: HttpRequest,
    *,
    kind: str,
    make_form: Callable[..., proposal_forms.CitingForm],
    target: Model | None,
    heading: str,
    intro: str,
    back: str,
    expected_version: Callable[[Any], int | None] = lambda form: None,
) -> HttpResponse:
    """The one flow every proposal page shares: show the form, check it, submit it, say what happened."""
    refused = _may_propose(request)
    if refused is not None:
        return refused
    form = make_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = _rate_limited(request)
        if limited is not None:
            return limited
        from proposals.services import change_submit

        try:
            submitted = change_submit(
                actor=Actor(user=request.user),
                kind=kind,
                payload=form.payload(),
                citing=form.citing(),
                reason=form.cleaned_data.get("why", ""),
                target=target,
                expected_version=expected_version(form),
            )
        except ValidationError as error:
            service_errors_shown(form, error)
        else:
            if submitted.applied:
                messages.success(request, gettext("Thank you: your change is on the hub now."))
                record = submitted.record
                return HttpResponseRedirect(record.get_absolute_url() if hasattr(record, "get_absolute_url") else back)
            messages.success(
                request,
                gettext("Thank you. A moderator will review your proposal; we will email you when they have.")
                + " "
                + " ".join(submitted.proposal.review_reasons),
            )
            return redirect("proposals:detail", pk=submitted.proposal.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "heading": heading, "intro": intro, "back": back, "target": target}
    return render(request, PROPOSE_PAGE, context, status=status)


def _link(pk: int) -> Link:
    links = Link.objects.prefetch_related("purposes", "parties__place", *local_names_prefetch("parties__place"))
    return get_object_or_404(links, pk=pk)


def propose_link_change(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    return _propose(
        request,
        kind=ProposalKind.LINK_CHANGE,
        make_form=lambda data: proposal_forms.LinkCorrectionForm(data, link=link),
        target=link,
        heading=gettext("Correct the details of %(record)s") % {"record": link.display_title},
        intro=gettext("Change what is wrong or missing, and say where it comes from."),
        back=link.get_absolute_url(),
        expected_version=lambda form: form.cleaned_data.get("version"),
    )


def propose_status_change(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    return _propose(
        request,
        kind=ProposalKind.EVENT_NEW,
        make_form=lambda data: proposal_forms.StatusChangeForm(data),
        target=link,
        heading=gettext("Report a change of status of %(link)s") % {"link": link.display_title},
        intro=gettext("For example a council's decision to pause, end or renew the link, with its date and source."),
        back=link.get_absolute_url(),
    )


def propose_event_correction(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(StatusEvent.objects.select_related("link"), pk=pk)
    return _propose(
        request,
        kind=ProposalKind.EVENT_CHANGE,
        make_form=lambda data: proposal_forms.StatusChangeForm(data, event=event),
        target=event,
        heading=gettext("Correct a status change of %(link)s") % {"link": event.link.display_title},
        intro=gettext("The record: %(status)s on %(date)s.")
        % {"status": event.get_status_display(), "date": event.when},
        back=event.link.get_absolute_url(),
    )


def propose_link_removal(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    return _propose(
        request,
        kind=ProposalKind.LINK_REMOVE,
        make_form=lambda data: proposal_forms.RemovalForm(data),
        target=link,
        heading=gettext("Ask for %(link)s to be removed") % {"link": link.display_title},
        intro=gettext(
            "Only for a link that never existed or is recorded twice. A link that has ended stays, with its "
            "end as a status change: report that instead."
        ),
        back=link.get_absolute_url(),
    )


def propose_link(request: HttpRequest) -> HttpResponse:
    return _propose(
        request,
        kind=ProposalKind.LINK_NEW,
        make_form=lambda data: proposal_forms.NewLinkForm(data),
        target=None,
        heading=gettext("Add a link that is missing"),
        intro=gettext("Two places that are twinned, partnered or linked in friendship, and where that is recorded."),
        back="/search",
    )


def propose_source(request: HttpRequest) -> HttpResponse:
    return _propose(
        request,
        kind=ProposalKind.SOURCE_NEW,
        make_form=lambda data: proposal_forms.NewSourceForm(data),
        target=None,
        heading=gettext("Add a source"),
        intro=gettext("A document, web page or dataset that facts in the registry can cite."),
        back="/sources/",
    )


def propose_source_change(request: HttpRequest, pk: int) -> HttpResponse:
    from sources.models import Source

    source = get_object_or_404(Source, pk=pk)
    return _propose(
        request,
        kind=ProposalKind.SOURCE_CHANGE,
        make_form=lambda data: proposal_forms.NewSourceForm(data, source=source),
        target=source,
        heading=gettext("Correct the source %(source)s") % {"source": source},
        intro=gettext("Change what is wrong or missing, and say where the correction comes from."),
        back=source.get_absolute_url(),
        expected_version=lambda form: form.shown_version(),
    )


def propose_place_change(request: HttpRequest, pk: int) -> HttpResponse:
    from places.models import Place

    place = get_object_or_404(Place, pk=pk)
    return _propose(
        request,
        kind=ProposalKind.PLACE_CHANGE,
        make_form=lambda data: proposal_forms.PlaceCorrectionForm(data, place=place),
        target=place,
        heading=gettext("Correct the details of %(record)s") % {"record": place},
        intro=gettext("Change what is wrong or missing, and say where the correction comes from."),
        back=place.get_absolute_url(),
        expected_version=lambda form: form.shown_version(),
    )


def propose_association(request: HttpRequest, pk: int) -> HttpResponse:
    """An association that runs this link, not yet on the hub."""
    link = _link(pk)
    return _propose(
        request,
        kind=ProposalKind.ASSOCIATION_NEW,
        make_form=lambda data: proposal_forms.AssociationForm(data),
        target=link,
        heading=gettext("Add the association that runs %(link)s") % {"link": link.display_title},
        intro=gettext(
            "Its name, website and where it meets. Contact details are added later by its own editors, "
            "and stay private unless they choose to publish them."
        ),
        back=link.get_absolute_url(),
    )


def propose_association_change(request: HttpRequest, pk: int) -> HttpResponse:
    from associations.models import Association

    association = get_object_or_404(Association, pk=pk)
    return _propose(
        request,
        kind=ProposalKind.ASSOCIATION_CHANGE,
        make_form=lambda data: proposal_forms.AssociationForm(data, association=association),
        target=association,
        heading=gettext("Correct the details of %(record)s") % {"record": association},
        intro=gettext("Change what is wrong or missing, and say where it comes from."),
        back=association.get_absolute_url(),
        expected_version=lambda form: form.shown_version(),
    )


def propose_calendar_event(
    request: HttpRequest, link_pk: int | None = None, place_pk: int | None = None
) -> HttpResponse:
    """An event for the calendar from someone who cannot add it directly (events.views sends them here)."""
    from places.models import Place

    link = _link(link_pk) if link_pk is not None else None
    place = get_object_or_404(Place, pk=place_pk) if place_pk is not None else None
    if link is not None:
        heading = gettext("Propose an event of %(link)s") % {"link": link.display_title}
        back = link.get_absolute_url()
    elif place is not None:
        heading = gettext("Propose an event in %(place)s") % {"place": place.name}
        back = place.get_absolute_url()
    else:
        heading = gettext("Propose an event for the calendar")
        back = reverse("events:calendar")
    return _propose(
        request,
        kind=ProposalKind.CALENDAR_EVENT_NEW,
        make_form=lambda data: proposal_forms.CalendarEventForm(data, link=link, place=place),
        target=None,
        heading=heading,
        intro=gettext(
            "A conference, an online meet-up, an exchange visit or another event open to people in twinning. "
            "A moderator checks it and puts it on the calendar; we will email you when they have."
        ),
        back=back,
    )


def propose_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """An activity on a link from someone who cannot record it directly (health.views sends them here)."""
    link = _link(pk)
    return _propose(
        request,
        kind=ProposalKind.ACTIVITY_NEW,
        make_form=lambda data: proposal_forms.ActivityProposalForm(data, link=link),
        target=link,
        heading=gettext("Propose an activity on %(link)s") % {"link": link.display_title},
        intro=gettext(
            "A visit, an exchange, a project, a fundraiser, a meeting, a commemoration or a cultural event that "
            "happened on this link. A moderator checks it and records it on the link's timeline; we will email you "
            "when they have."
        ),
        back=link.get_absolute_url(),
    )


# ---------------------------------------------------------------- reading and deciding


def _may_see(request: HttpRequest, proposal: Proposal) -> bool:
    return can(request.user, Action.MODERATE) or proposal.proposer_id == getattr(request.user, "pk", None)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("proposer", "decided_by", "source"), pk=pk)
    if not _may_see(request, proposal):
        return _refusal(request, gettext("Only the person who made a proposal and the moderators can see it."))
    moderator = can(request.user, Action.MODERATE)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "rows": proposal_rows(proposal),
            "target": proposal.target,
            "moderator": moderator,
            "decision_form": proposal_forms.DecisionForm() if moderator else None,
            "kind_label": ProposalKind(proposal.kind).label,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    if not can(request.user, Action.MODERATE):
        return _refusal(request, gettext("Only moderators review proposals."))
    form = proposal_forms.DecisionForm(request.POST)
    if form.is_valid():
        actor = Actor(user=request.user)
        try:
            if form.cleaned_data["decision"] == "approve":
                proposal_approve(actor=actor, proposal=proposal, note=form.cleaned_data["reason"])
                messages.success(
                    request, gettext("Approved: the change is on the hub, and the proposer has been told.")
                )
            else:
                proposal_reject(actor=actor, proposal=proposal, reason=form.cleaned_data["reason"])
                messages.success(request, gettext("Rejected: the proposer has been told why."))
            return redirect("proposals:queue")
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as problem:
            for message in problem.messages:
                form.add_error(None, gettext("Not done: %(problem)s") % {"problem": message})
    moderator = True
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "rows": proposal_rows(proposal),
            "target": proposal.target,
            "moderator": moderator,
            "decision_form": form,
            "kind_label": ProposalKind(proposal.kind).label,
        },
        status=400,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        proposal_withdraw(actor=Actor(user=request.user), proposal=proposal)
    except PermissionDenied as refusal:
        return _refusal(request, str(refusal))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("proposals:detail", pk=pk)
    messages.success(request, gettext("Withdrawn: the proposal will not be reviewed."))
    return redirect("accounts:home")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.MODERATE):
        return _refusal(request, gettext("Only moderators review proposals."))
    page = Paginator(pending_proposals(), 50).get_page(request.GET.get("page"))
    return render(request, "proposals/queue.html", {"page": page})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(proposals_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "proposals/mine.html", {"page": page, "statuses": ProposalStatus})
