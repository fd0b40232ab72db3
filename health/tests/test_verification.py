"""Asking a link's contacts "Is this link still active?": the schedule, retries, giving up, the
emailed links (signed, expiring, working once, for their own link only) and what each answer does.

The clock is moved with time_machine; emails go to Django's in-memory backend; tasks run through
the immediate backend, as in development.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from accounts.models import Role
from accounts.testing import account_create
from associations.services import association_create, contact_add, contact_remove
from audit.services import Actor
from core.partial_dates import PartialDate
from health.models import LinkHealth, RequestStatus, Verification, VerificationRequest
from health.tasks import verification_schedule, verification_send
from health.verification import TOKEN_SALT, token_for
from links.models import StatusEvent
from links.services import link_create, status_event_record
from proposals.models import Proposal, ProposalStatus
from proposals.services import proposal_approve

START = dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.UTC)
ANSWER_URL = re.compile(r"https?://[^\s]+/verify/[^\s]+")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def twinning(clock, actor, make_place, cite):
    """Testford–Probestadt, run by an association with a secretary (email), a treasurer (phone
    only) and a removed contact; and, run by the same association, Testford–Villeneuve."""
    testford = make_place("Testford", "GB", subdivision="GB-ENG")
    link = link_create(
        actor=actor,
        parties=[testford, make_place("Probestadt", "DE")],
        kind="formal",
        citations=cite(),
        agreement=PartialDate.parse("1975"),
    )
    other = link_create(
        actor=actor, parties=[testford, make_place("Villeneuve", "FR")], kind="formal", citations=cite()
    )
    association = association_create(actor=actor, name="Testford Twinning Association", links=[link, other])
    secretary = contact_add(
        actor=actor, association=association, name="Jo Secretary", role="Secretary", email="jo@example.net"
    )
    contact_add(actor=actor, association=association, name="Treasurer", phone="+44 1632 960000")
    gone = contact_add(actor=actor, association=association, name="Former chair", email="gone@example.net")
    contact_remove(actor=actor, contact=gone)
    return {"link": link, "other": other, "association": association, "secretary": secretary}


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def links_in(message) -> dict[str, str]:
    """The answer pages an email leads to, by answer, as paths."""
    paths = [urlsplit(url).path for url in ANSWER_URL.findall(message.body)]
    return {path.rstrip("/").rsplit("/", 1)[1]: path for path in paths}


def answer(client, path: str, **data: str):
    return client.post(path, data)


# ================================================================== the schedule


def test_each_contact_with_an_address_is_asked_once_with_four_one_click_answers(twinning, clock):
    done = verification_schedule.call()

    assert done["asked"] == 2  # both links of the association, to the one contact with an address
    to_jo = emails_to("jo@example.net")
    assert len(to_jo) == 2 and len(mail.outbox) == 2  # not the treasurer (no address), not the removed contact
    message = next(m for m in to_jo if "Probestadt" in m.subject)
    assert message.subject == "[Twinning Hub] Is this link still active? Testford – Probestadt"
    assert "Dear Jo Secretary," in message.body
    assert "Testford Twinning Association" in message.body
    assert "Villeneuve" not in message.body  # the email is about its own link only
    assert sorted(links_in(message)) == ["active", "ended", "other_runs", "paused"]
    assert "work once, for 30 days" in message.body

    assert verification_schedule.call()["asked"] == 0  # an open request is not opened twice
    assert len(mail.outbox) == 2


def test_links_are_asked_yearly_after_their_last_verification(client, twinning, clock):
    verification_schedule.call()
    message = next(m for m in mail.outbox if "Probestadt" in m.subject)
    assert answer(client, links_in(message)["active"]).status_code == 200
    mail.outbox.clear()

    clock.shift(dt.timedelta(days=364))
    verification_schedule.call()
    assert [m.subject for m in mail.outbox if "Probestadt" in m.subject] == []

    clock.shift(dt.timedelta(days=2))  # 366 days after the answer
    verification_schedule.call()
    assert len([m for m in mail.outbox if "Probestadt" in m.subject]) == 1


def test_ended_links_and_links_without_a_contact_address_are_not_asked(twinning, clock, actor, cite, make_place):
    status_event_record(
        actor=actor, link=twinning["other"], when=PartialDate.parse("2030"), status="ended", citations=cite()
    )
    lonely = link_create(
        actor=actor,
        parties=[make_place("Nowhere", "GB"), make_place("Nirgendwo", "DE")],
        kind="formal",
        citations=cite(),
    )
    association_create(actor=actor, name="Phone-only friends", links=[lonely])

    verification_schedule.call()

    assert [m.subject for m in mail.outbox] == ["[Twinning Hub] Is this link still active? Testford – Probestadt"]
    assert not VerificationRequest.objects.filter(link=lonely).exists()


def test_unanswered_requests_are_retried_then_the_link_is_marked_unverified(client, twinning, clock):
    link = twinning["link"]
    verification_schedule.call()
    first = next(m for m in mail.outbox if "Probestadt" in m.subject)
    mail.outbox.clear()

    clock.shift(dt.timedelta(days=13))
    verification_schedule.call()
    assert mail.outbox == []  # not yet

    sent = []
    # On the 14th day, even though the daily run comes earlier in the day than the first email went.
    clock.shift(dt.timedelta(days=1, hours=-3))
    for _retry in range(2):
        verification_schedule.call()
        sent += [m for m in mail.outbox if "Probestadt" in m.subject]
        mail.outbox.clear()
        clock.shift(dt.timedelta(days=14))
    assert len(sent) == 2
    assert "We wrote to you on 3 March 2031 and have not heard back yet" in sent[0].body
    request = VerificationRequest.objects.get(link=link)
    assert (request.status, request.attempts) == (RequestStatus.SENT, 3)
    assert not LinkHealth.objects.filter(link=link, unverified=True).exists()

    done = verification_schedule.call()  # day 42
    assert mail.outbox == []  # three emails are enough
    request.refresh_from_db()
    assert request.status == RequestStatus.UNANSWERED
    assert done["unanswered"] == 2 and done["unverified_links"] == 2
    assert LinkHealth.objects.get(link=link).unverified

    # A late answer through the last email's link (still within its 30 days) still counts.
    response = answer(client, links_in(sent[-1])["active"])
    assert response.status_code == 200
    assert not LinkHealth.objects.get(link=link).unverified
    # The first email's links expired long ago.
    assert client.get(links_in(first)["active"]).status_code == 410

    # Asked in vain, the link waits a year before it is asked again.
    verification_schedule.call()
    assert VerificationRequest.objects.filter(link=link).count() == 1


def test_the_command_for_cron_runs_the_schedule(twinning, clock, call_command_output):
    output = call_command_output("schedule_verifications")
    assert "Asked 2 contact(s)" in output
    assert len(mail.outbox) == 2
    assert "Scheduling enqueued for the worker" in call_command_output("schedule_verifications", "--enqueue")
    assert len(mail.outbox) == 2  # nothing new was due


def test_a_link_removed_since_the_email_says_so(client, twinning, clock, actor):
    from links.services import link_remove

    verification_schedule.call()
    message = next(m for m in mail.outbox if "Probestadt" in m.subject)
    link_remove(actor=actor, link=twinning["link"], reason="A duplicate.")

    response = client.get(links_in(message)["active"])

    assert response.status_code == 410
    assert "removed from the registry" in response.content.decode()


# ================================================================== sending, once


def test_a_send_run_twice_for_one_attempt_sends_one_email(twinning, clock):
    request = VerificationRequest.objects.create(link=twinning["link"], contact=twinning["secretary"], nonce="n" * 32)

    verification_send.enqueue(request_id=request.pk, attempt=1)
    verification_send.enqueue(request_id=request.pk, attempt=1)
    assert verification_send.call(request_id=request.pk, attempt=1) is False

    assert len(mail.outbox) == 1
    request.refresh_from_db()
    assert (request.attempts, request.status, request.last_sent_at) == (1, RequestStatus.SENT, timezone.now())
    verification_send.call(request_id=request.pk, attempt=2)
    verification_send.call(request_id=request.pk, attempt=1)  # a stale first attempt, arriving late
    assert len(mail.outbox) == 2


def test_an_email_the_mail_server_refuses_is_not_counted_as_sent(twinning, clock, settings):
    request = VerificationRequest.objects.create(link=twinning["link"], contact=twinning["secretary"], nonce="n" * 32)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens

    with pytest.raises(OSError):
        verification_send.call(request_id=request.pk, attempt=1)
    request.refresh_from_db()
    assert (request.attempts, request.status) == (0, RequestStatus.WAITING)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    verification_schedule.call()  # the next run sends what was never sent
    request.refresh_from_db()
    assert request.attempts == 1 and len(emails_to("jo@example.net")) >= 1


def test_a_request_whose_contact_was_removed_is_cancelled_not_sent(twinning, clock, actor):
    request = VerificationRequest.objects.create(link=twinning["link"], contact=twinning["secretary"], nonce="n" * 32)
    contact_remove(actor=actor, contact=twinning["secretary"])

    assert verification_send.call(request_id=request.pk, attempt=1) is False
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED and mail.outbox == []


# ================================================================== the emailed links


@pytest.fixture
def asked(twinning, clock):
    """The schedule has run: Jo's email about Testford–Probestadt, its answer pages by answer."""
    verification_schedule.call()
    message = next(m for m in mail.outbox if "Probestadt" in m.subject)
    return {**twinning, "message": message, "paths": links_in(message)}


