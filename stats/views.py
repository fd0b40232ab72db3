"""Placeholder until the statistics page lands (issue 4)."""
from django.http import HttpRequest, HttpResponse


def statistics(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Statistics are being built.", content_type="text/plain")
