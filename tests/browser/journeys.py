"""Steps the browser tests share: signing in, an association to write to, axe-core's verdict, what
the keyboard focuses. Each reads like what a person does or sees."""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.testing import PASSWORD

# The checks of WCAG 2.2 A and AA, as test_accessibility.py runs them.
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
SERIOUS = {"serious", "critical"}

SECRETARY = "secretary.private@example.org"  # an association's address, never shown to a sender


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def serious_violations(page) -> str:
    """axe-core's serious and critical WCAG 2.2 A/AA violations on the page, as a report ('' if none).
    axe-core is JavaScript: call this only in a page with JavaScript on."""
    results = Axe().run(page, options=WCAG)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") in SERIOUS:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


def association_to_write_to(link=None):
    """A twinning association with one private contact (SECRETARY), running `link` if given."""
    from associations.services import association_create, contact_add
    from audit.services import Actor

    actor = Actor.system("browser tests")
    association = association_create(
        actor=actor,
        name="Coventry Volgograd Friendship Society",
        meeting_place="Coventry Cathedral",
        links=[link] if link else [],
    )
    contact_add(actor=actor, association=association, name="The secretary", email=SECRETARY)
    return association


@dataclass
class Stop:
    """Where one press of Tab landed, and how it looked there."""

    name: str  # the element's text, label or aria-label
    tag: str
    element_id: str
    focus_visible: bool  # a computed outline or box-shadow (not 'none'), or the focus colour
    order: int  # its position in the document


FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                  && style.outlineColor !== "rgba(0, 0, 0, 0)";
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  const name = (e.getAttribute("aria-label") || label || e.innerText || e.value || "").trim();
  return {name: name.split("\\n")[0].trim(), tag: e.tagName.toLowerCase(), element_id: e.id || "",
          focus_visible: Boolean(outline || shadow),
          order: Array.prototype.indexOf.call(document.getElementsByTagName("*"), e)};
}"""


def focused(page) -> Stop | None:
    found = page.evaluate(FOCUSED)
    return Stop(**found) if found else None


def tab_until(page, wanted, *, limit: int = 80, key: str = "Tab") -> list[Stop]:
    """Press Tab until the focused element satisfies `wanted(stop)`; every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stop = focused(page)
        assert stop is not None, f"focus was lost after {[s.name for s in stops]}"
        stops.append(stop)
        if wanted(stop):
            return stops
    raise AssertionError(f"never reached the element after {limit} presses of {key}: {[s.name for s in stops]}")


def demo_link(first: str, second: str):
    """A demo link by the names of its two places, e.g. demo_link("Coventry", "Volgograd")."""
    from links.models import Link

    return Link.objects.filter(parties__place__name=first).filter(parties__place__name=second).get()
