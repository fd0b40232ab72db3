"""The consent flow end to end, through the pages and through the API: no contact detail (name,
email, telephone) reaches the other side, a stranger or an anonymous visitor before both accept;
after, each side sees the other's, and nobody else does."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from api.tokens import api_token_create
from matching.models import Introduction, IntroductionStatus
from matching.tests.conftest import DAKAR, HEBDEN, secrets

pytestmark = pytest.mark.django_db


def leaks(text: str, contacts: dict[str, str]) -> list[str]:
    return [secret for secret in secrets(contacts) if secret in text]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages_of(world, introduction: Introduction | None) -> list[str]:
    urls = [
        "/partners/",
        "/fr/partners/",
        world.hebden.get_absolute_url(),
        world.dakar.get_absolute_url(),
        f"/partners/{world.dakar.pk}/",
        "/partners/mine",
    ]
    if introduction is not None:
        urls.append(introduction.get_absolute_url())
    return urls


def read_everything(client: Client, world, introduction) -> str:
    texts = []
    for url in pages_of(world, introduction):
        response = client.get(url, follow=True)
        texts.append(response.content.decode())
    return "\n".join(texts)


def test_through_the_pages(world, django_capture_on_commit_callbacks):
    hebden, dakar = signed_in(world.hebden_owner), signed_in(world.dakar_owner)
    stranger, anonymous = signed_in(world.stranger), Client()

    # Hebden sees its suggestions and expresses interest in Dakar.
    page = hebden.get(f"/partners/{world.hebden.pk}/suggestions").content.decode()
    assert "Dakar Youth Football" in page and "Shared themes: culture and the arts, sport." in page
    assert not leaks(page, DAKAR)
    with django_capture_on_commit_callbacks(execute=True):
        response = hebden.post(f"/partners/{world.dakar.pk}/interest", {"from_profile": world.hebden.pk, "note": "Hi!"})
    introduction = Introduction.objects.get()
    assert response.status_code == 302 and response["Location"] == introduction.get_absolute_url()
    assert introduction.status == IntroductionStatus.PENDING

    # Before any answer: nobody sees the other side's details, in pages or in emails.
    assert not leaks(read_everything(dakar, world, introduction), HEBDEN)
    assert not leaks(read_everything(hebden, world, introduction), DAKAR)
    for outsider in (stranger, anonymous):
        text = read_everything(outsider, world, None)
        assert not leaks(text, HEBDEN) and not leaks(text, DAKAR)
        assert outsider.get(introduction.get_absolute_url()).status_code in (302, 404)
    [email] = mail.outbox
    assert email.to == [DAKAR["contact_email"]]
    assert not leaks(email.subject + email.body, HEBDEN)

    # Dakar writes through the hub first: still nothing shared.
    dakar.post(f"/partners/introductions/{introduction.pk}/message", {"body": "Tell us about your festival."})
    assert not leaks(read_everything(hebden, world, introduction), DAKAR)

    # Dakar accepts: each side now sees the other's details; nobody else does.
    with django_capture_on_commit_callbacks(execute=True):
        response = dakar.post(f"/partners/introductions/{introduction.pk}/answer", {"answer": "accept"})
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    hebden_sees = hebden.get(introduction.get_absolute_url()).content.decode()
    dakar_sees = dakar.get(introduction.get_absolute_url()).content.decode()
    assert set(leaks(hebden_sees, DAKAR)) == set(secrets(DAKAR))
    assert set(leaks(dakar_sees, HEBDEN)) == set(secrets(HEBDEN))
    assert set(leaks(hebden.get(world.dakar.get_absolute_url()).content.decode(), DAKAR)) == set(secrets(DAKAR))
    for outsider in (stranger, anonymous):
        text = read_everything(outsider, world, None)
        assert not leaks(text, HEBDEN) and not leaks(text, DAKAR)
    accepted = mail.outbox[-1]
    assert accepted.to == [HEBDEN["contact_email"]] and "accepted" in accepted.subject
    assert not leaks(accepted.body, DAKAR)  # the details are on the hub, not in an email


def test_through_the_api(world, django_capture_on_commit_callbacks):
    _t, hebden_key = api_token_create(user=world.hebden_owner, name="test")
    _t, dakar_key = api_token_create(user=world.dakar_owner, name="test")
    _t, stranger_key = api_token_create(user=world.stranger, name="test")
    hebden = Client(headers={"Authorization": f"Bearer {hebden_key}"})
    dakar = Client(headers={"Authorization": f"Bearer {dakar_key}"})
    stranger = Client(headers={"Authorization": f"Bearer {stranger_key}"})
    anonymous = Client()

    public = (
        anonymous.get("/api/v1/profiles").content.decode()
        + anonymous.get(f"/api/v1/profiles/{world.dakar.pk}").content.decode()
    )
    assert "Dakar Youth Football" in public
    assert not leaks(public, DAKAR) and not leaks(public, HEBDEN)

    suggestions = hebden.get(f"/api/v1/profiles/{world.hebden.pk}/suggestions")
    assert suggestions.status_code == 200
    assert [s["profile_id"] for s in suggestions.json()] == [world.dakar.pk]
    assert suggestions.json()[0]["reasons"] == [
        "Seeking partners now.",
        "Shared themes: culture and the arts, sport.",
        "You can both work in English, French.",
    ]
    assert dakar.get(f"/api/v1/profiles/{world.hebden.pk}/suggestions").status_code == 403
    assert anonymous.get(f"/api/v1/profiles/{world.hebden.pk}/suggestions").status_code == 401

    body = json.dumps({"from_profile_id": world.hebden.pk, "note": "Hello from Hebden"})
    with django_capture_on_commit_callbacks(execute=True):
        created = hebden.post(f"/api/v1/profiles/{world.dakar.pk}/interest", body, content_type="application/json")
    assert created.status_code == 201, created.content
    intro = created.json()
    assert intro["status"] == "pending" and intro["other_contact"] is None
    url = f"/api/v1/introductions/{intro['id']}"

    # Before acceptance, neither side's details in any answer; strangers get a 404 (nothing said).
    assert dakar.get(url).json()["other_contact"] is None
    assert not leaks(dakar.get(url).content.decode(), HEBDEN)
    assert not leaks(hebden.get(url).content.decode(), DAKAR)
    assert stranger.get(url).status_code == 404
    assert anonymous.get(url).status_code == 401
    answer = json.dumps({"accept": True})
    assert stranger.post(f"{url}/answer", answer, content_type="application/json").status_code == 404
    assert hebden.post(f"{url}/answer", answer, content_type="application/json").status_code == 403
    assert mail.outbox[-1].to == [DAKAR["contact_email"]]

    with django_capture_on_commit_callbacks(execute=True):
        accepted = dakar.post(f"{url}/answer", answer, content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["other_contact"] == {
        "name": HEBDEN["contact_name"],
        "email": HEBDEN["contact_email"],
        "phone": HEBDEN["contact_phone"],
    }
    assert hebden.get(url).json()["other_contact"]["email"] == DAKAR["contact_email"]
    assert stranger.get(url).status_code == 404
    public = anonymous.get("/api/v1/profiles").content.decode()
    assert not leaks(public, DAKAR) and not leaks(public, HEBDEN)


def test_interest_in_someone_who_already_asked_you_accepts_theirs(world, django_capture_on_commit_callbacks):
    hebden, dakar = signed_in(world.hebden_owner), signed_in(world.dakar_owner)
    hebden.post(f"/partners/{world.dakar.pk}/interest", {"from_profile": world.hebden.pk})
    with django_capture_on_commit_callbacks(execute=True):
        dakar.post(f"/partners/{world.hebden.pk}/interest", {"from_profile": world.dakar.pk})
    [introduction] = Introduction.objects.all()
    assert introduction.status == IntroductionStatus.ACCEPTED
    assert introduction.from_profile == world.hebden
    assert set(leaks(dakar.get(introduction.get_absolute_url()).content.decode(), HEBDEN)) == set(secrets(HEBDEN))
