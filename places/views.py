"""The place page: its links with their status today, and its history of decisions."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render

from api.jsonld import place_jsonld
from places.models import Place
from places.selectors import decisions_of_place, links_of_place


def place_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    place = get_object_or_404(Place.objects.prefetch_related("names", "institutions", "citations__source"), pk=pk)
    if request.path != place.get_absolute_url():
        return HttpResponsePermanentRedirect(place.get_absolute_url())
    today = dt.date.today()
    context = {
        "place": place,
        "today": today,
        "links": links_of_place(place, today),
        "decisions": decisions_of_place(place),
        "other_names": [n for n in place.names.all() if n.name != place.name],
        "jsonld": place_jsonld(place),
    }
    return render(request, "places/place_detail.html", context)
