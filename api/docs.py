"""The API's human documentation: one server-rendered page generated from the OpenAPI document.

django-ninja's default docs page loads Swagger UI from a CDN; this page needs nothing but
the server, works without JavaScript and reads well in a screen reader.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from api.security import DEFAULT_ANON_RATE, parse_rate

# A worked example for each operation: the query it shows (the rest comes from the schema).
EXAMPLE_QUERIES: dict[str, dict[str, Any]] = {
    "listLinks": {"country": "GB", "partner_country": "RU", "as_of": "2022-12-31", "status": ["paused", "ended"]},
    "getLink": {"as_of": "2021-12-31"},
    "listPlaces": {"q": "coventry"},
    "listSources": {"kind": "official"},
    "getStatistics": {"stats_country": "GB", "kind": "formal"},
}
METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


def prose(text: str) -> SafeString:
    """A description from the schema: escaped, with `code` spans (as written in OpenAPI) shown as code."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308 - escaped first


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_html(schema: dict[str, Any]) -> SafeString:
    """A JSON schema in a few words, with links to the shapes it refers to."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return format_html('<a href="#schema-{}">{}</a>', name, name)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [s for s in schema[combinator] if s.get("type") != "null"]
            nullable = len(options) < len(schema[combinator])
            inner = mark_safe(" or ".join(str(type_html(s)) for s in options))  # noqa: S308 - parts are escaped
            return format_html("{} or null", inner) if nullable else inner
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_html(schema["allOf"][0])
    kind = schema.get("type")
    if kind == "array":
        return format_html("list of {}", type_html(schema.get("items", {})))
    if "enum" in schema:
        if schema["enum"] == [""]:
            return format_html("{}", "empty")
        return format_html("one of: {}", ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"]))
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        return format_html("object of {}", type_html(schema["additionalProperties"]))
    words = str(kind or "any value")
    if schema.get("format"):
        words += f" ({schema['format']})"
    bounds = []
    if "minimum" in schema:
        bounds.append(f"from {schema['minimum']}")
    if "maximum" in schema:
        bounds.append(f"to {schema['maximum']}")
    if "maxLength" in schema:
        bounds.append(f"at most {schema['maxLength']} characters")
    if bounds:
        words += ", " + " ".join(bounds)
    return format_html("{}", words)


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    if "$ref" in schema:
        schema = components.get(_ref_name(schema["$ref"]), {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_html(prop),
            "required": name in required,
            "description": prose(prop.get("description", "")),
            "default": json.dumps(prop["default"]) if "default" in prop and prop["default"] not in ("", None) else "",
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _example_path(path: str, operation: dict[str, Any]) -> str:
    query = EXAMPLE_QUERIES.get(operation.get("operationId", ""))
    if query is None:
        query = {p["name"]: p["example"] for p in operation.get("parameters", []) if "example" in p}
    path = path.replace("{id}", "1")
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def _endpoint(path: str, method: str, operation: dict[str, Any], components: dict[str, Any], base: str) -> dict:
    parameters = [
        {
            "name": p["name"],
            "location": p["in"],
            "required": p.get("required", False),
            "type": type_html(p.get("schema", {})),
            "description": prose(p.get("description", "") or p.get("schema", {}).get("description", "")),
            "repeatable": p.get("schema", {}).get("type") == "array",
        }
        for p in operation.get("parameters", [])
    ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    body_schema = components.get(_ref_name(body["$ref"]), {}) if body and "$ref" in body else (body or {})
    example_path = _example_path(path, operation)
    if method == "get":
        example = f"curl -i '{base}{example_path}'"
    else:
        payload = json.dumps(body_schema.get("example", {}), indent=2, ensure_ascii=False)
        example = (
            f"curl -i -X {method.upper()} '{base}{example_path}' \\\n"
            "  -H 'Authorization: Bearer <your key>' -H 'Content-Type: application/json' \\\n"
            f"  --data '{payload}'"
        )
    responses = []
    for code, answer in sorted(operation.get("responses", {}).items()):
        content = answer.get("content", {}).get("application/json", {}).get("schema")
        responses.append(
            {"code": code, "description": answer.get("description", ""), "type": type_html(content) if content else ""}
        )
    return {
        "anchor": operation.get("operationId", f"{method}-{path}"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": prose(operation.get("description", "")),
        "needs_token": bool(operation.get("security")),
        "parameters": parameters,
        "body": _fields(body_schema, components) if body else [],
        "body_name": _ref_name(body["$ref"]) if body and "$ref" in body else "",
        "example_url": example_path if method == "get" else "",
        "example": example,
        "responses": responses,
    }


def docs(request: HttpRequest) -> HttpResponse:
    from api.endpoints import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    base = request.build_absolute_uri("/").rstrip("/")
    endpoints = [
        _endpoint(path, method, operation, components, base)
        for path, methods in sorted(schema["paths"].items())
        for method, operation in sorted(methods.items(), key=lambda item: METHOD_ORDER.get(item[0], 9))
    ]
    shapes = [
        {"name": name, "description": prose(component.get("description", "")), "fields": _fields(component, components)}
        for name, component in sorted(components.items())
        if component.get("properties")
    ]
    limit, period = parse_rate(getattr(settings, "API_ANON_RATE", DEFAULT_ANON_RATE))
    per = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}.get(period, f"{period} seconds")
    context = {
        "title": schema["info"]["title"],
        "version": schema["info"]["version"],
        "openapi_url": reverse("api:openapi-json"),
        "base": base,
        "endpoints": endpoints,
        "shapes": shapes,
        "rate": f"{limit} requests a {per}",
        "links_url": reverse("api:link_list"),
    }
    return render(request, "api/docs.html", context)


def home(request: HttpRequest) -> HttpResponse:
    """/api/v1/ itself: the docs."""
    return redirect("api:docs")
