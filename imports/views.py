"""Moderators' pages for imports: choose between ambiguous matches, download what was not found."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from audit.services import Actor
from core.spreadsheets import safe_cell
from imports.models import NameResolution, Outcome
from imports.services import resolution_choose
from places.geography import country_name


@staff_member_required
def review(request: HttpRequest) -> HttpResponse:
    ambiguous = NameResolution.objects.filter(outcome=Outcome.AMBIGUOUS).order_by("-occurrences", "country", "name")
    page = Paginator(ambiguous, 20).get_page(request.GET.get("page"))
    counts = {
        "ambiguous": ambiguous.count(),
        "unmatched": NameResolution.objects.filter(outcome=Outcome.UNMATCHED).count(),
        "far": NameResolution.objects.filter(far=True).count(),
    }
    return render(request, "imports/review.html", {"page": page, "counts": counts})


@staff_member_required
@require_POST
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_object_or_404(NameResolution, pk=pk)
    try:
        geonames_id = int(request.POST.get("geonames_id", ""))
    except ValueError:
        messages.error(
            request,
            gettext("Choose one of the places listed for “%(name)s”, then press Save.") % {"name": resolution.name},
        )
        return redirect("imports:review")
    try:
        created = resolution_choose(actor=Actor(user=request.user), resolution=resolution, geonames_id=geonames_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:review")
    messages.success(
        request,
        ngettext(
            "“%(name)s” is now %(place)s (GeoNames %(geonames_id)s); %(count)d held link created.",
            "“%(name)s” is now %(place)s (GeoNames %(geonames_id)s); %(count)d held links created.",
            created,
        )
        % {"name": resolution.name, "place": resolution.place, "geonames_id": geonames_id, "count": created},
    )
    return redirect("imports:review")


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_member_required
def unmatched_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every name no place was found for, as CSV (cells a spreadsheet would run are neutralised)."""
    rows = NameResolution.objects.filter(outcome=Outcome.UNMATCHED).order_by("country", "name")
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM, so that Excel reads the file as UTF-8
        yield writer.writerow(["name", "country_code", "country", "country_as_written", "occurrences", "why"])
        for r in rows.iterator():
            yield writer.writerow(
                [
                    safe_cell(v)
                    for v in (
                        r.name,
                        r.country,
                        country_name(r.country),
                        r.country_as_written,
                        r.occurrences,
                        r.explanation,
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmatched-place-names.csv"'
    return response
