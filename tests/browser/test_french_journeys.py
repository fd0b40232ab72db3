"""The French journeys in Chromium, with and without JavaScript: switch language on any page and
stay on it, search with filters and a status date, read a link's timeline, and propose a change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.testing import account_create
from tests.browser.journeys import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_to_french_keeps_the_page_and_a_search_reads_in_french(any_page, demo, request):
    page = any_page
    with_javascript = request.node.callspec.params["any_page"] == "with JavaScript"
    page.goto("/search?country=GB&partner_country=RU&as_of=2022-12-31")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/search\?country=GB&partner_country=RU&as_of=2022-12-31$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("liens")
    expect(page.locator("main")).to_contain_text("31 décembre 2022")
    expect(page.locator("main")).to_contain_text("Royaume-Uni")
    if with_javascript:  # axe-core is JavaScript
        assert serious_violations(page) == ""

    page.get_by_role("link", name=re.compile("Coventry")).first.click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#timeline")).to_contain_text("Chronologie")
    expect(page.locator("main")).to_contain_text("mars 2022")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    assert "/fr/" not in page.url


def test_proposing_a_correction_in_french(page, demo, no_minimum_fill_time):
    account_create("benevole@example.org")
    sign_in(page, "benevole@example.org")
    page.goto("/fr/search?q=Coventry")
    page.get_by_role("link", name=re.compile("Coventry")).first.click()
    page.get_by_role("link", name="Corriger ses informations").click()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".error-summary")).to_contain_text("Il y a un problème")
    assert serious_violations(page) == ""