def test_following_a_link_changes_nothing_until_the_button_is_pressed(client, asked):
    for path in [*asked["paths"].values(), asked["paths"]["active"].rsplit("/", 2)[0] + "/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert "Testford – Probestadt" in response.content.decode()
        assert response["Cache-Control"].startswith("max-age=0")
    assert not Verification.objects.exists()
    assert VerificationRequest.objects.get(link=asked["link"]).status == RequestStatus.SENT


def test_the_page_shows_its_own_link_and_no_other(client, asked):
    html = client.get(asked["paths"]["active"]).content.decode()
    assert "Confirm your answer: Still active" in html
    assert "Villeneuve" not in html  # the association's other link
    assert "jo@example.net" not in html


def test_still_active_verifies_the_link_once(client, asked):
    response = answer(client, asked["paths"]["active"])

    assert response.status_code == 200
    assert "Thank you: your answer is recorded" in response.content.decode()
    verification = Verification.objects.get(link=asked["link"])
    assert (verification.answer, verification.by_role, verification.by_contact) == (
        "active",
        "contact",
        asked["secretary"],
    )
    assert LinkHealth.objects.get(link=asked["link"]).last_verified_answer == "active"

    again = answer(client, asked["paths"]["paused"], since="2030")
    assert again.status_code == 410
    assert "This link was already used: your answer (still active) was recorded on 3 March 2031" in (
        again.content.decode()
    )
    assert Verification.objects.count() == 1 and not Proposal.objects.exists()
    assert client.get(asked["paths"]["active"]).status_code == 410


def test_an_answer_stops_the_other_contacts_being_asked(client, twinning, clock, actor):
    contact_add(actor=actor, association=twinning["association"], name="Sam Chair", email="sam@example.net")
    verification_schedule.call()
    to_sam = next(m for m in emails_to("sam@example.net") if "Probestadt" in m.subject)
    to_jo = next(m for m in emails_to("jo@example.net") if "Probestadt" in m.subject)

    assert answer(client, links_in(to_jo)["active"]).status_code == 200

    response = client.get(links_in(to_sam)["active"])
    assert response.status_code == 410
    assert "Someone else from the association has already answered" in response.content.decode()
    sams = VerificationRequest.objects.get(link=twinning["link"], contact__email="sam@example.net")
    assert sams.status == RequestStatus.CANCELLED
    mail.outbox.clear()
    clock.shift(dt.timedelta(days=15))
    verification_schedule.call()
    assert [m for m in mail.outbox if "Probestadt" in m.subject] == []  # no reminders for an answered link


def test_a_forged_token_gets_a_clear_page(client, asked):
    path = asked["paths"]["active"]
    token = path.rstrip("/").split("/")[-2]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    response = client.get(forged)

    assert response.status_code == 400
    html = response.content.decode()
    assert "This link is not valid" in html and "Copy the whole address from the email" in html
    assert answer(client, forged).status_code == 400
    assert client.get("/verify/not-a-token/").status_code == 400
    assert not Verification.objects.exists()


def test_an_expired_token_says_so_and_what_happens_next(client, asked, clock):
    clock.shift(dt.timedelta(days=31))

    response = answer(client, asked["paths"]["active"])

    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired: the links in our emails work for 30 days" in html
    assert "We will write again" in html
    assert asked["link"].get_absolute_url() in html  # the link's own page, to report a change there
    assert not Verification.objects.exists()


def test_a_token_for_one_link_cannot_answer_for_another(client, asked):
    link_a, link_b = asked["link"], asked["other"]
    request_a = VerificationRequest.objects.get(link=link_a)
    request_b = VerificationRequest.objects.get(link=link_b)
    # A token signed by the hub naming B's request but carrying A's nonce (as if A's had been edited
    # and re-signed): the nonce is B's own secret, so it is refused.
    crossed = signing.dumps({"r": request_b.pk, "n": request_a.nonce}, salt=TOKEN_SALT)

    response = client.post(f"/verify/{crossed}/active/")

    assert response.status_code == 410
    assert not Verification.objects.filter(link=link_b).exists()
    # A's own token answers for A, and B stays unanswered.
    assert answer(client, asked["paths"]["active"]).status_code == 200
    assert list(Verification.objects.values_list("link_id", flat=True)) == [link_a.pk]
    assert VerificationRequest.objects.get(pk=request_b.pk).status == RequestStatus.SENT


def test_an_unknown_answer_is_not_found(client, asked):
    token = token_for(VerificationRequest.objects.get(link=asked["link"]))
    assert client.get(f"/verify/{token}/maybe/").status_code == 404


# ================================================================== paused, ended, someone else


@pytest.mark.parametrize("status", ["paused", "ended"])
def test_paused_or_ended_is_proposed_to_the_moderators_not_applied(client, asked, status):
    link = asked["link"]
    before = link.current_status

    response = answer(client, asked["paths"][status], since="2030-06", note="Nobody is left to run it.")

    assert response.status_code == 200
    assert "The hub's moderators will check the change of status you reported" in response.content.decode()
    link.refresh_from_db()
    assert link.current_status == before and not StatusEvent.objects.filter(link=link).exists()
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.target) == ("event_new", ProposalStatus.PENDING, link)
    assert proposal.payload == {"status": status, "date": "2030-06", "reason": "Nobody is left to run it."}
    assert proposal.first_hand.startswith("Jo Secretary, Secretary of Testford Twinning Association")
    verification = Verification.objects.get(link=link)
    assert (verification.answer, verification.note) == (status, "Nobody is left to run it.")

    # Moderators see it in their queue, with who answered; a moderator's approval records the event,
    # citing the contact's first-hand answer.
    moderator = account_create("moderator@example.org", role=Role.MODERATOR)
    client.force_login(moderator)
    queued = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Jo Secretary, Secretary of Testford Twinning Association" in queued
    proposal_approve(actor=Actor(user=moderator), proposal=proposal)
    link.refresh_from_db()
    assert link.current_status == status
    event = StatusEvent.objects.get(link=link)
    assert event.when.iso() == "2030-06"
    assert [c.source.kind for c in event.citations.all()] == ["first_hand"]


