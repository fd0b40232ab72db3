"""Staff writes with a bearer token: 201s through the services, every 4xx in plain words, the change log's actor."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from accounts.models import Role
from accounts.testing import account_create
from api.models import ApiToken, hash_key
from api.token_command import Command as CreateApiToken
from api.tokens import api_token_create, api_token_revoke
from audit.models import ChangeRecord
from links.models import Link, StatusEvent
from sources.models import Source

pytestmark = pytest.mark.django_db


def post(client, url, body, headers=None):
    return client.post(f"/api/v1{url}", data=json.dumps(body), content_type="application/json", headers=headers or {})


@pytest.fixture
def new_link(registry):
    return {
        "parties": [{"place_id": registry.places["lyon"].pk}, {"place_id": registry.places["volgograd"].pk}],
        "kind": "friendship",
        "purposes": ["culture", "education"],
        "first_contact": "1958",
        "agreement": "1972-10",
        "name": "",
        "endorsing_body": "Both city councils",
        "citations": [
            {"source_id": registry.source.pk, "quote": "Lyon and Volgograd became friends.", "claim": "link"}
        ],
    }


# ---------------------------------------------------------------- tokens


def test_create_api_token_prints_the_key_once_and_stores_only_its_hash(staff_user):
    out = io.StringIO()
    call_command(CreateApiToken(), "editor", "--name", "import script", stdout=out)
    key = [line for line in out.getvalue().splitlines() if line.startswith("th_")][0]
    token = ApiToken.objects.get()
    assert token.user == staff_user and token.name == "import script"
    assert token.key_hash == hash_key(key) and len(token.key_hash) == 64
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert all(key not in value for value in stored)


def test_create_api_token_refuses_unknown_users_and_warns_about_accounts_without_a_role(db):
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        call_command(CreateApiToken(), "nobody", "--name", "x", stdout=io.StringIO())
    account_create("visitor@example.org")
    out = io.StringIO()
    call_command(CreateApiToken(), "visitor", "--name", "x", stdout=out)
    assert "whose roles are: contributor" in out.getvalue()
    assert "the API will refuse its writes until it has one" in out.getvalue()


@pytest.mark.parametrize(
    "headers, status, words",
    [
        ({}, 401, "Writing needs an API token"),
        ({"Authorization": "Token abc"}, 401, "not a bearer token"),
        ({"Authorization": "Bearer th_not-a-real-key"}, 401, "This API token is not known"),
    ],
)
def test_writes_without_a_good_token_are_refused(client, registry, new_link, headers, status, words):
    response = post(client, "/links", new_link, headers)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Link.objects.count() == 5


def test_a_revoked_token_is_401_and_a_token_whose_account_may_not_edit_403(client, registry, new_link, staff_user):
    token, key = api_token_create(user=staff_user, name="old")
    api_token_revoke(token=token)
    response = post(client, "/links", new_link, {"Authorization": f"Bearer {key}"})
    assert response.status_code == 401 and "was revoked on" in response.json()["detail"]
    before = Link.objects.count()
    contributor = account_create("contributor@example.org")
    _token, key = api_token_create(user=contributor, name="no editing role")
    response = post(client, "/links", new_link, {"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You cannot change this record directly. You can propose the change instead; a moderator will review it."
    )
    assert Link.objects.count() == before


# ---------------------------------------------------------------- links


def test_staff_create_a_link_logged_under_their_name(client, registry, new_link, staff_user, staff_headers):
    response = post(client, "/links", new_link, staff_headers)
    assert response.status_code == 201, response.content
    body = response.json()
    link = Link.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/links/{link.pk}"
    assert body["title"] == "Lyon – Volgograd" and body["kind"] == "friendship"
    assert body["first_contact"]["iso"] == "1958" and body["agreement"]["iso"] == "1972-10"
    assert [p["slug"] for p in body["purposes"]] == ["culture", "education"]
    assert body["citations"][0]["quote"] == "Lyon and Volgograd became friends."
    assert body["endorsing_body"] == "Both city councils"
    records = ChangeRecord.objects.filter(actor=staff_user)
    assert {r.summary for r in records} >= {"Added link Lyon – Volgograd"}
    assert records.count() == 2  # the link and its citation
    assert ApiToken.objects.get().last_used_at is not None
    assert client.get(f"/api/v1/links/{link.pk}").json() == body


def test_a_link_between_institutions_under_a_parent(client, registry, new_link, staff_headers):
    from places.models import Institution

    schools = list(Institution.objects.order_by("pk"))
    new_link |= {
        "parties": [{"institution_id": schools[0].pk}, {"institution_id": schools[1].pk, "role": "partner school"}],
        "kind": "institutional",
        "parent_id": registry.links["germany"].pk,
        "first_contact": None,
        "agreement": "2024-05-02",
    }
    body = post(client, "/links", new_link, staff_headers).json()
    assert body["parent"]["id"] == registry.links["germany"].pk
    assert body["parties"][1]["role"] == "partner school" and body["parties"][1]["type"] == "institution"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"parties": [{"place_id": "LYON"}]}, "parties", "A link needs at least two parties."),
        ({"parties": "Lyon and Volgograd"}, "parties", "Give a list (a JSON array)."),
        (
            {"parties": [{"place_id": "LYON"}, {"place_id": 987654}]},
            "parties.1.place_id",
            "There is no place with id 987654.",
        ),
        (
            {"parties": [{"place_id": "LYON"}, {"institution_id": 5555}]},
            "parties.1.institution_id",
            "no institution with id",
        ),
        ({"parties": [{"place_id": "LYON"}, {}]}, "parties.1", "either {'place_id': ...} or {'institution_id': ...}"),
        ({"parties": [{"place_id": "LYON"}, {"place_id": "LYON"}]}, "parties", "is listed twice"),
        ({"parties": [{"place_id": "LYON"}, {"place_id": "two"}]}, "parties.1.place_id", "Give a whole number"),
        (
            {"parties": [{"place_id": "LYON"}, {"place_id": 2**70}]},
            "parties.1.place_id",
            "Give a number no bigger than",
        ),
        ({"kind": "alliance"}, "kind", "'alliance' is not a kind of link. Use one of: formal, friendship"),
        ({"purposes": ["gastronomy"]}, "purposes", "Unknown purpose(s): gastronomy."),
        ({"first_contact": "1947-13"}, "first_contact", "'1947-13' is not a real calendar date"),
        ({"agreement": "spring 1972"}, "agreement", "Write a year (1947), a year and month (2018-03)"),
        ({"first_contact": "1980", "agreement": "1972"}, "agreement", "is dated before the first contact"),
        ({"agreement": "2999"}, "agreement", "This date is in the future."),
        ({"citations": []}, "citations", "Cite at least one source for this link."),
        ({"citations": [{"source_id": 987654}]}, "citations.0.source_id", "There is no source with id 987654."),
        ({"citations": [{"quote": "no source"}]}, "citations.0.source_id", "This is required."),
        ({"parent_id": 987654}, "parent_id", "There is no link with id 987654."),
        ({"name": "x" * 301}, "name", "Keep this to 300 characters or fewer."),
        ({"name": "nul\x00"}, "name", "Text may not contain the NUL character"),
        ({"colour": "red"}, "colour", "This field is not part of the API. Remove it."),
    ],
)
def test_bad_links_are_400_with_plain_messages(client, registry, new_link, staff_headers, change, field, words):
    if "parties" in change and isinstance(change["parties"], list):  # "LYON" stands for Lyon's id
        lyon = registry.places["lyon"].pk
        change = {"parties": [{k: lyon if v == "LYON" else v for k, v in p.items()} for p in change["parties"]]}
    before = (Link.objects.count(), ChangeRecord.objects.count())
    response = post(client, "/links", new_link | change, staff_headers)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert any(words in message for message in body["errors"][field]), body
    assert words in body["detail"]
    assert (Link.objects.count(), ChangeRecord.objects.count()) == before


def test_a_body_that_is_not_json_is_400(client, registry, staff_headers):
    response = client.post("/api/v1/links", data="{not json", content_type="application/json", headers=staff_headers)
    assert response.status_code == 400
    assert "Send the body as JSON" in response.json()["detail"]


def test_an_edit_conflict_is_409(client, registry, new_link, staff_headers, monkeypatch):
    from api import endpoints
    from core.versioning import EditConflict

    def conflict(**kwargs):
        raise EditConflict("This link was changed by someone else while you were editing it.")

    monkeypatch.setattr(endpoints, "link_create", conflict)
    response = post(client, "/links", new_link, staff_headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "This link was changed by someone else while you were editing it."


# ---------------------------------------------------------------- status events


def test_staff_record_a_status_change_with_its_source(client, registry, staff_user, staff_headers):
    link = registry.links["germany"]
    body = {
        "date": "2024-09",
        "status": "active",
        "reason": "The partner council was restored.",
        "category": "political_dispute",
        "deciding_body": "Cabinet",
        "citations": [{"source_id": registry.source.pk, "quote": "The link resumes."}],
    }
    response = post(client, f"/links/{link.pk}/events", body, staff_headers)
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["label"] == "Reinstated" and event["date"]["iso"] == "2024-09"
    assert event["link_id"] == link.pk and event["link_status"]["status"] == "active"
    assert event["citations"][0]["quote"] == "The link resumes."
    saved = StatusEvent.objects.get(pk=event["id"])
    record = ChangeRecord.objects.get(target_type=ContentType.objects.get_for_model(StatusEvent), target_id=saved.pk)
    assert record.actor == staff_user and record.summary.endswith("active on September 2024")


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"date": "1900"}, "date", "is dated before the link began"),
        ({"date": "22/03/2022"}, "date", "is not a date"),
        ({"date": ""}, "date", "Give the date of this status change"),
        ({"status": "asleep"}, "status", "'asleep' is not a status. Use one of: proposed, active"),
        ({"category": "boredom"}, "category", "'boredom' is not a category."),
        ({"citations": []}, "citations", "A status change must cite its source"),
        ({"deciding_body": "x" * 301}, "deciding_body", "Keep this to 300 characters or fewer."),
    ],
)
def test_bad_status_changes_are_400(client, registry, staff_headers, change, field, words):
    body = {"date": "2024", "status": "ended", "citations": [{"source_id": registry.source.pk}]} | change
    response = post(client, f"/links/{registry.links['germany'].pk}/events", body, staff_headers)
    assert response.status_code == 400, response.content
    assert any(words in m for m in response.json()["errors"][field]), response.json()


def test_a_status_change_of_an_unknown_link_is_404(client, registry, staff_headers):
    body = {"date": "2024", "status": "ended", "citations": [{"source_id": registry.source.pk}]}
    response = post(client, "/links/987654/events", body, staff_headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no link with id 987654."


# ---------------------------------------------------------------- sources


def test_staff_add_a_source(client, db, staff_user, staff_headers):
    body = {
        "title": "Minutes of full council",
        "kind": "official",
        "publisher": "Testford Council",
        "url": "https://example.org/minutes",
        "published": "2022-03",
    }
    response = post(client, "/sources", body, staff_headers)
    assert response.status_code == 201, response.content
    source = Source.objects.get(pk=response.json()["id"])
    assert source.published_precision == "month" and response.json()["published"]["iso"] == "2022-03"
    assert response.json()["citation_count"] == 0
    assert ChangeRecord.objects.get(summary="Added source Minutes of full council").actor == staff_user


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"title": "  "}, "title", "Give the source's title."),
        ({"url": "not a url"}, "url", "Enter a valid URL."),
        ({"published": "March 2022"}, "published", "is not a date"),
        ({"kind": "rumour"}, "kind", "'rumour' is not a kind of source."),
    ],
)
def test_bad_sources_are_400(client, db, staff_headers, change, field, words):
    before = Source.objects.count()
    response = post(client, "/sources", {"title": "A report"} | change, staff_headers)
    assert response.status_code == 400
    assert any(words in m for m in response.json()["errors"][field]), response.json()
    assert Source.objects.count() == before


def test_tokens_are_listed_and_revoked_in_the_admin_never_shown(client, staff_key):
    admin = account_create("admin@example.org", role=Role.ADMIN, second_factor=True)
    client.force_login(admin)
    token = ApiToken.objects.get()
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    text = page.content.decode()
    assert token.key_prefix in text and staff_key not in text and token.key_hash not in text
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.is_revoked


def test_token_writes_need_no_csrf_token(registry, new_link, staff_headers):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "/links", new_link, staff_headers).status_code == 201


def test_writes_are_rate_limited_per_token_and_nothing_is_saved_past_the_limit(
    client, registry, new_link, staff_headers, settings
):
    settings.API_WRITE_RATE = "2/h"
    before = Link.objects.count()
    answers = [post(client, "/sources", {"title": f"Report {n}"}, staff_headers) for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["detail"].startswith("Too many writes: the API accepts 2 an hour from one token.")
    assert Link.objects.count() == before
