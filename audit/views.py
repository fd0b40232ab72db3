"""A record's history page, and the moderators' revert."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.policy import Action, can
from accounts.privacy import FORMER_MEMBER, is_erased
from audit.models import ChangeRecord
from audit.revert import change_revert
from audit.selectors import history_of
from audit.services import Actor

HISTORY_PAGE_SIZE = 50


def who(change: ChangeRecord, moderator: bool) -> str:
    """Who made a change, as this reader may see it.

    Processes are named ("import: Wikipedia lists"). People are private by default: readers see a
    member number (so that several changes by one person can be told apart); moderators see the
    account's name; an erased account is "a former member" to everyone.
    """
    if change.actor_id is None:
        return change.actor_label
    if is_erased(change.actor):
        return gettext(FORMER_MEMBER)
    return str(change.actor) if moderator else gettext("member %(number)s") % {"number": change.actor_id}


def record_history(request: HttpRequest, record: models.Model, heading: str) -> HttpResponse:
    moderator = can(request.user, Action.REVERT)
    page = Paginator(history_of(record), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [(change, who(change, moderator), getattr(change, "version", None)) for change in page.object_list]
    return render(
        request,
        "audit/history.html",
        {"record": record, "heading": heading, "page": page, "entries": entries, "moderator": moderator},
    )


def link_history(request: HttpRequest, pk: int) -> HttpResponse:
    from links.models import Link
    from places.local_names import local_names_prefetch

    parties = ("parties__place", "parties__institution__place", *local_names_prefetch("parties__place"))
    link = Link.all_objects.prefetch_related(*parties).filter(pk=pk).first()
    if link is None:
        raise Http404(gettext("No link with this number."))
    return record_history(request, link, gettext("History of %(record)s") % {"record": link.display_title})


def place_history(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    from places.models import Place

    place = get_object_or_404(Place, pk=pk)
    return record_history(request, place, gettext("History of %(record)s") % {"record": place})


def source_history(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    from sources.models import Source

    source = get_object_or_404(Source, pk=pk)
    return record_history(request, source, gettext("History of %(record)s") % {"record": source})


def association_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The association's own changes (its contacts' changes, which hold private details, are not shown)."""
    from associations.models import Association

    association = get_object_or_404(Association, pk=pk)
    return record_history(request, association, gettext("History of %(record)s") % {"record": association})


@login_required
@require_POST
def revert(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRecord, pk=pk)
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    try:
        change_revert(actor=Actor(user=request.user), change=change, reason=request.POST.get("reason", ""))
    except PermissionDenied as refusal:
        return render(request, "proposals/refused.html", {"message": str(refusal)}, status=403)
    except ValidationError as problem:
        messages.error(request, gettext("Not reverted: %(problems)s") % {"problems": " ".join(problem.messages)})
        return redirect(back)
    messages.success(request, gettext("Reverted: %(summary)s") % {"summary": change.summary})
    return redirect(back)
