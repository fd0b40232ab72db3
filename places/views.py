"""The place page: its links with their status today, and its history of decisions."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from api.conditional import registry_cached_page
from api.jsonld import place_jsonld
from places.models import Place
from places.selectors import decisions_of_place, links_of_place

PLACE_PAGE_SIZE = 50


@registry_cached_page(reads=("page", "decisions"))
def place_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    place = Place.objects.prefetch_related("names", "institutions", "citations__source").filter(pk=pk).first()
    if place is None:
        raise Http404("There is no place with this number in the registry.")
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
        "other_names": [n for n in place.names.all() if n.name != place.name],
        "jsonld": place_jsonld(place),
    }
    return render(request, "places/place_detail.html", context)
