"""The log of privileged actions: admins (with a second factor) read it, newest first, 50 a page,
by kind; everyone else is told plainly they cannot; and nobody, admins included, can edit it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.personal_data import personal_data_export
from accounts.services import role_grant
from accounts.testing import account_create
from audit.models import PrivilegedAction, PrivilegedKind
from audit.services import Actor, privileged_action_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return account_create("boss@example.org", role=Role.ADMIN, second_factor=True)


@pytest.fixture
def logged(admin):
    """A role granted, then a download of personal data: two entries, the download newest."""
    person = account_create("secretary@example.org")
    role_grant(actor=Actor(user=admin), user=person, role=Role.MODERATOR, reason="elected in March")
    personal_data_export(user=person)
    return person


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_reads_the_log_newest_first(admin, logged):
    page = signed_in(admin).get("/account/privileged-log")
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split("<table>")[1]
    assert table.index("personal data exported") < table.index("role granted"), "newest first"
    assert "elected in March" in text
    assert f"secretary (account {logged.pk})" in text
    assert "2 entries." in text
    assert "<script" not in text and "style=" not in text
    assert 'href="/account/privileged-log"' in signed_in(admin).get("/account/").content.decode()


def test_the_log_is_filtered_by_kind(admin, logged):
    text = signed_in(admin).get("/account/privileged-log", {"kind": "data_export"}).content.decode()
    assert "personal data exported" in text.split("<table>")[1] and "elected in March" not in text
    assert "1 entry of this kind." in text


def test_an_unknown_kind_is_refused_with_what_to_do(admin, logged):
    answer = signed_in(admin).get("/account/privileged-log", {"kind": "<nonsense>"})
    assert answer.status_code == 400
    assert "There is no kind of action called “&lt;nonsense&gt;”: choose one from the list." in answer.content.decode()


def test_fifty_entries_a_page_in_a_fixed_number_of_queries(admin):
    for n in range(120):
        actor = account_create(f"mod{n}@example.org") if n >= 60 else admin  # page 1: 50 actors
        privileged_action_log(
            actor=Actor(user=actor), kind=PrivilegedKind.REVERT, summary=f"Reverted change {n}", subject_user_id=n + 1
        )
    client = signed_in(admin)
    client.get("/account/privileged-log")  # the session and roles, read once
    with CaptureQueriesContext(connection) as first:
        page_one = client.get("/account/privileged-log").content.decode()
    with CaptureQueriesContext(connection) as third:
        page_three = client.get("/account/privileged-log", {"page": 3}).content.decode()

    assert page_one.count("Reverted change") == 50 and "Reverted change 119<" in page_one
    assert page_three.count("Reverted change") == 20 and "Reverted change 0<" in page_three
    assert "Page 1 of 3" in page_one and 'href="?page=2"' in page_one
    assert len(first) == len(third) <= 12, [q["sql"] for q in first.captured_queries]


def test_page_links_keep_the_kind(admin):
    for n in range(51):
        privileged_action_log(actor=Actor(user=admin), kind=PrivilegedKind.REVERT, summary=f"Reverted change {n}")
    text = signed_in(admin).get("/account/privileged-log", {"kind": "revert"}).content.decode()
    assert 'href="?kind=revert&amp;page=2"' in text


@pytest.mark.parametrize(
    ("who", "hint"),
    [
        ("contributor", ""),
        ("moderator", ""),
        ("admin without a second factor", "Your admin role works once you have set up a second factor"),
    ],
)
def test_nobody_else_may_read_it_and_is_told_so_plainly(db, logged, who, hint):
    role = {"contributor": "", "moderator": Role.MODERATOR, "admin without a second factor": Role.ADMIN}[who]
    answer = signed_in(account_create("someone@example.org", role=role)).get("/account/privileged-log")
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "You cannot read the log of privileged actions." in text and hint in text
    assert "elected in March" not in text


def test_a_visitor_is_sent_to_sign_in(client):
    answer = client.get("/account/privileged-log")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_entries_cannot_be_changed_or_removed_by_the_model_or_the_database(logged):
    entry = PrivilegedAction.objects.first()
    entry.summary = "Nothing happened"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    for attempt in (
        lambda: PrivilegedAction.objects.filter(pk=entry.pk).update(summary="Nothing happened"),
        lambda: PrivilegedAction.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert PrivilegedAction.objects.get(pk=entry.pk).summary != "Nothing happened"


def test_the_admin_site_shows_the_log_read_only_and_only_to_admins(admin, logged):
    client = signed_in(admin)
    entry = PrivilegedAction.objects.first()
    listing = client.get("/admin/audit/privilegedaction/")
    assert listing.status_code == 200 and "personal data exported" in listing.content.decode()
    detail = client.get(f"/admin/audit/privilegedaction/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/audit/privilegedaction/{entry.pk}/change/", {"summary": "x"}).status_code == 403
    assert client.get("/admin/audit/privilegedaction/add/").status_code == 403
    assert client.post(f"/admin/audit/privilegedaction/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PrivilegedAction.objects.get(pk=entry.pk).summary == entry.summary

    moderator = signed_in(account_create("mod@example.org", role=Role.MODERATOR))
    assert moderator.get("/admin/audit/privilegedaction/").status_code == 403
