"""The pages in Chromium: axe-core finds no serious WCAG 2.2 A/AA problem, signed in as the association's editor,
and the form's error summary leads to its fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.testing import PASSWORD
from audit.services import Actor
from disputes.services import summary_publish
from tests.browser.journeys import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pages_pass_axe_and_the_form_explains_its_errors(page, town, review):
    summary_publish(actor=Actor(user=town.editor), review=review, summary="We stay in touch.")
    sign_in(page, "editor@example.org", PASSWORD)
    urls = {
        "list": f"/disputes/links/{town.link.pk}/",
        "new": f"/disputes/links/{town.link.pk}/new",
        "detail": review.get_absolute_url(),
        "edit": f"/disputes/{review.pk}/edit",
        "link page with a summary": town.link.get_absolute_url(),
    }
    problems = {}
    for name, url in urls.items():
        assert page.goto(url).status == 200, name
        report = serious_violations(page)
        if report:
            problems[name] = report
    assert not problems, problems
    page.goto(urls["new"])
    page.get_by_role("button", name="Save your answers").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    assert not serious_violations(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_what_happened")).to_be_focused()
