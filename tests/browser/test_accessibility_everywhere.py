"""Accessibility in Chromium beyond the public pages of test_accessibility.py (issue 7):

- axe-core on every kind of page, signed out and signed in (as a moderator, who sees the most, and
  as a contributor): no serious or critical WCAG 2.2 A/AA violation;
- the search and the propose-an-edit journeys done with the keyboard alone: the skip link is the
  first stop and works, every focused element shows its focus, the order follows the page;
- form errors: the summary is announced (role="alert"), comes first, and each message leads to
  its field;
- text at 200%: nothing scrolls sideways or is cut off at 1280 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.testing import PASSWORD, account_create
from audit.services import Actor
from tests import hostile as H
from tests.browser.journeys import (
    association_to_write_to,
    demo_link,
    focused,
    serious_violations,
    sign_in,
    tab_until,
)
from tests.test_security import PAGE_NAMES, SIGNED_IN_PAGES, registry_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# ================================================================== axe-core on every kind of page


@pytest.fixture
def registry(transactional_db):
    from links.purposes import ensure_purposes
    from proposals.changes import Citing
    from proposals.services import change_submit

    ensure_purposes()
    registry = registry_build()
    contributor = account_create("contributor@example.org")
    registry.proposal_pk = change_submit(
        actor=Actor(user=contributor),
        kind="link_change",
        target=registry.link,
        payload={"endorsing_body": "Both councils " + H.SCRIPT},
        citing=Citing(first_hand="I was at the meeting"),
    ).proposal.pk
    account_create("moderator@example.org", role=Role.MODERATOR)
    return registry


def check_pages(page, urls: dict[str, str]) -> dict[str, str]:
    problems = {}
    for name, url in urls.items():
        response = page.goto(url)
        assert response.status == (404 if name == "404" else 200), f"{name}: {url} gave {response.status}"
        report = serious_violations(page)
        if report:
            problems[name] = f"{url}\n{report}"
    return problems


def test_every_kind_of_page_signed_out(page, registry):
    problems = check_pages(page, {name: registry.urls[name] for name in PAGE_NAMES})
    assert not problems, "\n\n".join(f"{name}: {report}" for name, report in problems.items())


SIGNED_OUT_ONLY = {"sign-in", "sign-up", "password reset"}  # signed in, these send you on


def partner_pages(contributor_email: str) -> dict[str, str]:
    """The contributor's own partner-finding pages: a school's profile of theirs, its suggestions
    (from the real ranking: another school, in a place with coordinates, that offers what it wants),
    and an introduction to the registry's profile."""
    from django.contrib.auth import get_user_model

    from matching.models import SeekingProfile
    from matching.services import introduction_express, profile_create
    from places.services import place_create

    contributor = get_user_model().objects.get(email=contributor_email)
    theirs = SeekingProfile.objects.get(name__startswith="Testford Seekers")
    mine = profile_create(
        actor=Actor(user=contributor),
        seeker="school",
        name="Partnerstadt School",
        place=theirs.place,
        wants=["youth"],
        contact_name="Teacher",
        contact_email=contributor_email,
    )
    lyon = place_create(
        actor=Actor.system("browser test"),
        name="Lyon",
        country="FR",
        latitude=45.76,
        longitude=4.84,
        population=522_000,
    )
    profile_create(
        actor=Actor(user=account_create("lyon-school@example.org")),
        seeker="school",
        name="Collège de Lyon " + H.SCRIPT,
        place=lyon,
        offers=["youth"],
        contact_name="Another Teacher",
        contact_email="lyon-school@example.org",
    )
    introduction = introduction_express(actor=Actor(user=contributor), from_profile=mine, to_profile=theirs)
    return {
        "contributor's partner suggestions": f"/partners/{mine.pk}/suggestions",
        "contributor's introduction": introduction.get_absolute_url(),
        "contributor's partner profile": mine.get_absolute_url(),
        "contributor's profile form": f"/partners/{mine.pk}/edit",
    }


