"""The "Send me a new link" pages in Chromium: axe-core finds no serious WCAG 2.2 A/AA problem on the
used link's page, on the page after pressing the button, nor on the page that says it is too soon."""

from __future__ import annotations

import pytest
from django.core import mail, signing

from associations.services import association_create, contact_add
from core.partial_dates import PartialDate
from health.verification import TOKEN_SALT, request_send, requests_create
from links.services import link_create
from tests.browser.journeys import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_new_link_pages_pass_axe_and_the_button_sends_once_an_hour(page, actor, make_place, cite):
    link = link_create(
        actor=actor,
        parties=[make_place("Testford", "GB"), make_place("Probestadt", "DE")],
        kind="formal",
        citations=cite(),
        agreement=PartialDate.parse("1975"),
    )
    association = association_create(actor=actor, name="Testford Twinning Association", links=[link])
    contact_add(actor=actor, association=association, name="Jo Secretary", email="jo@example.net")
    (asked,) = requests_create(link)
    request_send(request_id=asked.pk, attempt=1)
    stale = signing.dumps({"r": asked.pk, "n": "an-older-nonce"}, salt=TOKEN_SALT)  # a link that no longer works
    mail.outbox.clear()

    problems = {}
    assert page.goto(f"/verify/{stale}/").status == 410
    problems["used link"] = serious_violations(page)
    page.get_by_role("button", name="Send me a new link").click()
    page.wait_for_load_state()
    assert "A new link is on its way" in page.content()
    problems["sent"] = serious_violations(page)
    page.goto(f"/verify/{stale}/")
    page.get_by_role("button", name="Send me a new link").click()
    page.wait_for_load_state()
    assert "less than an hour ago" in page.content()
    problems["too soon"] = serious_violations(page)

    assert not any(problems.values()), problems
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo@example.net"]
    assert "jo@example.net" not in page.content()
