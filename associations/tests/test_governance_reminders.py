"""Reminders about long-held committee roles: when they are sent, to whom, in what words, and that a
re-run or a retry never sends twice (the clock moved with time_machine; emails in mail.outbox)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from associations.governance import reminders_schedule
from associations.models import GovernanceReminder
from associations.services import committee_role_add, committee_role_end, contact_add, contact_remove
from associations.tasks import governance_reminder_send, governance_reminders
from associations.tests.conftest import PRIVATE_EMAIL, PUBLIC_EMAIL

pytestmark = pytest.mark.django_db


def on(year: int, month: int = 3, day: int = 2):
    return time_machine.travel(dt.datetime(year, month, day, 9, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def contacts(actor, association, private_contact, public_contact):
    gone = contact_add(actor=actor, association=association, name="Former Secretary", email="gone@example.org")
    contact_remove(actor=actor, contact=gone)
    contact_add(actor=actor, association=association, name="Postal only", postal_address="2 Mill Street, Testford")
    return [PRIVATE_EMAIL, PUBLIC_EMAIL]


@pytest.fixture
def chair(actor, association, contacts):
    return committee_role_add(
        actor=actor, association=association, person="Margaret Hill", role="chair", term_start=dt.date(2018, 3, 1)
    )


def test_a_chair_of_seven_years_is_reminded_once_kindly_and_again_the_next_year(chair, contacts):
    with on(2025):  # seven years and a day
        result = governance_reminders.enqueue()
    assert result.return_value == {"due": 1, "claimed": 1, "enqueued": 1}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(contacts)  # one email each, removed left out
    assert all(len(message.to) == 1 for message in mail.outbox)
    email = mail.outbox[0]
    assert "gentle reminder" in email.subject
    assert "Testford–Probestadt Twinning Association" in email.subject
    body = email.body
    assert "Margaret Hill has been chair of Testford–Probestadt Twinning Association for 7 years" in body
    assert "Thank you, Margaret Hill" in body
    assert "nothing changes on the hub, and there is nothing to answer" in body
    assert "pass these roles on every few years" in body  # rotation
    assert "a deputy or vice-chair who shares the work" in body  # succession
    assert "Ask younger people in your community" in body  # the next generation
    assert "Moving Forward Together" in body and "Part IV" in body and "recommendations 2" in body
    assert chair.association.get_absolute_url() in body
    assert "<" not in body  # plain text

    with on(2025, 3, 3):  # the next day's run, and a retried task, send nothing more
        assert governance_reminders.enqueue().return_value == {"due": 1, "claimed": 0, "enqueued": 0}
    with on(2025, 11, 30):
        governance_reminders.enqueue()
    assert len(mail.outbox) == 2
    assert GovernanceReminder.objects.get().emails == 2

    with on(2026, 1, 5):  # a new year: reminded again, once
        governance_reminders.enqueue()
        governance_reminders.enqueue()
    assert len(mail.outbox) == 4
    assert "for 7 years" in mail.outbox[-1].body  # seven full years until 1 March 2026
    with on(2026, 3, 2):
        governance_reminders.enqueue()
    assert len(mail.outbox) == 4
    assert sorted(GovernanceReminder.objects.values_list("year", flat=True)) == [2025, 2026]


def test_five_years_is_not_long_held_nor_is_exactly_the_setting(actor, association, contacts):
    committee_role_add(
        actor=actor, association=association, person="Ann Short", role="treasurer", term_start=dt.date(2020, 1, 1)
    )
    committee_role_add(
        actor=actor, association=association, person="Sam Exact", role="secretary", term_start=dt.date(2019, 3, 2)
    )
    with on(2025):
        assert governance_reminders.enqueue().return_value["due"] == 0  # 5 years; exactly 6 years is not "more than"
    with on(2025, 3, 3):
        assert governance_reminders.enqueue().return_value["due"] == 1  # the secretary, 6 years and a day
    assert len(mail.outbox) == 2 and "Sam Exact has been secretary" in mail.outbox[0].body
    assert all("Ann Short" not in message.body for message in mail.outbox)


def test_only_current_high_intensity_terms_count(actor, association, contacts, settings):
    long_ago = dt.date(2010, 1, 1)
    committee_role_add(actor=actor, association=association, person="Bea Member", role="member", term_start=long_ago)
    committee_role_add(
        actor=actor, association=association, person="Vic Chair", role="other", title="Vice-chair", term_start=long_ago
    )
    ended = committee_role_add(
        actor=actor, association=association, person="Old Treasurer", role="treasurer", term_start=long_ago
    )
    committee_role_end(actor=actor, committee_role=ended, term_end=dt.date(2024, 12, 31))
    with on(2025):
        assert governance_reminders.enqueue().return_value["due"] == 0
    assert mail.outbox == []
    settings.GOVERNANCE_ROLE_YEARS = 20
    committee_role_add(actor=actor, association=association, person="Long Chair", role="chair", term_start=long_ago)
    with on(2025):
        assert governance_reminders.enqueue().return_value["due"] == 0  # the setting decides


def test_a_term_that_ends_before_the_worker_sends_is_not_reminded_about(actor, chair):
    with on(2025):
        claimed = GovernanceReminder.objects.create(committee_role=chair, year=2025)  # as the daily run claims it
        committee_role_end(actor=actor, committee_role=chair, term_end=dt.date(2025, 3, 1))
        assert governance_reminder_send.enqueue(reminder_id=claimed.pk).return_value == 0
        assert reminders_schedule().due == 0
    assert mail.outbox == []
    claimed.refresh_from_db()
    assert claimed.sent_at is not None and claimed.emails == 0


def test_a_mail_server_that_refuses_leaves_the_reminder_for_the_next_run(chair, contacts, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with on(2025):
        governance_reminders.enqueue()
    assert GovernanceReminder.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with on(2025, 3, 3):
        assert governance_reminders.enqueue().return_value == {"due": 1, "claimed": 0, "enqueued": 1}
    assert len(mail.outbox) == 2
    with on(2025, 3, 4):
        governance_reminders.enqueue()
    assert len(mail.outbox) == 2


def test_the_command_runs_the_task_and_says_what_it_did(chair, call_command_output):
    with on(2025):
        said = call_command_output("send_governance_reminders")
    assert said == (
        "1 term(s) held for more than 6 years; 1 new reminder(s) this year; "
        "1 reminder(s) handed to the worker to send.\n"
    )
    assert len(mail.outbox) == 2


def test_editors_see_a_kind_notice_on_the_page_and_visitors_do_not(client, chair, editor):
    with on(2025):
        visitor_html = client.get(chair.association.get_absolute_url()).content.decode()
        client.force_login(editor)
        editor_html = client.get(chair.association.get_absolute_url()).content.decode()
    assert "A gentle reminder about sharing the load" not in visitor_html
    assert "Margaret Hill" in visitor_html  # the committee itself is public
    assert "A gentle reminder about sharing the load" in editor_html
    assert "Margaret Hill has been chair for 7 years." in editor_html
    assert "Moving Forward Together" in editor_html and "Part IV" in editor_html
    assert "Ask younger people in your community" in editor_html


def test_other_editors_do_not_see_the_notice(client, chair, other_editor):
    client.force_login(other_editor)
    with on(2025):
        html = client.get(chair.association.get_absolute_url()).content.decode()
    assert "A gentle reminder about sharing the load" not in html


def test_a_french_page_gives_the_notice_in_french(client, chair, editor):
    client.force_login(editor)
    with on(2025):
        html = client.get("/fr" + chair.association.get_absolute_url()).content.decode()
    assert "A gentle reminder about sharing the load" not in html
    assert "Margaret Hill" in html and "7 ans" in html