def test_paused_needs_a_date_that_is_not_in_the_future_nor_before_the_link(client, asked):
    path = asked["paths"]["paused"]
    form = client.get(path).content.decode()
    assert 'value="2031"' in form  # this year, to correct

    for since, problem in [
        ("", "Say since when (a year is enough)."),
        ("2032", "That is in the future"),
        ("someday", "is not a date"),
    ]:
        response = answer(client, path, since=since)
        assert response.status_code == 400
        assert problem in response.content.decode()
        assert "Your answer was not recorded yet" in response.content.decode()

    response = answer(client, path, since="1960")  # the link's agreement was signed in 1975
    assert response.status_code == 400
    assert not Proposal.objects.exists() and not Verification.objects.exists()
    assert VerificationRequest.objects.get(link=asked["link"]).nonce  # still answerable
    assert answer(client, path, since="2030").status_code == 200


def test_someone_else_runs_it_now_asks_who_and_how_to_reach_them(client, asked):
    path = asked["paths"]["other_runs"]

    empty = answer(client, path)
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "Say who runs the link now: a person, an association or a council." in html
    assert "Say how to reach them, or write &#x27;not known&#x27;." in html
    bad = answer(client, path, who="Testford Town Council", reach="twinning@")
    assert "is not a complete email address" in bad.content.decode()
    assert not Verification.objects.exists()

    done = answer(client, path, who="Testford Town Council", reach="twinning@testford.example.gov.uk")

    assert done.status_code == 200
    verification = Verification.objects.get(link=asked["link"])
    assert verification.answer == "other_runs"
    assert (
        verification.note == "Runs it now: Testford Town Council\nHow to reach them: twinning@testford.example.gov.uk"
    )
    assert not Proposal.objects.exists()


