"""Search results as the reader sees them: how many match, and what happens past RANK_LIMIT."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from knowledge import search, selectors, services
from knowledge.services import SourceSpec

CITE = [SourceSpec(url="https://example.org/report.pdf", passage="Volunteers kept the link alive.")]


@pytest.fixture
def moderator(db):
    return account_create("moderator@example.org", role=Role.MODERATOR)


def publish(user, title: str, body: str):
    return services.guide_create(
        actor=Actor(user=user), title=title, summary="A summary.", body=body, sources=CITE, tags="volunteers"
    )


def test_the_page_says_how_many_match_and_each_result_has_its_own_snippet(client, moderator):
    publish(moderator, "Choirs", "Our choir sang with the volunteers of Lyon.")
    publish(moderator, "Football", "A football match played by volunteers each spring.")
    results = selectors.search_results("volunteers")
    assert results.count == 2 and not results.capped
    snippets = {r.title: str(r.hit.snippet) for r in results}
    assert "choir" in snippets["Choirs"] and "football" in snippets["Football"]
    page = client.get("/knowledge/?q=volunteers").content.decode()
    assert "2 results for “volunteers”" in page and "Add a word" not in page


def test_more_matches_than_are_ranked_the_page_says_so_and_asks_for_a_word(client, moderator, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    for n in range(5):
        publish(moderator, f"Exchange {n}", f"Volunteers hosted the exchange number {n}.")
    found = search.find("volunteers", limit=2)
    assert found.capped and found.count == 3 and len(found.hits) == 2
    assert not search.find("number 4").capped  # a narrower query is ranked in full
    page = client.get("/knowledge/?q=volunteers").content.decode()
    assert "More than 3 results for “volunteers”" in page
    assert "Showing the best 3 of the first 3 found. Add a word to narrow the search." in page
    assert page.count('<li>\n    <h3><a href="/knowledge/') == 3


def test_up_to_the_limit_every_match_is_ranked_and_the_best_comes_first(moderator, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    publish(moderator, "Visits", "Volunteers organised the visits.")
    publish(moderator, "Funding", "Grants exist; burnout is mentioned once here.")
    publish(moderator, "Burnout among volunteers", "How to share the work.")
    found = search.find("burnout")
    assert not found.capped and found.count == 2
    assert [h.title for h in found.hits] == ["Burnout among volunteers", "Funding"]


def test_a_page_past_the_last_hit_is_empty_and_still_says_how_many_match(moderator):
    publish(moderator, "Visits", "Volunteers organised the visits.")
    publish(moderator, "Funding", "Volunteers found a grant.")
    page = search.find("volunteers", limit=1, offset=1)
    first = search.find("volunteers", limit=1)
    assert len(page.hits) == 1 and page.hits[0].title != first.hits[0].title and page.count == 2
    past = search.find("volunteers", limit=1, offset=5)
    assert past.hits == [] and past.count == 2 and not past.capped
    assert search.find("nowhere").count == 0
