"""Guides shown on link and place pages (knowledge.selectors.guides_for and its template)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from knowledge import services
from knowledge.selectors import guides_for
from knowledge.services import SourceSpec
from links.services import link_create, link_remove
from places.services import institution_create

CITE = [SourceSpec(url="https://example.org/report.pdf", passage="Volunteers kept the link alive.")]


@pytest.fixture
def world(db, actor, make_place, cite):
    coventry, volgograd, lyon = make_place("Coventry", "GB"), make_place("Volgograd", "RU"), make_place("Lyon", "FR")
    school = institution_create(actor=actor, name="Lycée du Parc", kind="school", place=lyon)
    moderator = account_create("moderator@example.org", role=Role.MODERATOR)
    return {
        "coventry": coventry,
        "volgograd": volgograd,
        "lyon": lyon,
        "first": link_create(actor=actor, parties=[coventry, volgograd], kind="formal", citations=cite()),
        "school": link_create(actor=actor, parties=[coventry, school], kind="formal", citations=cite()),
        "moderator": moderator,
        "writer": account_create("writer@example.org"),
    }


def guide(user, title: str, **about):
    return services.guide_create(
        actor=Actor(user=user), title=title, summary=f"About {title}.", body="Text.", sources=CITE, **about
    )


def titles(rows) -> list[str]:
    return [g.title for g in rows]


def test_a_link_shows_guides_about_it_and_about_its_places_published_only(world):
    m = world["moderator"]
    guide(m, "The first twinning", links=[world["first"]])
    guide(m, "Volgograd today", places=[world["volgograd"]])
    guide(m, "Lyon schools", places=[world["lyon"]])
    guide(m, "Elsewhere", places=[])
    guide(world["writer"], "Waiting for a moderator", links=[world["first"]])
    assert titles(guides_for(link=world["first"])) == ["Volgograd today", "The first twinning"]
    # the school's link: Coventry itself, and Lyon through the school
    assert titles(guides_for(link=world["school"])) == ["Lyon schools"]


def test_a_place_shows_guides_about_it_and_about_its_links_not_removed_ones(world, actor):
    m = world["moderator"]
    guide(m, "The first twinning", links=[world["first"]])
    guide(m, "Coventry's peace work", places=[world["coventry"]])
    guide(m, "The school exchange", links=[world["school"]])
    assert titles(guides_for(place=world["lyon"])) == ["The school exchange"]  # a party through its school
    assert titles(guides_for(place=world["coventry"], limit=2)) == ["The school exchange", "Coventry's peace work"]
    link_remove(actor=actor, link=world["first"], reason="Recorded twice")
    assert titles(guides_for(place=world["volgograd"])) == []
    assert guides_for() == []


def test_one_query_and_the_template_shows_title_and_summary(world, django_assert_num_queries):
    for n in range(4):
        guide(world["moderator"], f"Guide {n}", links=[world["first"]], places=[world["coventry"]])
    with CaptureQueriesContext(connection) as queries:
        rows = guides_for(place=world["coventry"])
        html = render_to_string("knowledge/_related_guides.html", {"guides": rows, "about": "place"})
    assert len(queries) == 1
    assert "Guides and case studies about this place" in html
    assert '<a href="/knowledge/guide-3/">Guide 3</a>' in html and "About Guide 3." in html
    assert render_to_string("knowledge/_related_guides.html", {"guides": [], "about": "link"}).strip() == ""


def test_the_link_and_place_pages_list_their_guides_and_nothing_when_there_are_none(world, client):
    link_page = world["first"].get_absolute_url()
    assert "Guides and case studies about this link" not in client.get(link_page).content.decode()
    guide(world["moderator"], "The first twinning", links=[world["first"]])
    guide(world["moderator"], "Lyon <b>schools</b>", places=[world["lyon"]])
    on_link = client.get(link_page).content.decode()
    assert "Guides and case studies about this link" in on_link and "The first twinning" in on_link
    assert "Lyon &lt;b&gt;schools&lt;/b&gt;" not in on_link  # Lyon is no party of this link
    on_place = client.get(world["lyon"].get_absolute_url()).content.decode()
    assert "Guides and case studies about this place" in on_place
    assert "Lyon &lt;b&gt;schools&lt;/b&gt;" in on_place and "The first twinning" not in on_place
