"""A researcher's first journey, in a real browser: search, open the link, read its timeline."""

import re

import pytest
from playwright.sync_api import expect

from links.demo import load_demo_data
from links.purposes import ensure_purposes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    # A transactional test empties every table when it ends, migration-made rows included.
    ensure_purposes()
    load_demo_data()


def test_search_volgograd_then_read_the_timeline_of_coventry_volgograd(page, demo):
    page.goto("/")
    page.get_by_label("Search by place, institution or link").fill("Volgograd")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Volgograd"))
    expect(page.get_by_role("heading", name=re.compile(r"\d+ links? found"))).to_be_visible()
    first_result = page.get_by_role("table", name="Search results").locator("tbody tr").first.get_by_role("link").first
    assert first_result.inner_text() == "Coventry – Volgograd"
    first_result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coventry – Volgograd")
    assert "paused" in page.get_by_text("Status today:").inner_text().lower()

    timeline = page.locator("ol.timeline")
    pause = timeline.locator(":scope > li", has_text="22 March 2022")
    assert pause.get_by_role("heading").inner_text() == "22 March 2022: Paused"
    text = pause.inner_text()
    assert "Coventry City Council, full council" in text
    assert "unanimously" in text
    assert "invasion of Ukraine" in text
    assert "with a heavy heart" in text
    pause.get_by_role("link", name="Council sends letter to Russian twin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council sends letter to Russian twin")
    expect(page.get_by_role("heading", name=re.compile("Facts that cite this source"))).to_be_visible()


def test_the_uk_russia_question_works_without_javascript_and_by_keyboard(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search")
    page.get_by_label("A party in country").select_option("GB")
    page.get_by_label("Partner in country").select_option("RU")
    page.get_by_label("Status on date").fill("2022-12-31")
    page.get_by_label("Status on date").press("Enter")
    page.wait_for_url(re.compile(r"as_of=2022-12-31"))
    rows = {  # the status is the last cell's first line (health today is under it)
        row.locator("td").first.inner_text().split("\n")[0]: row.locator("td").last.inner_text().lower().split("\n")[0]
        for row in page.get_by_role("table", name="Search results").locator("tbody tr").all()
    }
    assert rows["Coventry – Volgograd"] == "paused"
    assert rows["Plymouth – Novorossiysk"] == "active"
    assert rows["Wakefield – Belgorod"] == "ended"
    context.close()
