"""A moderator ties an ambiguous imported name to a place in Chromium, and the held link follows."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from imports.models import NameResolution, Outcome
from imports.services import import_pairs
from links.models import Link
from links.purposes import ensure_purposes
from places.services import gazetteer_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_chooses_between_same_named_places(page, tmp_path):
    ensure_purposes()
    gazetteer_load(countries=["US", "DE"])
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("city1,country1,city2,country2\nPortsmouth,United States,Kiel,Germany\n", encoding="utf-8")
    import_pairs(path=pairs, source_title="Wikipedia lists, February 2026", actor=Actor.system("test"))
    resolution = NameResolution.objects.get(name="Portsmouth")
    assert resolution.outcome == Outcome.AMBIGUOUS and Link.objects.count() == 0
    account_create("moderator@example.org", role=Role.MODERATOR, password="a long test password")

    page.goto("/imports/review")
    page.get_by_label("Email").fill("moderator@example.org")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review place matches")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}})
    assert results.violations_count == 0, results.generate_report()

    group = page.get_by_role("group", name="“Portsmouth” in United States")
    # The candidates are told apart by their region; choose New Hampshire's by its label and row.
    row = group.locator("tr", has_text="NH")
    row.get_by_role("radio").check()
    group.get_by_role("button", name="Save this choice").click()
    expect(page.get_by_role("status")).to_contain_text("1 held link created")
    link = Link.objects.get()
    assert {p.place.name for p in link.parties.all()} == {"Portsmouth", "Kiel"}
    assert link.parties.get(place__name="Portsmouth").place.subdivision == "US-NH"