def test_the_pages_are_in_french_at_fr(client, asked):
    response = client.get("/fr" + asked["paths"]["paused"])
    assert response.status_code == 200
    assert "Confirmez votre réponse" in response.content.decode()
    assert "Ce lien ne fonctionne pas" in client.get("/fr/verify/not-a-token/").content.decode()


# ================================================================== "Send me a new link"

NEW_LINK_BUTTON = "Send me a new link"


def new_link_path(path: str) -> str:
    """The "Send me a new link" address of an emailed answer link."""
    return path.rstrip("/").rsplit("/", 1)[0] + "/new-link/"


def test_an_expired_link_offers_a_new_one_which_is_emailed_only_on_post(client, asked, clock):
    clock.shift(dt.timedelta(days=31))
    expired = asked["paths"]["active"]
    mail.outbox.clear()

    page = client.get(expired)
    assert page.status_code == 410
    html = page.content.decode()
    assert NEW_LINK_BUTTON in html and 'method="post"' in html
    assert "jo@example.net" not in html
    shown = client.get(new_link_path(expired))  # a mail scanner following the form's address
    assert shown.status_code == 410 and NEW_LINK_BUTTON in shown.content.decode()
    assert mail.outbox == []

    response = client.post(new_link_path(expired))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A new link is on its way" in html and "jo@example.net" not in html
    (message,) = mail.outbox
    assert message.to == ["jo@example.net"] and "You asked the hub for a new link" in message.body
    fresh = links_in(message)
    assert client.get(fresh["active"]).status_code == 200
    assert answer(client, fresh["active"]).status_code == 200
    assert Verification.objects.get(link=asked["link"]).by_contact == asked["secretary"]


