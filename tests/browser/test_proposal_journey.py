"""A contributor proposes a correction and a moderator approves it, in Chromium: sign-in, the
forms, the queue, the decision, the history. Every page on the way passes axe-core's checks."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Role
from accounts.testing import PASSWORD, account_create
from audit.services import Actor
from core.partial_dates import PartialDate
from links.models import Link
from links.purposes import ensure_purposes
from links.services import link_create
from places.services import place_create
from sources.services import CitationSpec, source_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def accessible(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_a_correction_is_proposed_reviewed_and_shown_with_its_history(page):
    ensure_purposes()
    actor = Actor.system("test")
    source = source_create(actor=actor, title="Council minutes", kind="official")
    link = link_create(
        actor=actor,
        parties=[
            place_create(actor=actor, name="Coventry", country="GB"),
            place_create(actor=actor, name="Volgograd", country="RU"),
        ],
        kind="formal",
        citations=[CitationSpec(source=source)],
        first_contact=PartialDate.parse("1944"),
    )
    account_create("volunteer@example.org", password=PASSWORD)
    account_create("moderator@example.org", role=Role.MODERATOR, password=PASSWORD)

    sign_in(page, "volunteer@example.org")
    page.goto(link.get_absolute_url())
    page.get_by_role("link", name="Correct its details").click()
    accessible(page)
    page.get_by_label("Endorsed by").fill("Both city councils")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".error-summary")).to_contain_text("Say where this comes from")  # the source is required
    accessible(page)
    page.get_by_label("Web address of the source").fill("https://www.coventry.gov.uk/twinning")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("A moderator will review your proposal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposal:")
    accessible(page)

    page.context.clear_cookies()
    sign_in(page, "moderator@example.org")
    page.get_by_role("link", name="Proposals waiting for review").click()
    accessible(page)
    page.get_by_role("link", name=re.compile("Correct Coventry")).click()
    expect(page.get_by_role("row", name=re.compile("Endorsed by"))).to_contain_text("Both city councils")
    accessible(page)
    page.get_by_role("button", name="Approve and apply").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")

    assert Link.objects.get(pk=link.pk).endorsing_body == "Both city councils"
    page.goto(link.get_absolute_url())
    page.get_by_role("link", name="See its history").click()
    expect(page.locator("ol.history")).to_contain_text("Both city councils")
    expect(page.locator("ol.history")).to_contain_text("approved by a moderator")
    accessible(page)
