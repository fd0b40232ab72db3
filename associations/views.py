"""The association pages: the list, each association's page, writing to it, reporting a message,
and the pages its editors use.

Thin: services write, selectors read, and the services decide who may edit; a refused edit is a
403 page that says why. Contact details reach a page only through contacts_visible_to.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, authorize, can
from api.conditional import registry_cached_page
from associations.forms import (
    AssociationForm,
    AssociationSearchForm,
    CommitteeEndForm,
    CommitteeRoleForm,
    ConfirmForm,
    ContactEditForm,
    ContactForm,
    MemberCountsForm,
    ReportForm,
)
from associations.governance import (
    advice_paragraphs,
    full_years,
    generational_mix,
    long_held_in,
    member_counts_record,
    report_reference,
)
from associations.models import Association, CommitteeRole, Contact, MemberCount
from associations.selectors import (
    association_for_page,
    associations_for_list,
    committee_of,
    contact_summary,
    contacts_visible_to,
)
from associations.services import (
    ReportLinkProblem,
    association_update,
    committee_role_add,
    committee_role_end,
    contact_add,
    contact_message_report,
    contact_message_send,
    contact_remove,
    contact_update,
    message_for_report,
)
from audit.services import Actor
from core.forms import service_errors_shown
from core.ratelimit import client_ip, consume, wait_in_words
from core.spreadsheets import safe_cell
from places.selectors import countries_in_registry

LIST_PAGE_SIZE = 50


def _association_or_404(pk: int) -> Association:
    association = Association.objects.filter(pk=pk, removed=False).first()
    if association is None:
        raise Http404(gettext("There is no association with this number in the registry."))
    return association


# ---------------------------------------------------------------- public pages


@registry_cached_page(reads=("q", "country", "page"))
def association_list(request: HttpRequest) -> HttpResponse:
    """All associations, searchable by name and by the countries of the links they run."""
    form = AssociationSearchForm(request.GET, countries=countries_in_registry())
    page = None
    if form.is_valid():
        rows = associations_for_list(q=form.cleaned_data["q"], country=form.cleaned_data["country"])
        page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "associations/association_list.html", context, status=200 if page is not None else 400)


@registry_cached_page(reads=())
def association_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """An association's page. Anonymous visitors are served from the page cache: they all see the
    same public contacts. Everyone else is shown what contacts_visible_to allows them."""
    today = dt.date.today()
    try:
        association = association_for_page(pk, today)
    except Association.DoesNotExist as exc:
        raise Http404(gettext("There is no association with this number in the registry.")) from exc
    if request.path != association.get_absolute_url():
        return HttpResponsePermanentRedirect(association.get_absolute_url())
    contacts = contacts_visible_to(request.user, association)
    summary = contact_summary(association)
    committee = committee_of(association, today)
    can_edit = can(request.user, Action.EDIT, association)
    long_held = [(role, full_years(role.term_start, today)) for role in long_held_in(committee.current, today)]
    context = {
        "association": association,
        "today": today,
        "committee": committee,
        "contacts": contacts,
        "private_hidden": summary.private - sum(1 for c in contacts if not c.public),
        "reachable": summary.reachable,
        "can_edit": can_edit,
        # The reminder is for the people who can act on it, not a mark against the association.
        "long_held": long_held if can_edit else [],
        "advice": advice_paragraphs() if can_edit and long_held else [],
        "report_reference": report_reference() if can_edit and long_held else "",
        "mix": generational_mix(association),
    }
    return render(request, "associations/association_detail.html", context)


def _contact_wait(request: HttpRequest, association: Association) -> int | None:
    """Seconds the sender must wait, or None: a limit per address (CONTACT_RATE), and one per
    association (CONTACT_ASSOCIATION_RATE) so that many addresses cannot flood one inbox."""
    wait = consume("contact-ip", client_ip(request), settings.CONTACT_RATE)
    if wait is None:
        wait = consume("contact-association", str(association.pk), settings.CONTACT_ASSOCIATION_RATE)
    return wait


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to an association. The message is forwarded by email; the sender never sees where."""
    association = _association_or_404(pk)
    template = "associations/contact.html"
    if not contact_summary(association).reachable:
        status = 400 if request.method == "POST" else 200
        return render(request, template, {"association": association, "form": None}, status=status)
    if request.method != "POST":
        return render(request, template, {"association": association, "form": ContactForm()})
    form = ContactForm(request.POST)
    if form.is_bot:  # a bot: look as if it worked, and tell it nothing
        return redirect("associations:contact_sent", pk=association.pk)
    if form.is_valid():
        wait = _contact_wait(request, association)
        if wait is not None:
            context = {"association": association, "form": form, "wait": wait_in_words(wait)}
            response = render(request, template, context, status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            contact_message_send(
                association=association,
                sender_name=form.cleaned_data["name"],
                sender_email=form.cleaned_data["email"],
                body=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("associations:contact_sent", pk=association.pk)
    return render(request, template, {"association": association, "form": form}, status=400)


def contact_sent(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association_or_404(pk)
    return render(request, "associations/contact_sent.html", {"association": association})


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    """Report a forwarded message as abuse, from the link in its email: a page, then a confirming
    POST (mail scanners follow links; they must not report anything by doing so)."""
    template = "associations/report.html"
    try:
        message = message_for_report(token)
    except ReportLinkProblem as problem:
        return render(request, template, {"problem": str(problem)}, status=400)
    if message.reported_at is not None:
        return render(request, template, {"message": message, "already": True})
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reported = contact_message_report(message=message, reason=form.cleaned_data["reason"])
        return render(request, template, {"message": message, "reported": reported, "already": not reported})
    status = 400 if form.is_bound else 200
    return render(request, template, {"message": message, "form": form}, status=status)


# ---------------------------------------------------------------- editors' pages


def editor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that edits an association: a refusal (from the policy or a service) is a 403 page
    that says why, and what to do instead."""

    @functools.wraps(view)
    @require_http_methods(["GET", "HEAD", "POST"])
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "associations/forbidden.html", {"reason": str(exc)}, status=403)

    return inner


def _editable(request: HttpRequest, pk: int) -> tuple[Association, Actor]:
    """The association, once the policy says this person may edit it (PermissionDenied if not)."""
    association = _association_or_404(pk)
    actor = Actor(user=request.user)
    authorize(actor, Action.EDIT, association)
    return association, actor


def _form_page(
    request: HttpRequest, association: Association, form: Any, *, heading: str, button: str, intro: str = ""
) -> HttpResponse:
    context = {"association": association, "form": form, "heading": heading, "button": button, "intro": intro}
    return render(request, "associations/edit_form.html", context, status=400 if form.is_bound else 200)


def _saved(request: HttpRequest, association: Association, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(association.get_absolute_url())


@editor_page
def association_edit(request: HttpRequest, pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    form = AssociationForm(request.POST or None, instance=association)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            association_update(
                actor=actor,
                association=Association.objects.get(pk=pk),  # the form has changed `association` in place
                expected_version=data.get("edit_version"),
                **{name: data[name] for name in ("name", "website", "meeting_place", "description")},
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(request, association, gettext("Your changes to the association were saved."))
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Edit %(association)s") % {"association": association.name},
        button=gettext("Save changes"),
    )


@editor_page
def committee_add(request: HttpRequest, pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    form = CommitteeRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee_role_add(actor=actor, association=association, **data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(
                request, association, gettext("%(person)s was added to the committee.") % {"person": data["person"]}
            )
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Add a committee role to %(association)s") % {"association": association.name},
        button=gettext("Add to the committee"),
        intro=gettext("Names are shown on the association's public page. Add only people who have agreed to that."),
    )


@editor_page
def committee_end(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    role = get_object_or_404(CommitteeRole, pk=role_pk, association=association)
    form = CommitteeEndForm(request.POST or None, committee_role=role)
    if request.method == "POST" and form.is_valid():
        try:
            committee_role_end(
                actor=actor,
                committee_role=role,
                term_end=form.cleaned_data["term_end"],
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(
                request,
                association,
                gettext("The term of %(person)s as %(role)s was ended.") % {"person": role.person, "role": role.label},
            )
    return _form_page(
        request,
        association,
        form,
        heading=gettext("End the term of %(person)s as %(role)s") % {"person": role.person, "role": role.label},
        button=gettext("End the term"),
        intro=gettext("The role stays on the page among past committee members."),
    )


MEMBER_COUNTS_INTRO = _(
    "Count the association's members in each age band for one year: numbers only, never names or birth "
    "dates. The counts are shown to everyone on the association's page, as a chart of its generational mix."
)


@editor_page
def member_counts_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one year's counts of members by age band (a year already recorded is corrected instead)."""
    association, actor = _editable(request, pk)
    form = MemberCountsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            member_counts_record(actor=actor, association=association, year=year, counts=form.counts())
        except ValidationError as exc:
            service_errors_shown(form, exc)
        else:
            return _saved(request, association, gettext("The counts of %(year)s were saved.") % {"year": year})
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Record the members of %(association)s by age") % {"association": association.name},
        button=gettext("Save the counts"),
        intro=MEMBER_COUNTS_INTRO,
    )


@editor_page
def member_counts_correct(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Correct a year's counts; refused if someone saved them since the page was shown."""
    association, actor = _editable(request, pk)
    rows = list(MemberCount.objects.filter(association=association, year=year).order_by("id"))
    if not rows:
        raise Http404(gettext("No counts of members are recorded for this year."))
    form = MemberCountsForm(request.POST or None, correcting=rows)
    if request.method == "POST" and form.is_valid():
        try:
            member_counts_record(
                actor=actor, association=association, year=year, counts=form.counts(), expected_versions=form.versions()
            )
        except ValidationError as exc:
            service_errors_shown(form, exc)
        else:
            return _saved(request, association, gettext("The counts of %(year)s were saved.") % {"year": year})
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Correct the members of %(association)s by age in %(year)s")
        % {"association": association.name, "year": year},
        button=gettext("Save the counts"),
        intro=MEMBER_COUNTS_INTRO,
    )


def member_counts_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The generational mix's table as CSV (UTF-8 with a byte-order mark, as the statistics' CSVs)."""
    association = _association_or_404(pk)
    table = generational_mix(association).table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="twinning-hub-association-{association.pk}-members-by-age.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow([safe_cell(cell) for cell in row])
    return response


CONTACT_FIELDS = ("name", "role", "email", "phone", "postal_address", "public")
CONTACT_INTRO = _(
    "Contact details are private unless you tick 'Show these details to everyone'. Private details are seen "
    "only by the association's editors and the hub's moderators; visitors write through the hub's form, which "
    "forwards their messages to every contact with an email address without showing it."
)


@editor_page
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    form = ContactEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_add(actor=actor, association=association, **{n: form.cleaned_data[n] for n in CONTACT_FIELDS})
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(request, association, gettext("The contact was added."))
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Add a contact to %(association)s") % {"association": association.name},
        button=gettext("Add"),
        intro=CONTACT_INTRO,
    )


@editor_page
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, association=association, removed=False)
    form = ContactEditForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            contact_update(
                actor=actor,
                contact=Contact.objects.get(pk=contact_pk),
                expected_version=form.cleaned_data.get("edit_version"),
                **{n: form.cleaned_data[n] for n in CONTACT_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(request, association, gettext("The contact was saved."))
    return _form_page(
        request, association, form, heading=gettext("Edit a contact"), button=gettext("Save"), intro=CONTACT_INTRO
    )


@editor_page
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    association, actor = _editable(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, association=association, removed=False)
    form = ConfirmForm(request.POST or None, initial={"edit_version": contact.version})
    if request.method == "POST" and form.is_valid():
        try:
            contact_remove(actor=actor, contact=contact, expected_version=form.cleaned_data.get("edit_version"))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _saved(
                request, association, gettext("%(name)s was removed from the contacts.") % {"name": contact.name}
            )
    return _form_page(
        request,
        association,
        form,
        heading=gettext("Remove %(name)s from the contacts") % {"name": contact.name},
        button=gettext("Remove"),
        intro=gettext(
            "The contact will no longer be shown or sent messages. A moderator can bring it back from its history."
        ),
    )
