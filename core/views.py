"""The site's own error pages: every 400 and 404 says in plain words what went wrong."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext


def bad_request_message(exception: Exception | None) -> str:
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        return gettext(
            "What was sent is larger than the %(limit)s MB the site accepts at once, so nothing was saved. "
            "Shorten the longest text (a quote, note or description) and send it again."
        ) % {"limit": f"{limit:g}"}
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return gettext("The form sent far more fields than any page of this site has, so nothing was saved.")
    return gettext("The request could not be understood, so nothing was done. Go back and try again.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's default page says only "Bad Request (400)"."""
    message = bad_request_message(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
