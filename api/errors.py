"""Every error the API answers, as JSON in plain words: {"detail": "...", "errors": {"field": ["..."]}}.

Bad input is always a 4xx, never a 500: parameter and body errors (django-ninja's, the
search form's, the services' ValidationErrors, unparsable dates, unknown ids) are 400,
an unknown object is 404, an edit conflict is 409, too many requests is 429.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from core.versioning import EditConflict

NON_FIELD = "non_field_errors"

# Plainer words than pydantic's for the parameters every list shares.
FIELD_MESSAGES = {
    "limit": "Give limit as a whole number from 1 to 200.",
    "id": "Give the id as a whole number, such as 12.",
    "stats_country": "Use the two-letter ISO code of a country, such as GB, FR or RU.",
}


class ApiError(Exception):
    """An error answered as {"detail": ..., "errors": ...} with the given status."""

    def __init__(self, status: int, detail: str, errors: Mapping[str, Iterable[str]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}


def bad_request(errors: Mapping[str, Iterable[str]], what: str = "") -> ApiError:
    """A 400 whose detail sums up every message, so that a client showing only `detail` still says it all."""
    errors = {field: list(messages) for field, messages in errors.items()}
    messages = []
    for field, items in errors.items():
        for message in items:
            messages.append(message if field == NON_FIELD else f"{field}: {message}")
    lead = what or "There is a problem with the request"
    return ApiError(400, f"{lead}. " + " ".join(messages), errors)


def refuse_repeats(request: HttpRequest, *names: str) -> None:
    """A 400 if a parameter that takes one value was given several times (limit=1&limit=2)."""
    errors = {}
    for name in names:
        values = request.GET.getlist(name)
        if len(values) > 1:
            errors[name] = [f"'{name}' was given {len(values)} times. Give it once."]
    if errors:
        raise bad_request(errors, "Some parameters are not valid")


def not_found(what: str, pk: object) -> ApiError:
    return ApiError(404, f"There is no {what} with id {pk}.")


def from_django(exc: DjangoValidationError, names: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """A Django ValidationError as {field: [messages]}, with model field names mapped to the API's."""
    names = names or {}
    if hasattr(exc, "error_dict"):
        result: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            key = NON_FIELD if field == NON_FIELD_ERRORS else names.get(field, field)
            result.setdefault(key, []).extend(messages)
        return result
    return {NON_FIELD: list(exc.messages)}


def _plain(error: Mapping[str, Any], field: str) -> str:
    last = field.rsplit(".", 1)[-1]
    if last in FIELD_MESSAGES:
        return FIELD_MESSAGES[last]
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "This is required."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "Give a whole number, such as 12."
    if kind in {"greater_than_equal", "greater_than"}:
        return f"Give a number of at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in {"less_than_equal", "less_than"}:
        return f"Give a number no bigger than {ctx.get('le', ctx.get('lt'))}."
    if kind == "string_too_long":
        return f"Keep this to {ctx.get('max_length')} characters or fewer."
    if kind == "string_unicode":
        return "Give this as valid Unicode text: it holds a lone surrogate such as \\ud800, half of a character."
    if kind == "string_type":
        return "Give this as text (a JSON string)."
    if kind in {"list_type", "tuple_type"}:
        return "Give a list (a JSON array)."
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "Give an object with named fields (a JSON object)."
    if kind == "bool_parsing" or kind == "bool_type":
        return "Give true or false."
    if kind == "extra_forbidden":
        return "This field is not part of the API. Remove it."
    if kind == "literal_error" or kind == "enum":
        return f"Use one of: {ctx.get('expected', '')}."
    message = str(error.get("msg", "This value is not valid."))
    return message.removeprefix("Value error, ")


def _field_name(loc: Iterable[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in {"query", "path", "body", "header", "cookie", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(str(p) for p in parts) or "body"


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`."""

    def respond(request: HttpRequest, status: int, detail: str, errors: dict | None = None) -> HttpResponse:
        body: dict[str, Any] = {"detail": detail}
        if errors is not None:
            body["errors"] = errors
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.detail, exc.errors if exc.errors or exc.status == 400 else None)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = _field_name(error.get("loc", ()))
            message = _plain(error, field)
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)
        lead = "Nothing was saved" if request.method != "GET" else "Some parameters are not valid"
        return api_error(request, bad_request(errors, lead))

    @api.exception_handler(EditConflict)
    def conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        return respond(request, 409, " ".join(exc.messages), from_django(exc))

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if isinstance(exc, EditConflict):
            return conflict(request, exc)
        return api_error(request, bad_request(from_django(exc), "Nothing was saved"))

    @api.exception_handler(IntegrityError)
    def refused(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return api_error(
            request,
            bad_request({NON_FIELD: ["The registry's rules refused this change; nothing was saved."]}, "Not saved"),
        )

    @api.exception_handler(DataError)
    def too_big(request: HttpRequest, exc: DataError) -> HttpResponse:
        return api_error(
            request,
            bad_request({NON_FIELD: ["A value is too long or out of range for the registry; nothing was saved."]}),
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        return respond(
            request,
            413,
            f"The body is larger than the {limit:g} MB the API accepts in one request; nothing was "
            "saved. Send long texts (quotes, notes) shorter, or split the work into several requests.",
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # The policy's refusal, in its own words (what the token's account may not do, and why).
        return respond(request, 403, str(exc) or "This token's account may not make this change.")

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, str(exc) or "Not found.")

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        limit, period, wait = getattr(request, "_api_rate", (None, None, exc.wait))
        per = {1: "a second", 60: "a minute", 3600: "an hour", 86400: "a day"}.get(period, f"per {period} seconds")
        if getattr(request, "_api_rate_kind", "") == "write":
            return respond(
                request,
                429,
                f"Too many writes: the API accepts {limit} {per} from one token. Nothing was saved; "
                f"try again in {wait} seconds.",
            )
        allowance = f"The API answers {limit} requests {per} from one address without a token. " if limit else ""
        return respond(
            request,
            429,
            f"Too many requests. {allowance}Try again in {wait} seconds, or ask for an API token if you need more.",
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, exc.status_code, exc.message)
        response["WWW-Authenticate"] = 'Bearer realm="Twinning Hub API"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja's own 400s, such as a body that is not JSON.
            return api_error(request, bad_request({"body": [f"{exc.message}. Send the body as JSON."]}))
        return respond(request, exc.status_code, exc.message)