def test_every_kind_of_page_signed_in(page, registry):
    from matching import ranking

    ranking.forget()  # the ranking keeps its arrays per process: build them from this database
    sign_in(page, "moderator@example.org")
    urls = {name: registry.urls[name] for name in PAGE_NAMES if name not in SIGNED_OUT_ONLY}
    urls |= {name: url(registry) for name, url in SIGNED_IN_PAGES.items()}
    urls |= {
        "add a source": "/proposals/sources/new",
        "ask for removal": f"/proposals/links/{registry.link.pk}/remove",
        "place history": f"/places/{registry.place.pk}/history/",
        "change password": "/accounts/password/change/",
        "email addresses": "/accounts/email/",
        "second factor": "/accounts/2fa/",
    }
    problems = check_pages(page, urls)

    page.context.clear_cookies()
    sign_in(page, "contributor@example.org")
    partners = partner_pages("contributor@example.org")
    problems |= check_pages(
        page,
        {
            "contributor's account": "/account/",
            "contributor's proposals": "/proposals/mine",
            "contributor's proposal": f"/proposals/{registry.proposal_pk}/",
            **partners,
        },
    )
    # The suggestions page checked above showed a real suggestion, its reasons and its form.
    page.goto(partners["contributor's partner suggestions"])
    suggestion = page.locator("li.suggestion", has_text="Collège de Lyon")
    expect(suggestion.get_by_role("listitem")).to_have_text(["Seeking partners now.", "Shared themes: youth exchange."])
    expect(suggestion.get_by_role("button", name="Express interest")).to_be_visible()
    assert not problems, "\n\n".join(f"{name}: {report}" for name, report in problems.items())


# ================================================================== the keyboard alone


def is_inside(page, selector: str) -> bool:
    return page.evaluate(f"Boolean(document.activeElement.closest({selector!r}))")


def assert_focus_shown_in_page_order(stops) -> None:
    hidden = [stop.name for stop in stops if not stop.focus_visible]
    assert not hidden, f"focus not visible on {hidden}"
    orders = [stop.order for stop in stops]
    assert orders == sorted(orders), f"Tab jumped back up the page: {[stop.name for stop in stops]}"


