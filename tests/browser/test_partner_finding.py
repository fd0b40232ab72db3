"""Finding a partner in Chromium, with the keyboard-free clicks a person makes: a community makes
its profile, sees its suggestions, expresses interest; the other side sees it waiting, accepts;
only then does each see the other's contact details. Every page on the way passes axe-core.

The ranking is the real one (matching.ranking): Dakar's profile is Hebden Bridge's suggestion,
with the reasons a person reads there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.testing import account_create
from audit.services import Actor
from matching import ranking, services
from matching.tests.conftest import DAKAR
from places.services import place_create
from tests.browser.journeys import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page) -> None:
    report = serious_violations(page)
    assert not report, f"{page.url}\n{report}"


@pytest.fixture(autouse=True)
def fresh_ranking():
    """The ranking keeps its arrays per process (the live server's thread shares them)."""
    ranking.forget()
    yield
    ranking.forget()


def test_profile_suggestions_interest_acceptance_then_contacts(page, no_minimum_fill_time):
    actor = Actor.system("browser test")
    place_create(actor=actor, name="Hebden Bridge", country="GB", latitude=53.742, longitude=-2.014, population=4500)
    dakar_place = place_create(
        actor=actor, name="Dakar", country="SN", latitude=14.693, longitude=-17.447, population=1_000_000
    )
    account_create("hebden@example.org")
    dakar_owner = account_create("dakar@example.org")
    services.profile_create(
        actor=Actor(user=dakar_owner),
        seeker="community",
        name="Dakar Youth Football",
        place=dakar_place,
        offers=["sport", "youth"],
        wants=["culture"],
        **DAKAR,
    )

    # Hebden makes its profile.
    sign_in(page, "hebden@example.org")
    page.get_by_role("link", name="Partner search").click()
    accessible(page)
    page.get_by_role("link", name="Make a profile to find partners").click()
    accessible(page)
    page.get_by_label("Who is seeking").select_option("association")
    page.get_by_label("Name", exact=True).fill("Hebden Bridge Twinning Association")
    page.get_by_label("Your town, city or village").fill("Hebden Bridge")
    page.get_by_label("Its country").fill("United Kingdom")
    page.locator("#id_offers_0").check()  # youth exchange
    page.locator("#id_wants_3").check()  # sport
    page.get_by_label("Languages you can work in").fill("English, French")
    page.get_by_label("Contact name").fill("Alice Hebdenperson")
    page.get_by_role("button", name="Make the profile").click()

    # Its suggestions, with their reasons; it expresses interest in Dakar.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggested partners for Hebden Bridge")
    suggestion = page.locator("li.suggestion", has_text="Dakar Youth Football")
    expect(suggestion.get_by_role("listitem")).to_have_text(["Seeking partners now.", "Shared themes: sport."])
    expect(suggestion).to_contain_text("4,547 km away")
    accessible(page)
    suggestion.get_by_label("A note to them (optional)").fill("We would love to play football with you.")
    suggestion.get_by_role("button", name="Express interest").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("and Dakar Youth Football")
    expect(page.get_by_text("Waiting for their answer.")).to_be_visible()
    assert DAKAR["contact_email"] not in page.content()
    accessible(page)

    # Dakar sees it waiting, in the header and on its page, and accepts.
    page.context.clear_cookies()
    sign_in(page, "dakar@example.org")
    expect(page.get_by_role("link", name="Partner search 1 waiting")).to_be_visible()
    page.goto("/partners/mine")
    accessible(page)
    page.get_by_role("link", name="would like to meet Dakar Youth Football: answer").click()
    expect(page.get_by_text("We would love to play football with you.")).to_be_visible()
    assert "Alice Hebdenperson" not in page.content()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", name="How to contact Hebden Bridge Twinning Association")).to_be_visible()
    expect(page.get_by_text("Alice Hebdenperson")).to_be_visible()
    accessible(page)

    # Hebden now sees Dakar's details.
    page.context.clear_cookies()
    sign_in(page, "hebden@example.org")
    page.goto("/partners/mine")
    page.get_by_role("link", name="Dakar Youth Football").click()
    expect(page.get_by_role("heading", name="How to contact Dakar Youth Football")).to_be_visible()
    expect(page.get_by_text(DAKAR["contact_email"])).to_be_visible()
