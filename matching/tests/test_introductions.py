"""Introductions: who may do what, blocks, reports, notifications in the recipient's language,
what waits for a person (on /partners/mine and in the header), and concurrent edits."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.services import Actor
from core.versioning import EditConflict
from matching import services
from matching.models import AbuseReport, Block, Introduction, IntroductionMessage, IntroductionStatus, ProfileStatus
from matching.tests.conftest import DAKAR, HEBDEN

pytestmark = pytest.mark.django_db


def express(world, note: str = "") -> Introduction:
    return services.introduction_express(
        actor=Actor(user=world.hebden_owner), from_profile=world.hebden, to_profile=world.dakar, note=note
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- the rules


def test_only_the_owner_expresses_interest_and_not_in_themselves(world):
    with pytest.raises(PermissionDenied):
        services.introduction_express(
            actor=Actor(user=world.stranger), from_profile=world.hebden, to_profile=world.dakar
        )
    with pytest.raises(ValidationError, match="your own profile"):
        services.introduction_express(
            actor=Actor(user=world.hebden_owner), from_profile=world.hebden, to_profile=world.hebden
        )
    assert not Introduction.objects.exists()


def test_one_interest_per_pair_and_none_towards_a_paused_profile(world):
    express(world)
    with pytest.raises(ValidationError, match="already expressed interest"):
        express(world)
    services.profile_status_set(actor=Actor(user=world.dakar_owner), profile=world.dakar, status=ProfileStatus.PAUSED)
    assert Introduction.objects.count() == 1
    Introduction.objects.all().delete()
    with pytest.raises(ValidationError, match="not looking for partners"):
        express(world)


def test_a_declined_interest_is_not_asked_again_but_a_withdrawn_one_may_be(world):
    introduction = express(world)
    services.introduction_withdraw(actor=Actor(user=world.hebden_owner), introduction=introduction)
    again = express(world, note="Second try")
    assert again.pk == introduction.pk and again.status == IntroductionStatus.PENDING
    services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=again, accept=False)
    with pytest.raises(ValidationError, match="will not ask them again"):
        express(world)


def test_only_the_recipient_answers_and_only_once(world):
    introduction = express(world)
    for user in (world.hebden_owner, world.stranger, world.moderator):
        with pytest.raises(PermissionDenied):
            services.introduction_answer(actor=Actor(user=user), introduction=introduction, accept=True)
    services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=introduction, accept=True)
    with pytest.raises(ValidationError, match="already been answered"):
        services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=introduction, accept=False)


def test_strangers_cannot_read_answer_or_write_in_an_introduction(world):
    introduction = express(world)
    stranger = signed_in(world.stranger)
    assert stranger.get(introduction.get_absolute_url()).status_code == 404
    assert stranger.post(f"/partners/introductions/{introduction.pk}/answer", {"answer": "accept"}).status_code == 404
    assert stranger.post(f"/partners/introductions/{introduction.pk}/message", {"body": "hi"}).status_code == 404
    assert stranger.post(f"/partners/introductions/{introduction.pk}/block").status_code == 404
    assert Client().get(introduction.get_absolute_url()).status_code == 302  # to sign in
    with pytest.raises(PermissionDenied):
        services.message_send(actor=Actor(user=world.stranger), introduction=introduction, body="hi")
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PENDING and not IntroductionMessage.objects.exists()


def test_the_sender_cannot_accept_its_own_interest_through_the_page(world):
    introduction = express(world)
    response = signed_in(world.hebden_owner).post(
        f"/partners/introductions/{introduction.pk}/answer", {"answer": "accept"}
    )
    assert response.status_code == 403
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PENDING


def test_no_messages_once_declined(world):
    introduction = express(world)
    services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=introduction, accept=False)
    with pytest.raises(ValidationError, match="closed"):
        services.message_send(actor=Actor(user=world.hebden_owner), introduction=introduction, body="Please?")


def test_messages_are_rate_limited(world, settings):
    settings.PARTNER_MESSAGE_RATE = "2/h"
    introduction = express(world)
    client = signed_in(world.hebden_owner)
    for n in range(2):
        assert client.post(f"/partners/introductions/{introduction.pk}/message", {"body": f"m{n}"}).status_code == 302
    response = client.post(f"/partners/introductions/{introduction.pk}/message", {"body": "one too many"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "nothing was sent" in response.content.decode()
    assert IntroductionMessage.objects.count() == 2


# ---------------------------------------------------------------- blocks and reports


def test_a_block_ends_pending_introductions_and_stops_everything(world):
    introduction = express(world)
    response = signed_in(world.dakar_owner).post(f"/partners/introductions/{introduction.pk}/block")
    assert response.status_code == 302
    assert Block.objects.filter(blocker=world.dakar, blocked=world.hebden).exists()
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.DECLINED
    with pytest.raises(ValidationError):
        services.message_send(actor=Actor(user=world.hebden_owner), introduction=introduction, body="hello?")
    Introduction.objects.all().delete()
    with pytest.raises(ValidationError, match="cannot contact"):
        express(world)


def test_a_block_after_acceptance_hides_the_contact_details_again(world):
    introduction = express(world)
    services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=introduction, accept=True)
    hebden = signed_in(world.hebden_owner)
    assert DAKAR["contact_email"] in hebden.get(introduction.get_absolute_url()).content.decode()
    services.block(actor=Actor(user=world.dakar_owner), blocker=world.dakar, blocked=world.hebden)
    assert DAKAR["contact_email"] not in hebden.get(introduction.get_absolute_url()).content.decode()


def test_a_report_reaches_the_moderators_queue_and_is_handled_there(world):
    introduction = express(world, note="Rude words")
    dakar = signed_in(world.dakar_owner)
    empty = dakar.post(f"/partners/introductions/{introduction.pk}/report", {"reason": ""})
    assert empty.status_code == 400 and "Say what happened" in empty.content.decode()
    dakar.post(f"/partners/introductions/{introduction.pk}/report", {"reason": "Rude note"})
    report = AbuseReport.objects.get()
    assert (report.reporter, report.reported, report.introduction) == (world.dakar, world.hebden, introduction)

    assert dakar.get("/partners/reports/").status_code == 403
    moderator = signed_in(world.moderator)
    queue = moderator.get("/partners/reports/").content.decode()
    assert "Rude note" in queue
    assert HEBDEN["contact_email"] not in queue and DAKAR["contact_email"] not in queue
    assert dakar.post(f"/partners/reports/{report.pk}/handle", {"outcome": "x"}).status_code == 403
    moderator.post(f"/partners/reports/{report.pk}/handle", {"outcome": "Profile paused"})
    report.refresh_from_db()
    assert report.handled_at is not None and report.handled_by == world.moderator
    assert report.outcome == "Profile paused"


def test_anyone_signed_in_can_report_a_profile_from_its_page_once_and_not_their_own(world, client):
    page = world.dakar.get_absolute_url()
    anonymous = client.get(page).content.decode()
    assert "Sign in to report this profile to the moderators" in anonymous and "Send the report" not in anonymous
    assert client.post(f"/partners/{world.dakar.pk}/report", {"reason": "Fake"}).status_code == 302  # to sign in
    assert not AbuseReport.objects.exists()

    stranger = signed_in(world.stranger)
    assert "Send the report" in stranger.get(page).content.decode()
    empty = stranger.post(f"/partners/{world.dakar.pk}/report", {"reason": ""})
    assert empty.status_code == 400 and "Say what happened, so the moderators can act on it." in empty.content.decode()
    assert not AbuseReport.objects.exists()
    sent = stranger.post(f"/partners/{world.dakar.pk}/report", {"reason": "This <b>council</b> does not exist"})
    assert sent.status_code == 302 and sent["Location"] == page
    report = AbuseReport.objects.get()
    assert (report.reporter, report.reported_by, report.reported) == (None, world.stranger, world.dakar)
    again = stranger.post(f"/partners/{world.dakar.pk}/report", {"reason": "Still fake"})
    assert again.status_code == 400 and "You have already reported this profile" in again.content.decode()
    assert AbuseReport.objects.count() == 1

    owner = signed_in(world.dakar_owner)
    assert "Send the report" not in owner.get(page).content.decode()
    own = owner.post(f"/partners/{world.dakar.pk}/report", {"reason": "Me"})
    assert own.status_code == 400 and "This is your own profile" in own.content.decode()

    queue = signed_in(world.moderator).get("/partners/reports/").content.decode()
    assert "A signed-in visitor reported" in queue
    assert "This &lt;b&gt;council&lt;/b&gt; does not exist" in queue


# ---------------------------------------------------------------- notifications


def test_emails_go_to_the_right_side_in_its_language_with_the_page_address(
    world, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://hub.example"
    with django_capture_on_commit_callbacks(execute=True):
        introduction = express(world, note="We love football too.")
    interest = mail.outbox[-1]
    assert interest.to == [DAKAR["contact_email"]]  # Dakar's owner chose French
    assert "aimerait rencontrer" in interest.subject
    assert f"https://hub.example/fr/partners/introductions/{introduction.pk}" in interest.body
    assert "We love football too." in interest.body
    assert HEBDEN["contact_email"] not in interest.body and HEBDEN["contact_name"] not in interest.body

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=Actor(user=world.hebden_owner), introduction=introduction, body="Bonjour !")
    assert mail.outbox[-1].to == [DAKAR["contact_email"]] and "Bonjour !" in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_answer(actor=Actor(user=world.dakar_owner), introduction=introduction, accept=False)
    declined = mail.outbox[-1]
    assert declined.to == [HEBDEN["contact_email"]]  # Hebden's owner made the profile in English
    assert "Thank you for your interest" in declined.body and "rather than about you" in declined.body
    assert f"https://hub.example/partners/introductions/{introduction.pk}" in declined.body
    assert DAKAR["contact_email"] not in declined.body
    assert len(mail.outbox) == 3


def test_what_waits_shows_on_mine_and_as_a_count_in_the_header(world):
    introduction = express(world)
    services.message_send(actor=Actor(user=world.hebden_owner), introduction=introduction, body="Hello")
    dakar = signed_in(world.dakar_owner)
    with CaptureQueriesContext(connection) as queries:
        page = dakar.get("/sources/").content.decode()
    assert "2 waiting" in page
    waiting_queries = [q for q in queries.captured_queries if "matching_introduction" in q["sql"]]
    assert len(waiting_queries) == 1

    mine = dakar.get("/partners/mine").content.decode()
    assert "1 interest to answer" in mine and "1 unread message" in mine
    dakar.get(introduction.get_absolute_url())  # reading it marks the message read
    assert "1 waiting" in dakar.get("/sources/").content.decode()
    assert "waiting" not in signed_in(world.hebden_owner).get("/sources/").content.decode()


def test_anonymous_pages_make_no_partner_query(world):
    express(world)
    with CaptureQueriesContext(connection) as queries:
        page = Client().get("/sources/").content.decode()
    assert "Partner search" in page and "waiting" not in page
    assert not [q for q in queries.captured_queries if "matching_" in q["sql"]]


# ---------------------------------------------------------------- profiles


def test_a_stale_profile_edit_is_refused_and_the_first_edit_stays(world):
    first = services.profile_update(
        actor=Actor(user=world.hebden_owner), profile=world.hebden, expected_version=1, name="First"
    )
    assert first.version == 2
    with pytest.raises(EditConflict):
        services.profile_update(
            actor=Actor(user=world.hebden_owner),
            profile=type(world.hebden).objects.get(pk=world.hebden.pk),
            expected_version=1,
            name="Second",
        )
    world.hebden.refresh_from_db()
    assert world.hebden.name == "First"


def test_closing_a_profile_deletes_nothing_and_hides_it_from_the_list(world):
    introduction = express(world)
    services.profile_status_set(actor=Actor(user=world.dakar_owner), profile=world.dakar, status=ProfileStatus.CLOSED)
    assert "Dakar Youth Football" not in Client().get("/partners/").content.decode()
    assert Client().get(world.dakar.get_absolute_url()).status_code == 200
    assert Introduction.objects.filter(pk=introduction.pk).exists()
    with pytest.raises(PermissionDenied):
        services.profile_status_set(actor=Actor(user=world.stranger), profile=world.dakar, status="open")


def test_the_list_filters_and_counts_its_queries(world, make_place, django_assert_max_num_queries):
    for n in range(25):
        place = make_place(f"Town {n}", "FR" if n % 2 else "GH")
        services.profile_create(
            actor=Actor(user=world.stranger),
            seeker="council",
            name=f"Council {n}",
            place=place,
            offers=["sport"],
            contact_name="x",
            contact_email=f"c{n}@example.org",
        )
    client = Client()
    with django_assert_max_num_queries(6):
        page = client.get("/partners/", {"page": "1"}).content.decode()
    assert page.count("<li>\n    <h3>") == 20
    with django_assert_max_num_queries(6):
        page = client.get("/partners/", {"page": "2"}).content.decode()
    assert "Council 0" in page
    assert "Council 1<" not in client.get("/partners/", {"country": "GH"}).content.decode()
    assert "Council 1<" in client.get("/partners/", {"region": "EU"}).content.decode()
    assert "Dakar Youth Football" in client.get("/partners/", {"region": "AF", "theme": "youth"}).content.decode()
    assert "Council 2<" not in client.get("/partners/", {"seeker": "community"}).content.decode()
    bad = client.get("/partners/", {"country": "Narnia"})
    assert bad.status_code == 400 and "is not a country we know" in bad.content.decode()


def suggestion_items(page: str) -> dict[str, str]:
    """Each suggestion's list item on the suggestions page, by the name in its heading."""
    items = page.split('<li class="suggestion">')[1:]
    return {re.search(r"<h3>(?:<a [^>]*>)?([^<]+)<", item)[1]: item for item in items}


def test_a_suggestion_without_coordinates_shows_no_distance(world, make_place):
    from api.tokens import api_token_create

    make_place("Nowhere Known", "FR", population=5000)  # in the registry, without coordinates
    page = signed_in(world.hebden_owner).get(f"/partners/{world.hebden.pk}/suggestions")
    assert page.status_code == 200
    items = suggestion_items(page.content.decode())
    assert set(items) == {"Dakar Youth Football", "Nowhere Known"}
    assert "km away" not in items["Nowhere Known"]
    assert "4,547 km away" in items["Dakar Youth Football"]  # Hebden Bridge to Dakar, great circle
    _t, key = api_token_create(user=world.hebden_owner, name="test")
    answer = Client(headers={"Authorization": f"Bearer {key}"}).get(f"/api/v1/profiles/{world.hebden.pk}/suggestions")
    assert answer.status_code == 200
    distances = {s["name"]: s["distance_km"] for s in answer.json()}
    assert distances == {"Dakar Youth Football": 4546.6, "Nowhere Known": None}