def test_a_new_link_is_sent_at_most_once_an_hour_and_the_page_says_so(client, asked, clock):
    clock.shift(dt.timedelta(days=31))
    expired = new_link_path(asked["paths"]["active"])
    mail.outbox.clear()
    assert client.post(expired).status_code == 200

    again = client.post(expired)

    assert again.status_code == 429
    assert "We emailed a link for this to the same address less than an hour ago" in again.content.decode()
    assert "You can ask for another one after" in again.content.decode()
    assert len(mail.outbox) == 1
    clock.shift(dt.timedelta(minutes=61))
    assert client.post(expired).status_code == 200
    assert len(mail.outbox) == 2


def test_a_used_link_offers_a_new_one_that_answers_again_without_reminders_or_unverifying(client, asked, clock):
    assert answer(client, asked["paths"]["active"]).status_code == 200
    used = client.get(asked["paths"]["paused"])
    assert used.status_code == 410 and NEW_LINK_BUTTON in used.content.decode()
    mail.outbox.clear()

    assert client.post(new_link_path(asked["paths"]["paused"])).status_code == 200

    fresh = links_in(mail.outbox[0])
    assert client.get(asked["paths"]["active"]).status_code == 410  # the old links stay used
    clock.shift(dt.timedelta(days=2))
    assert answer(client, fresh["active"]).status_code == 200
    assert Verification.objects.filter(link=asked["link"]).count() == 2
    # A new link asked for and never used is not chased, and does not make the link look unverified.
    assert client.post(new_link_path(fresh["active"])).status_code == 200
    mail.outbox.clear()
    for _day in range(3):
        clock.shift(dt.timedelta(days=15))
        verification_schedule.call()
    assert [m for m in mail.outbox if "Probestadt" in m.subject] == []
    assert not LinkHealth.objects.get(link=asked["link"]).unverified


def test_a_forged_token_has_nothing_to_send_a_new_link_to(client, asked):
    path = asked["paths"]["active"]
    token = path.rstrip("/").split("/")[-2]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    mail.outbox.clear()

    page = client.get(forged)
    assert page.status_code == 400 and NEW_LINK_BUTTON not in page.content.decode()
    assert client.post(new_link_path(forged)).status_code == 400
    assert mail.outbox == []


def test_no_new_link_for_a_contact_no_longer_there(client, asked, clock, actor):
    clock.shift(dt.timedelta(days=31))
    contact_remove(actor=actor, contact=asked["secretary"])
    mail.outbox.clear()

    page = client.get(asked["paths"]["active"])
    assert page.status_code == 410 and NEW_LINK_BUTTON not in page.content.decode()
    assert client.post(new_link_path(asked["paths"]["active"])).status_code == 410
    assert mail.outbox == []


def test_a_link_that_still_works_goes_back_to_its_question(client, asked):
    mail.outbox.clear()
    response = client.post(new_link_path(asked["paths"]["active"]))
    assert response.status_code == 302 and response["Location"].endswith(
        asked["paths"]["active"].rstrip("/").rsplit("/", 1)[0] + "/"
    )
    assert mail.outbox == []
