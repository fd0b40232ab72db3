"""The place page: its links with their status today, and its history of decisions."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext

from api.conditional import registry_cached_page
from api.jsonld import place_jsonld
from knowledge.selectors import guides_for
from places.local_names import local_name
from places.map_views import place_map
from places.models import Place, PlaceName
from places.selectors import decisions_of_place, links_of_place

PLACE_PAGE_SIZE = 50


def other_names(place: Place) -> list[PlaceName]:
    """The place's names other than the one the page shows (its English name among them, on a French page)."""
    shown = local_name(place)
    names = [n for n in place.names.all() if n.name != shown]
    if shown != place.name and place.name not in {n.name for n in names}:
        names.insert(0, PlaceName(place=place, name=place.name, language="en"))
    return names


@registry_cached_page(reads=("page", "decisions"))
def place_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    place = Place.objects.prefetch_related("names", "institutions", "citations__source").filter(pk=pk).first()
    if place is None:
        raise Http404(gettext("There is no place with this number in the registry."))
    if request.path != place.get_absolute_url():
        return HttpResponsePermanentRedirect(place.get_absolute_url())
    today = dt.date.today()
    # A capital city can hold hundreds of links and thousands of decisions: both come in pages of 50.
    links = Paginator(links_of_place(place, today), PLACE_PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = Paginator(decisions_of_place(place), PLACE_PAGE_SIZE).get_page(request.GET.get("decisions"))
    context = {
        "place": place,
        "today": today,
        "links": links,
        "decisions": decisions,
        "other_names": other_names(place),
        "jsonld": place_jsonld(place),
        "place_map": place_map(place),
        "related_guides": guides_for(place=place),
    }
    return render(request, "places/place_detail.html", context)
