"""Writing to an association through the hub: the message is forwarded by email with Reply-To
set to the sender, the association's address never reaches the sender, bots and floods are
turned away, and the recipient can report the message, once."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse

from associations.models import ContactMessage
from associations.services import REPORT_SALT, contact_add, report_token
from associations.tests.conftest import PRIVATE_EMAIL, PRIVATE_PHONE, PUBLIC_EMAIL
from audit.services import Actor

pytestmark = pytest.mark.django_db

SENDER = "sender@example.com"


def contact_url(association) -> str:
    return reverse("associations:contact", args=[association.pk])


def form_for(client, association, **fields: str) -> dict[str, str]:
    """The contact form as a person fills it in: the page's own signed 'shown at' value included."""
    page = client.get(contact_url(association))
    assert page.status_code == 200
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    return {
        "name": "Alex Sender",
        "email": SENDER,
        "message": "We visit Probestadt in May.",
        "started": started,
    } | fields


@pytest.fixture
def send(client, association, django_capture_on_commit_callbacks):
    """Post the form the way a person would (a few seconds after it was shown), running the
    after-commit forwarding; returns every response the sender sees, redirects followed."""

    def post(form: dict[str, str], **extra: str):
        with time_machine.travel(time.time() + 10), django_capture_on_commit_callbacks(execute=True):
            return client.post(contact_url(association), form, follow=True, **extra)

    return post


def report_path(email) -> str:
    return re.search(r"https?://[^/\s]+(/associations/messages/\S+/report)", email.body).group(1)


def test_a_message_is_forwarded_with_reply_to_and_no_address_reaches_the_sender(
    client, association, private_contact, send
):
    seen = [client.get(association.get_absolute_url()), client.get(contact_url(association))]
    form = form_for(client, association, message="Dear committee,\nwe would like to visit in May.")
    answer = send(form)
    seen += [answer, *[client.get(url) for url, _status in answer.redirect_chain]]
    assert answer.status_code == 200 and "Your message is on its way" in answer.content.decode()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [PRIVATE_EMAIL]
    assert email.reply_to == [SENDER]
    assert "we would like to visit in May." in email.body and "Alex Sender" in email.body
    assert SENDER in email.body and report_path(email)

    for response in seen:
        html = response.content.decode()
        assert PRIVATE_EMAIL not in html and PRIVATE_PHONE not in html
    message = ContactMessage.objects.get()
    assert message.sent_at is not None and message.sender_email == SENDER and message.reported_at is None


def test_each_contact_gets_their_own_email_and_removed_ones_none(
    client, association, private_contact, public_contact, editor, send
):
    from associations.services import contact_remove

    gone = contact_add(actor=Actor(user=editor), association=association, name="Former", email="former@example.org")
    contact_remove(actor=Actor(user=editor), contact=gone)
    contact_add(actor=Actor(user=editor), association=association, name="By phone only", phone="01632 960000")
    send(form_for(client, association))
    assert sorted(email.to[0] for email in mail.outbox) == sorted([PRIVATE_EMAIL, PUBLIC_EMAIL])
    assert all(len(email.to) == 1 and not email.cc and not email.bcc for email in mail.outbox)


def test_nothing_is_sent_until_the_message_is_committed(client, association, private_contact):
    form = form_for(client, association)
    with time_machine.travel(time.time() + 10):
        answer = client.post(contact_url(association), form)
    assert answer.status_code == 302
    assert mail.outbox == []  # the test's transaction never commits, so the email never leaves
    assert ContactMessage.objects.get().sent_at is None


def test_a_bot_that_fills_in_the_hidden_field_gets_a_normal_reply_and_sends_nothing(
    client, association, private_contact, send
):
    answer = send(form_for(client, association, website="http://spam.example"))
    assert answer.status_code == 200 and "Your message is on its way" in answer.content.decode()
    assert mail.outbox == [] and not ContactMessage.objects.exists()


def test_a_form_sent_back_too_fast_gets_a_plain_error(
    client, association, private_contact, django_capture_on_commit_callbacks
):
    form = form_for(client, association)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(contact_url(association), form)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "quicker than a person can fill in the form" in html and "Your message was not sent" in html
    assert mail.outbox == [] and not ContactMessage.objects.exists()


def test_a_forged_form_token_is_refused(client, association, private_contact, send):
    answer = send(form_for(client, association, started="not-a-token"))
    assert answer.status_code == 400 and "Reload the page and try again" in answer.content.decode()
    assert mail.outbox == [] and not ContactMessage.objects.exists()


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"message": ""}, "Write your message."),
        ({"message": "   "}, "Write your message."),
        ({"name": ""}, "Enter your name"),
        ({"email": "not-an-address"}, "Enter your email address in the form name@example.org."),
        ({"email": ""}, "Enter your email address, so the association can reply."),
        ({"name": "x" * 201}, "Your name can be at most 200 characters (it has 201)."),
        ({"message": "x" * 5001}, "Your message can be at most 5000 characters (it has 5001)."),
        ({"email": "a" * 250 + "@example.org"}, "An email address can be at most 254 characters"),
        ({"name": "Alex\x00Sender"}, "Null characters are not allowed."),
        ({"message": "Hello\x00there"}, "Null characters are not allowed."),
        ({"name": "Alex\r\nBcc: victim@example.org"}, "must be one line of plain text"),
        ({"email": "alex@example.com\r\nBcc: victim@example.org"}, "Enter your email address in the form"),
    ],
)
def test_bad_input_gets_clear_errors_and_nothing_is_stored(client, association, private_contact, send, fields, says):
    answer = send(form_for(client, association, **fields))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert says in html and "There is a problem" in html
    assert PRIVATE_EMAIL not in html
    assert mail.outbox == [] and not ContactMessage.objects.exists()


