"""Conditional requests (ETag / Last-Modified → 304) and the anonymous rate limit (429 + Retry-After)."""

from __future__ import annotations

import pytest
from django.utils.http import http_date, parse_http_date

from sources.services import source_create

pytestmark = pytest.mark.django_db

GETS = [
    "/api/v1/links?country=GB",
    "/api/v1/links/{link}",
    "/api/v1/places",
    "/api/v1/places/{place}",
    "/api/v1/sources",
    "/api/v1/sources/{source}",
]


def urls(registry) -> list[str]:
    ids = {"link": registry.links["russia"].pk, "place": registry.places["lyon"].pk, "source": registry.source.pk}
    return [url.format(**ids) for url in GETS]


def test_every_get_answers_with_validators_and_304_when_nothing_changed(client, registry):
    for url in urls(registry):
        first = client.get(url)
        assert first.status_code == 200, url
        etag, last_modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('W/"') and parse_http_date(last_modified)
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
        older = http_date(parse_http_date(last_modified) - 3600)
        assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
        assert client.get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200


def test_the_etag_depends_on_the_query_and_changes_with_every_write(client, registry, actor):
    url = "/api/v1/links?country=GB"
    etag = client.get(url)["ETag"]
    assert client.get("/api/v1/links?country=FR")["ETag"] != etag
    assert client.get(url)["ETag"] == etag  # stable while nothing changes
    source_create(actor=actor, title="A new source")  # any write to the registry
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_if_none_match_wins_over_if_modified_since(client, registry):
    first = client.get("/api/v1/places")
    response = client.get(
        "/api/v1/places", headers={"If-None-Match": 'W/"stale"', "If-Modified-Since": first["Last-Modified"]}
    )
    assert response.status_code == 200


def test_errors_carry_no_validators(client, db):
    response = client.get("/api/v1/links?as_of=nonsense")
    assert response.status_code == 400
    assert "ETag" not in response


def test_anonymous_reads_are_limited_with_429_and_retry_after(client, registry, settings):
    settings.API_ANON_RATE = "3/min"
    for _ in range(3):
        assert client.get("/api/v1/places").status_code == 200
    refused = client.get("/api/v1/links")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    detail = refused.json()["detail"]
    assert detail.startswith("Too many requests.")
    assert "3 requests a minute" in detail and f"Try again in {refused['Retry-After']} seconds" in detail
    # Another address has its own allowance.
    assert client.get("/api/v1/places", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_forwarded_for_is_not_trusted_unless_configured(client, registry, settings):
    settings.API_ANON_RATE = "2/min"
    for n in range(2):
        client.get("/api/v1/places", headers={"X-Forwarded-For": f"192.0.2.{n}"})
    assert client.get("/api/v1/places", headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429
    settings.NINJA_NUM_PROXIES = 1
    assert client.get("/api/v1/places", headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 200


def test_staff_are_not_limited(client, registry, settings, staff_user, staff_headers):
    settings.API_ANON_RATE = "2/min"
    for _ in range(5):
        assert client.get("/api/v1/places", headers=staff_headers).status_code == 200
    client.force_login(staff_user)
    for _ in range(5):
        assert client.get("/api/v1/places").status_code == 200
    client.logout()
    client.get("/api/v1/places")
    client.get("/api/v1/places")
    assert client.get("/api/v1/places").status_code == 429
    # A revoked token reads like anyone else.
    from api.models import ApiToken
    from api.tokens import api_token_revoke

    api_token_revoke(token=ApiToken.objects.get())
    assert client.get("/api/v1/places", headers=staff_headers).status_code == 429
