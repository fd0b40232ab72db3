"""A council officer records a new link, its source and a status change through the admin, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.testing import account_create
from links.models import Link
from links.purposes import ensure_purposes
from places.services import place_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field_id: str, text: str) -> None:
    """Pick `text` in one of the admin's autocomplete (select2) boxes, as a person would."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_officer_records_a_link_its_source_and_a_pause(page, actor):
    ensure_purposes()
    account_create("officer@example.org", role=Role.MODERATOR, password="a long test password")
    place_create(actor=actor, name="Testford", country="GB", subdivision="GB-ENG")
    place_create(actor=actor, name="Probestadt", country="DE")

    page.goto("/admin/")  # the admin sends people to the hub's sign-in page
    page.get_by_label("Email").fill("officer@example.org")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/sources/source/add/")
    page.get_by_label("Title").fill("Minutes of full council, 22 March 2022")
    page.get_by_label("Kind").select_option("official")
    page.get_by_label("Publisher").fill("Testford Council")
    page.get_by_label("Published").fill("2022-03-22")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/links/link/add/")
    page.get_by_label("Kind").select_option("formal")
    page.get_by_label("Agreement signed").fill("1956")
    choose(page, "id_parties-0-place", "Testford")
    choose(page, "id_parties-1-place", "Probestadt")
    choose(page, "id_citations-0-source", "Minutes of full council")
    page.locator("#id_citations-0-quote").fill("Resolved to twin with Probestadt.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    link = Link.objects.get()

    # A first attempt without a date in range is refused in plain words, and nothing is lost.
    page.goto(f"/admin/links/statusevent/add/?link={link.pk}")
    page.get_by_label("Date of the change").fill("1950")
    page.locator("#id_status").select_option("paused")
    page.get_by_label("Reason").fill("Invasion of Ukraine")
    choose(page, "id_citations-0-source", "Minutes of full council")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist").first).to_contain_text("is dated before the link began (1956)")
    assert page.get_by_label("Reason").input_value() == "Invasion of Ukraine"

    page.get_by_label("Date of the change").fill("2022-03-22")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(link.get_absolute_url())
    assert page.get_by_role("heading", name=re.compile("22 March 2022: Paused")).is_visible()
    assert "Minutes of full council" in page.locator("ol.timeline").inner_text()
