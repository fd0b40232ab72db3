"""Counts of members by age band: the form and its refusals, who may record them, the chart with its
table and CSV on the association's page, the change log, and constant query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.governance import member_counts_record
from associations.models import AgeBand, MemberCount
from associations.services import committee_role_add
from audit.models import ChangeRecord
from audit.services import Actor

pytestmark = pytest.mark.django_db

COUNTS_2023 = {"under_18": 0, "18_29": 3, "30_44": 5, "45_59": 11, "60_74": 24, "75_over": 9}
COUNTS_2024 = {"under_18": 2, "18_29": 6, "30_44": 7, "45_59": 10, "60_74": 21, "75_over": 8}


@pytest.fixture(autouse=True)
def in_2025():
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def posted(year: object, counts: dict[str, object]) -> dict[str, object]:
    return {"year": year, **{f"count_{band}": n for band, n in counts.items()}}


def add_url(association) -> str:
    return reverse("associations:members_add", args=[association.pk])


def test_an_editor_records_a_year_and_the_page_shows_chart_table_and_csv(client, association, editor):
    client.force_login(editor)
    form_page = client.get(add_url(association)).content.decode()
    assert "Members aged 75 and over" in form_page and "numbers only, never names" in form_page
    response = client.post(add_url(association), posted(2024, COUNTS_2024))
    assert response.status_code == 302 and response["Location"] == association.get_absolute_url()
    client.post(add_url(association), posted(2023, COUNTS_2023))
    assert MemberCount.objects.filter(association=association).count() == 12

    client.logout()  # the counts are anonymous: everyone sees them
    html = client.get(association.get_absolute_url()).content.decode()
    assert "The counts of 2024 were saved." not in html
    assert "Members of Testford–Probestadt Twinning Association by age, year by year" in html
    row_2024 = html[html.index('<th scope="row">2024</th>') :].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row_2024.split('<td class="num">')[1:]] == [
        "2",
        "6",
        "7",
        "10",
        "21",
        "8",
        "54",
    ]
    assert '<th scope="row">2023</th>' in html
    chart = html[html.index('<svg class="chart"') : html.index("</svg>")]
    assert "The generational mix of Testford–Probestadt Twinning Association" in chart
    assert "2023: 52 members; 2024: 54 members" in chart  # the chart's description, for screen readers
    assert "2024: 2 under 18, 6 18–29, 7 30–44, 10 45–59, 21 60–74, 8 75 and over" in chart
    assert "<script" not in chart
    assert "Record a year's members by age" not in html  # for editors only

    csv_response = client.get(reverse("associations:members_csv", args=[association.pk]))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows == [
        ["year", *AgeBand.values, "total"],
        ["2023", "0", "3", "5", "11", "24", "9", "52"],
        ["2024", "2", "6", "7", "10", "21", "8", "54"],
    ]


def test_each_count_is_in_the_change_log(client, association, editor):
    client.force_login(editor)
    client.post(add_url(association), posted(2024, COUNTS_2024))
    logged = ChangeRecord.objects.filter(target_type=ContentType.objects.get_for_model(MemberCount))
    assert logged.count() == 6
    assert {record.actor for record in logged} == {editor}
    assert "Recorded 21 members aged 60–74 in 2024 at Testford–Probestadt Twinning Association" in {
        record.summary for record in logged
    }


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            posted(2024, COUNTS_2024 | {"60_74": -3}),
            "count_60_74",
            "A count cannot be below 0: enter 0 if no members were aged 60–74.",
        ),
        (
            posted(2026, COUNTS_2024),
            "year",
            "2026 has not come yet: record the counts of this year (2025) or an earlier one.",
        ),
        (posted("last year", COUNTS_2024), "year", "Enter the year as four digits, for example 2024."),
        (posted(1850, COUNTS_2024), "year", "Enter a year from 1900 on, for example 2024."),
        (
            posted(2024, COUNTS_2024 | {"18_29": ""}),
            "count_18_29",
            "Enter how many members were aged 18–29: 0 if there were none.",
        ),
        (
            posted(2024, COUNTS_2024 | {"18_29": "a few"}),
            "count_18_29",
            "Enter the number of members aged 18–29 as a whole number, such as 12.",
        ),
    ],
)
def test_bad_counts_are_refused_in_plain_words_and_nothing_is_saved(client, association, editor, data, field, error):
    client.force_login(editor)
    response = client.post(add_url(association), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert f'id="id_{field}_error"' in html or f'href="#id_{field}"' in html
    assert not MemberCount.objects.exists()
    assert not ChangeRecord.objects.filter(target_type=ContentType.objects.get_for_model(MemberCount)).exists()


def test_a_year_recorded_twice_is_refused_and_the_first_counts_stay(client, association, editor):
    client.force_login(editor)
    client.post(add_url(association), posted(2024, COUNTS_2024))
    response = client.post(add_url(association), posted(2024, COUNTS_2023))
    assert response.status_code == 400
    assert "The counts of 2024 are already recorded for Testford–Probestadt Twinning Association." in (
        response.content.decode()
    )
    saved = dict(MemberCount.objects.filter(year=2024).values_list("band", "count"))
    assert saved == COUNTS_2024


def test_a_correction_changes_the_year_and_a_stale_one_is_refused(client, association, editor, moderator):
    client.force_login(editor)
    client.post(add_url(association), posted(2024, COUNTS_2024))
    url = reverse("associations:members_correct", args=[association.pk, 2024])
    shown = client.get(url).content.decode()
    assert 'value="21"' in shown
    stale = {f"version_{band}": 1 for band in AgeBand.values}
    assert client.post(url, posted(2024, COUNTS_2024 | {"60_74": 22}) | stale).status_code == 302
    assert MemberCount.objects.get(year=2024, band="60_74").count == 22

    client.force_login(moderator)  # a second edit from the page the editor loaded before: refused
    response = client.post(url, posted(2024, COUNTS_2024 | {"60_74": 30}) | stale)
    assert response.status_code == 400
    assert "changed by someone else while you were editing it" in response.content.decode()
    assert MemberCount.objects.get(year=2024, band="60_74").count == 22
    assert MemberCount.objects.get(year=2024, band="18_29").count == 6


@pytest.mark.parametrize("who", ["visitor", "contributor", "other_editor"])
def test_strangers_cannot_record_counts(client, association, contributor, other_editor, who):
    if who != "visitor":
        client.force_login(contributor if who == "contributor" else other_editor)
    response = client.post(add_url(association), posted(2024, COUNTS_2024))
    assert response.status_code in (302, 403)
    if response.status_code == 403:
        assert "Nothing was changed." in response.content.decode()
    else:
        assert "/accounts/login/" in response["Location"]
    assert not MemberCount.objects.exists()
    with pytest.raises(Exception, match="cannot change this record"):
        member_counts_record(actor=Actor(user=contributor), association=association, year=2024, counts=COUNTS_2024)
    assert not MemberCount.objects.exists()


def test_a_moderator_may_record_counts(client, association, moderator):
    client.force_login(moderator)
    assert client.post(add_url(association), posted(2025, COUNTS_2024)).status_code == 302
    assert MemberCount.objects.filter(year=2025).count() == 6


def test_the_database_refuses_a_negative_count_or_a_second_row(association, actor):
    from django.db import IntegrityError, transaction

    member_counts_record(actor=actor, association=association, year=2024, counts=COUNTS_2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCount.objects.create(association=association, year=2024, band="18_29", count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCount.objects.filter(year=2024, band="18_29").update(count=-1)


def test_a_page_without_counts_says_so(client, association, editor):
    html = client.get(association.get_absolute_url()).content.decode()
    assert "No counts of members by age are recorded yet." in html and "<svg" not in html
    client.force_login(editor)
    assert "Record a year's members by age" in client.get(association.get_absolute_url()).content.decode()


def test_the_page_makes_as_many_queries_with_many_years_and_roles_as_with_one(client, association, actor, editor):
    client.force_login(editor)
    member_counts_record(actor=actor, association=association, year=2024, counts=COUNTS_2024)
    committee_role_add(
        actor=actor, association=association, person="A Chair", role="chair", term_start=dt.date(2010, 1, 1)
    )
    url = association.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for year in range(2014, 2024):
        member_counts_record(actor=actor, association=association, year=year, counts=COUNTS_2023)
    for n, role in enumerate(["secretary", "treasurer", "member"]):
        committee_role_add(
            actor=actor, association=association, person=f"P{n}", role=role, term_start=dt.date(2012, 1, 1)
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('<th scope="row">20') == 11
    assert html.count("has been") == 3  # chair, secretary, treasurer: long held
    assert len(many) == len(few)