def test_each_address_is_rate_limited_with_a_429_that_says_how_long_to_wait(
    client, association, private_contact, send, settings
):
    settings.CONTACT_RATE = "2/h"
    for _ in range(2):
        assert send(form_for(client, association)).status_code == 200
    limited = send(form_for(client, association, message="A third message"))
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "wait" in html and ("minutes" in html or "seconds" in html)
    assert "A third message" in html, "the sender's text is kept in the form"
    assert PRIVATE_EMAIL not in html
    assert int(limited["Retry-After"]) > 0
    assert len(mail.outbox) == 2 and ContactMessage.objects.count() == 2
    # Another address may still write.
    assert send(form_for(client, association), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_one_association_cannot_be_flooded_from_many_addresses(client, association, private_contact, send, settings):
    settings.CONTACT_ASSOCIATION_RATE = "2/d"
    # The day's window ends at midnight UTC: at noon the wait is "about 12 hours" whenever the test runs
    # (after 22:30 it would be "about 1 hour").
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        for n in range(2):
            assert send(form_for(client, association), REMOTE_ADDR=f"192.0.2.{n}").status_code == 200
        limited = send(form_for(client, association), REMOTE_ADDR="192.0.2.99")
    assert limited.status_code == 429 and "about 12 hours" in limited.content.decode()
    assert len(mail.outbox) == 2


def test_an_association_without_a_contact_address_offers_no_form(client, association, editor, send):
    contact_add(actor=Actor(user=editor), association=association, name="By phone only", phone="01632 960000")
    page = client.get(contact_url(association))
    html = page.content.decode()
    assert page.status_code == 200 and "has no contact address on the hub" in html
    assert "<textarea" not in html and "Send the message" not in html
    answer = send({"name": "Alex", "email": SENDER, "message": "Hello"})
    assert answer.status_code == 400
    assert mail.outbox == [] and not ContactMessage.objects.exists()


# ---------------------------------------------------------------- reporting abuse


def test_the_report_link_works_once(client, association, private_contact, send):
    send(form_for(client, association))
    path = report_path(mail.outbox[0])
    client.logout()  # the recipient, on another machine
    page = client.get(path)
    assert page.status_code == 200 and "Report the message" in page.content.decode()
    assert ContactMessage.objects.get().reported_at is None, "looking at the page reports nothing (mail scanners)"

    done = client.post(path, {"reason": "Selling things"})
    assert done.status_code == 200 and "has been reported" in done.content.decode()
    message = ContactMessage.objects.get()
    first_report = message.reported_at
    assert first_report is not None and message.report_reason == "Selling things"

    for again in (client.get(path), client.post(path, {"reason": "Again"})):
        assert again.status_code == 200 and "already been reported" in again.content.decode()
    message.refresh_from_db()
    assert message.reported_at == first_report and message.report_reason == "Selling things"


@pytest.mark.parametrize(
    "token, says",
    [
        ("garbage", "not valid"),
        (signing.dumps(1, salt="another.purpose"), "not valid"),
        (signing.dumps(1, salt=REPORT_SALT)[:-3] + "abc", "not valid"),
    ],
)
def test_a_forged_report_link_gives_a_clear_page(client, association, token, says):
    page = client.get(reverse("associations:report", args=[token]))
    assert page.status_code == 400 and says in page.content.decode()
    assert client.post(reverse("associations:report", args=[token])).status_code == 400


def test_an_expired_report_link_gives_a_clear_page(client, association, private_contact, send, settings):
    send(form_for(client, association))
    message = ContactMessage.objects.get()
    url = reverse("associations:report", args=[report_token(message)])
    with time_machine.travel(time.time() + (settings.CONTACT_REPORT_DAYS + 1) * 86400):
        page = client.post(url, {"reason": "late"})
    assert page.status_code == 400 and "expired" in page.content.decode()
    message.refresh_from_db()
    assert message.reported_at is None


def test_moderators_find_reported_messages_in_the_admin(client, association, private_contact, moderator, editor, send):
    send(form_for(client, association, message="Buy cheap watches"))
    send(form_for(client, association, message="A friendly hello"))
    reported = ContactMessage.objects.get(body="Buy cheap watches")
    client.post(reverse("associations:report", args=[report_token(reported)]), {"reason": "spam"})
    client.force_login(moderator)
    listing = client.get(reverse("admin:associations_contactmessage_changelist") + "?reported=yes")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"/{reported.pk}/change/" in html
    other = ContactMessage.objects.get(body="A friendly hello")
    assert f"/{other.pk}/change/" not in html
    assert client.get(reverse("admin:associations_contactmessage_change", args=[reported.pk])).status_code == 200
    client.force_login(editor)  # not staff: the admin sends them to sign in
    assert client.get(reverse("admin:associations_contactmessage_changelist")).status_code == 302
