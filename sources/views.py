"""Source pages: every fact a source supports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from sources.models import Source
from sources.selectors import citations_of, sources_with_counts


def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sources/source_list.html", {"sources": sources_with_counts()})


def source_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    source = Source.objects.filter(pk=pk).first()
    if source is None:
        raise Http404("There is no source with this number in the registry.")
    if request.path != source.get_absolute_url():
        return HttpResponsePermanentRedirect(source.get_absolute_url())
    citations = citations_of(source)
    page = Paginator(citations, 100).get_page(request.GET.get("page"))
    return render(request, "sources/source_detail.html", {"source": source, "page": page})
