"""Every main journey in Chromium, run twice: with JavaScript on and with it off (the `any_page`
fixture), each checking what the reader sees. The hub ships no JavaScript of its own, so both runs
must complete the same way; a journey that regressed into needing a script fails the second run.

Journeys that already have a test reuse it rather than repeat it: the search-then-timeline journey
(test_journey.py) and propose-then-moderate (test_proposal_journey.py) get their run without
JavaScript here; the UK–Russia status question already runs without it in test_journey.py.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.testing import PASSWORD, account_create
from tests.browser import test_journey, test_proposal_journey
from tests.browser.journeys import SECRETARY, association_to_write_to, demo_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def results(page) -> dict[str, dict[str, str]]:
    """The search results as the reader sees them: link title to its row's kind and status."""
    rows = {}
    for row in page.get_by_role("table", name="Search results").locator("tbody tr").all():
        cells = row.locator("td")
        title = cells.first.get_by_role("link").inner_text()
        status = cells.last.inner_text().lower().split("\n")[0]  # health today is on the line under it
        rows[title] = {"kind": cells.nth(1).inner_text(), "status": status}
    return rows


def found(page) -> int:
    heading = page.get_by_role("heading", name=re.compile(r"links? found")).inner_text()
    return int(re.match(r"([\d,]+) links? found", heading).group(1).replace(",", ""))


# ------------------------------------------------------------------ search and filter


def test_search_filtered_by_country_kind_and_status(any_page, demo):
    page = any_page
    page.goto("/")
    page.get_by_role("link", name="Search links").click()
    page.get_by_label("A party in country").select_option("GB")
    page.get_by_label("Kind of link").select_option("formal")
    page.get_by_role("group", name="Status on that date").get_by_label("paused").check()
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"/search\?.*country=GB.*kind=formal.*status=paused"))
    rows = results(page)
    assert "Coventry – Volgograd" in rows and "Exeter – Yaroslavl" in rows
    assert found(page) == len(rows)
    for title, row in rows.items():
        assert row["status"] == "paused", title
        assert row["kind"].startswith("formal twinning"), title
    # The filters stay chosen on the results page, so the reader can change one of them.
    assert page.get_by_label("A party in country").input_value() == "GB"
    expect(page.get_by_role("group", name="Status on that date").get_by_label("paused")).to_be_checked()


def test_search_then_the_timeline_without_javascript(page_without_js, demo):
    test_journey.test_search_volgograd_then_read_the_timeline_of_coventry_volgograd(page_without_js, demo)


# ------------------------------------------------------------------ status on a date


def test_status_on_a_date_before_and_after_the_pause(any_page, demo):
    page = any_page
    page.goto("/search")
    page.get_by_label("Place, institution or link name").fill("Coventry")
    page.get_by_label("Status on date").fill("2021-12-31")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Status shown as on")).to_contain_text("31 December 2021")
    assert results(page)["Coventry – Volgograd"]["status"] == "active"

    page.get_by_label("Status on date").fill("2022-12-31")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"as_of=2022-12-31"))
    expect(page.get_by_text("Status shown as on")).to_contain_text("31 December 2022")
    assert results(page)["Coventry – Volgograd"]["status"] == "paused"
    # The question is a URL: opened afresh, it gives the same answer.
    page.goto(page.url)
    assert results(page)["Coventry – Volgograd"]["status"] == "paused"


# ------------------------------------------------------------------ place page