def test_search_with_the_keyboard_alone(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip.name == "Skip to main content", "the skip link is the first Tab stop"
    assert skip.focus_visible
    box = page.get_by_role("link", name="Skip to main content").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "the skip link shows when focused"

    # Without the skip link, Tab walks the header first, in the order it reads.
    header = tab_until(page, lambda stop: stop.element_id == "home-q")
    names = [stop.name for stop in header]
    assert names.index("Twinning Hub") < names.index("Search links") < names.index("Statistics")
    assert_focus_shown_in_page_order([skip, *header])

    # With it, the next stop is in the main content.
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert is_inside(page, "main"), "after the skip link, Tab goes into the main content"
    assert focused(page).element_id == "home-q"

    page.keyboard.type("Volgograd")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Volgograd"))

    # Narrow the search by keyboard: country, kind and a status box, then apply.
    stops = tab_until(page, lambda stop: stop.name == "A party in country")
    page.keyboard.type("United Kingdom")
    stops += tab_until(page, lambda stop: stop.name == "Kind of link")
    page.keyboard.type("formal")
    stops += tab_until(page, lambda stop: stop.name == "paused")
    page.keyboard.press("Space")
    stops += tab_until(page, lambda stop: stop.name == "Apply filters")
    assert_focus_shown_in_page_order(stops)
    page.keyboard.press("Shift+Tab")  # back one, then forward again: Shift+Tab retraces the order
    back = focused(page)
    assert back.order < stops[-1].order
    page.keyboard.press("Tab")
    assert focused(page).name == "Apply filters"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country=GB.*kind=formal.*status=paused"))

    stops = tab_until(page, lambda stop: stop.name == "Coventry – Volgograd", limit=120)
    assert_focus_shown_in_page_order(stops)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coventry – Volgograd")


def test_propose_an_edit_with_the_keyboard_alone(page, demo):
    account_create("volunteer@example.org", password=PASSWORD)
    link = demo_link("Coventry", "Volgograd")

    page.goto("/")
    stops = tab_until(page, lambda stop: stop.name == "Sign in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    stops = tab_until(page, lambda stop: stop.element_id == "id_login")
    page.keyboard.type("volunteer@example.org")
    stops += tab_until(page, lambda stop: stop.element_id == "id_password")
    page.keyboard.type(PASSWORD)
    assert_focus_shown_in_page_order(stops)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    page.goto(link.get_absolute_url())
    stops = tab_until(page, lambda stop: stop.name == "Correct its details", limit=150)
    assert_focus_shown_in_page_order(stops)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coventry – Volgograd")

    stops = tab_until(page, lambda stop: stop.name == "Endorsed by")
    page.keyboard.type("Both city councils")
    stops += tab_until(page, lambda stop: stop.name == "Web address of the source")
    page.keyboard.type("https://www.coventry.gov.uk/twinning")
    stops += tab_until(page, lambda stop: stop.name == "Send")
    assert_focus_shown_in_page_order(stops)
    page.keyboard.press("Space")  # a button presses with Space as well as Enter
    expect(page.get_by_role("status")).to_contain_text("A moderator will review your proposal")


# ================================================================== form errors


def check_error_summary(page, *, fields: int) -> None:
    """The summary is an alert, comes before the form, and each message moves focus to its field."""
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_visible()
    first = page.evaluate(
        """() => {
          const summary = document.querySelector(".error-summary");
          const controls = [...document.querySelectorAll("main input:not([type=hidden]), main select, main textarea")];
          return controls.every(c => summary.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert first, "the error summary comes before every field of the form"
    # It takes focus when the page loads (the autofocus attribute: no script needed), so a screen
    # reader reads it first and a keyboard user starts from it.
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')"), (
        "the error summary has focus when the page loads"
    )
    links = summary.get_by_role("link")
    assert links.count() == fields
    for i in range(fields):
        link = links.nth(i)
        target = link.get_attribute("href").removeprefix("#")
        link.click()
        assert focused(page).element_id == target, f"{link.inner_text()!r} does not move focus to its field"
        error = page.locator(f"#{target}").get_attribute("aria-describedby") or ""
        assert f"{target}_error" in error.split(), "the field names its error"
        assert page.locator(f"#{target}_error").inner_text().strip(), "the error it names is on the page"


def test_error_summaries_are_announced_first_and_lead_to_their_fields(any_page, demo, no_minimum_fill_time):
    page = any_page
    page.goto("/search?as_of=not-a-date")
    check_error_summary(page, fields=1)

    association = association_to_write_to()
    page.goto(f"/associations/{association.pk}/contact")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send the message").click()
    check_error_summary(page, fields=3)  # name, address and message

    account_create("volunteer@example.org", password=PASSWORD)
    sign_in(page, "volunteer@example.org")
    page.goto(f"/proposals/links/{demo_link('Coventry', 'Volgograd').pk}/correct")
    page.get_by_label("Endorsed by").fill("Both city councils")
    page.get_by_role("button", name="Send").click()
    check_error_summary(page, fields=1)  # where it comes from
    expect(page.locator(".error-summary")).to_contain_text("Say where this comes from")
    expect(page).to_have_title(re.compile("^Error: "))


# ================================================================== text at 200%


OVERFLOW = """(selector) => {
  const width = document.documentElement.clientWidth;
  const hidden = ".visually-hidden, .skip-link, .hp-field, p:has(> .hp-field)";
  const problems = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const e of [root, ...root.querySelectorAll("*")]) {
      if (!e.checkVisibility() || e.closest(hidden) || e.parentElement.closest("svg")) continue;
      const box = e.getBoundingClientRect();
      if (box.width < 2 || box.height < 2) continue;
      let scroller = e.parentElement;  // a box of its own that scrolls sideways, inside the page
      while (scroller && !/auto|scroll/.test(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
      if (scroller && scroller.getBoundingClientRect().right > width + 1) scroller = null;
      const style = getComputedStyle(e);
      const clips = style.overflowX !== "visible" || style.textOverflow === "ellipsis";
      const kind = typeof e.className === "string" && e.className ? "." + e.className.split(" ")[0] : "";
      const name = `${e.tagName.toLowerCase()}${kind} "${(e.innerText || "").trim().slice(0, 30)}"`;
      if (!scroller && (box.right > width + 1 || box.left < -1)) {
        problems.push(`${name} runs off the page (${Math.round(box.left)} to ${Math.round(box.right)} of ${width})`);
      }
      if (clips && !/auto|scroll/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1) {
        problems.push(`${name} cuts its text off`);
      }
    }
  }
  return problems;
}"""


@pytest.fixture
def wide_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_text_at_200_percent_neither_scrolls_sideways_nor_is_cut_off(wide_page, demo):
    page = wide_page
    link = demo_link("Coventry", "Volgograd")
    coventry = link.parties.get(place__name="Coventry").place
    pages = {
        "home": "/",
        "search": "/search?country=GB&partner_country=RU&as_of=2022-12-31",
        "link page": link.get_absolute_url(),
        "place page": coventry.get_absolute_url(),
        "statistics": "/statistics/",
        "sign-up": "/accounts/signup/",
    }
    problems = {}
    for name, url in pages.items():
        page.goto(url)
        # Text zoom as a reader sets it: the root font size doubled, through the CSSOM (the
        # Content-Security-Policy refuses an injected <style>).
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 36  # 1.1875rem at 32px
        found = []
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            found.append(f"the page scrolls sideways ({page.evaluate('document.documentElement.scrollWidth')} px)")
        found += page.evaluate(OVERFLOW, ".site-header, main form, main table, main h1, main")
        if found:
            problems[name] = found
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


def test_sign_up_errors_have_a_summary_that_leads_to_the_fields(page, transactional_db, no_minimum_fill_time):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Sign Up").click()
    check_error_summary(page, fields=4)  # email, both passwords, the privacy notice