def test_a_place_page_lists_its_links_and_its_decisions(any_page, demo):
    page = any_page
    link = demo_link("Coventry", "Volgograd")
    page.goto(link.get_absolute_url())
    page.get_by_role("definition").get_by_role("link", name="Coventry", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Coventry")
    links = page.get_by_role("table", name=re.compile("Links of Coventry"))
    row = links.get_by_role("row", name=re.compile("Coventry – Volgograd"))
    assert "paused" in row.inner_text().lower()
    decisions = page.get_by_role("table", name=re.compile("Status changes of Coventry"))
    pause = decisions.get_by_role("row", name=re.compile("22 March 2022"))
    assert "paused" in pause.inner_text().lower()
    assert "Coventry City Council" in pause.inner_text()
    pause.get_by_role("link", name="Coventry – Volgograd").click()
    expect(page).to_have_url(re.compile(r"#timeline$"))
    expect(page.get_by_role("heading", name="22 March 2022: Paused")).to_be_visible()


# ------------------------------------------------------------------ downloads


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.locator("p.downloads").get_by_role("link", name=re.compile(f"^{name}")).click()
    return info.value.path().read_bytes()


def test_downloads_hold_the_rows_of_the_search(any_page, demo):
    page = any_page
    page.goto("/search?country=GB&partner_country=RU")
    total = found(page)
    shown = set(results(page))
    assert total == len(shown) == 13

    rows = list(csv.DictReader(io.StringIO(download(page, "CSV").decode("utf-8-sig"))))
    assert {row["title"] for row in rows} == shown
    assert {row["party_1_country"] + row["party_2_country"] for row in rows} <= {"GBRU", "RUGB"}
    coventry = next(row for row in rows if row["title"] == "Coventry – Volgograd")
    assert coventry["status"] == "paused"

    data = json.loads(download(page, "JSON$"))
    assert data["query"] == {"country": "GB", "partner_country": "RU"}
    assert {row["title"] for row in data["links"]} == shown

    geo = json.loads(download(page, "GeoJSON"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == total
    line = next(f for f in geo["features"] if f["properties"]["title"] == "Coventry – Volgograd")
    assert line["geometry"]["type"] == "LineString"
    (lon1, lat1), (lon2, lat2) = line["geometry"]["coordinates"]
    assert round(lat1) == 52 and round(lon2) == 44  # Coventry, then Volgograd


# ------------------------------------------------------------------ statistics


def test_statistics_show_a_chart_with_its_data_table(any_page, demo):
    page = any_page
    page.goto("/")
    page.get_by_role("link", name="Statistics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics: links of the UK")
    section = page.locator("section", has=page.get_by_role("heading", name="Partners by country", exact=True))
    chart = section.get_by_role("img", name=re.compile("Partners by country"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    assert chart.locator("rect").count() >= 5  # drawn bars, not an empty frame

    table = section.get_by_role("table", name=re.compile("Partners by country"))
    russia = table.get_by_role("row", name=re.compile("Russian Federation"))
    count = int(russia.locator("td").first.inner_text())
    assert count == 13
    assert "Russian Federation: 13" in chart.locator("desc").text_content()  # the chart draws the table

    with page.expect_download() as info:
        section.get_by_role("link", name=re.compile("Download this table as CSV")).click()
    table_rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert {"ISO code": "RU", "Partner country": "Russian Federation", "Links": "13"}.items() <= table_rows[0].items()
    assert len(table_rows) == table.locator("tbody tr").count()

    russia.get_by_role("link", name="Russian Federation").click()  # the row leads to its links
    assert found(page) == count


# ------------------------------------------------------------------ accounts


def test_sign_up_verify_by_the_emailed_link_then_sign_in(any_page, live_server, no_minimum_fill_time, transactional_db):
    page = any_page
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill("new.volunteer@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify Your Email Address")

    assert [message.to for message in mail.outbox] == [["new.volunteer@example.org"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)  # the live server runs in this process: its mail is here
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("new.volunteer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("You are signed in as")).to_contain_text("new.volunteer@example.org")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Your account")).to_be_visible()


def test_sign_in_with_a_wrong_password_then_the_right_one(any_page, transactional_db):
    page = any_page
    account_create("volunteer@example.org", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("volunteer@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_contain_text(  # the error summary, first on the page
        "The email address and/or password you specified are not correct."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    assert page.get_by_label("Email").input_value() == "volunteer@example.org"  # kept, not retyped

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


# ------------------------------------------------------------------ contacting an association


def test_writing_to_an_association_never_shows_its_address(any_page, demo, no_minimum_fill_time):
    page = any_page
    association = association_to_write_to(demo_link("Coventry", "Volgograd"))
    seen: list[str] = []

    def look() -> None:
        seen.append(page.content())

    page.goto(demo_link("Coventry", "Volgograd").get_absolute_url())
    page.get_by_role("link", name=association.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(association.name)
    expect(page.get_by_text("The details of 1 contact are kept private.")).to_be_visible()
    look()
    page.get_by_role("link", name=f"Write to {association.name}").click()
    look()
    page.get_by_label("Your name").fill("Anna Reader")
    page.get_by_label("Your email address").fill("anna@example.org")
    page.get_by_label("Your message").fill("Our choir visits Volgograd next spring. Could we meet your members?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message is on its way")
    look()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [SECRETARY]
    assert "Our choir visits Volgograd" in sent.body
    assert sent.reply_to == ["anna@example.org"]
    assert all(SECRETARY not in html for html in seen), "the association's address reached the sender"


# ------------------------------------------------------------------ proposing and moderating


def test_propose_and_moderate_without_javascript(page_without_js, monkeypatch):
    # The journey as test_proposal_journey.py runs it, minus its axe-core checks: axe is
    # JavaScript, and ran on these same pages in the run with JavaScript.
    monkeypatch.setattr(test_proposal_journey, "accessible", lambda page: None)
    test_proposal_journey.test_a_correction_is_proposed_reviewed_and_shown_with_its_history(page_without_js)
