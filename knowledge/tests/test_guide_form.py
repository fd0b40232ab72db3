"""The guide form: citing a source in the registry or a web address, and naming the places and
links a guide is about by the addresses of their pages or their numbers, without JavaScript."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.testing import account_create
from audit.services import Actor
from core.record_pages import NotARecordPage, record_number
from knowledge import services
from knowledge.models import Guide, GuideSource, GuideStatus
from knowledge.services import SourceSpec
from links.services import link_create, link_remove

HOSTS = {"hub.example"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def world(db, make_place, actor, cite, source, settings):
    settings.SITE_URL = "https://hub.example"
    leeds, durban = make_place("Leeds", "GB"), make_place("Durban", "ZA")
    link = link_create(actor=actor, parties=[leeds, durban], kind="formal", citations=cite())
    return {
        "writer": account_create("writer@example.org"),
        "moderator": account_create("moderator@example.org", role=Role.MODERATOR),
        "leeds": leeds,
        "durban": durban,
        "link": link,
        "source": source,
    }


def fields(**changes: str) -> dict[str, str]:
    data = {
        "kind": "case_study",
        "title": "Leeds and Durban",
        "summary": "A North–South link that lasted.",
        "body": "Schools wrote to each other.",
        "tags": "schools",
        "source_url": "",
        "source": "",
        "source_passage": "The schools exchanged letters every term.",
        "places": "",
        "links": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "text",
    [
        "12",
        "#12",
        "No. 12",
        " n°12 ",
        "/places/12/",
        "/places/12",
        "places/12/leeds",
        "/fr/places/12/leeds",
        "https://hub.example/places/12/leeds",
        "https://HUB.example/fr/places/12/?from=search#links",
        "hub.example/places/12/leeds",
    ],
)
def test_a_place_is_named_by_its_number_or_the_address_of_its_page(text):
    assert record_number(text, namespace="places", hosts=HOSTS) == 12


@pytest.mark.parametrize(
    "text",
    [
        "Leeds",
        "https://elsewhere.example/places/12/leeds",  # another site's page, even with the same path
        "/links/12/leeds-durban",  # a link's page, not a place's
        "/places/12/history/",
        "/places/",
        "javascript:alert(1)",
        "http://[::1",  # not even an address
        "1" * 13,
    ],
)
def test_anything_else_is_not_a_place(text):
    with pytest.raises(NotARecordPage):
        record_number(text, namespace="places", hosts=HOSTS)


def test_a_guide_cites_a_registry_source_and_is_about_places_and_a_link(client, world):
    client.force_login(world["writer"])
    leeds, durban, link, source = world["leeds"], world["durban"], world["link"], world["source"]
    response = client.post(
        "/knowledge/new",
        fields(
            source=f"https://hub.example{source.get_absolute_url()}",
            places=f"https://hub.example{leeds.get_absolute_url()}\r\n\r\n{durban.pk}\r\n/fr/places/{leeds.pk}/",
            links=f"#{link.pk}",
        ),
    )
    assert response.status_code == 302
    guide = Guide.objects.get()
    assert [(s.source, s.url) for s in guide.sources.all()] == [(source, "")]
    assert list(guide.places.order_by("name")) == [durban, leeds]  # Leeds named twice is there once
    assert list(guide.links.all()) == [link]

    services.guide_moderate(actor=Actor(user=world["moderator"]), guide=guide, publish=True)
    client.logout()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "About:" in page
    assert f'<a href="{leeds.get_absolute_url()}">Leeds</a>' in page
    assert f'<a href="{durban.get_absolute_url()}">Durban</a>' in page
    assert "the link" in page and f'<a href="{link.get_absolute_url()}">Leeds – Durban</a>' in page
    assert f'<a href="{source.get_absolute_url()}">Council minutes</a>' in page


def test_wrong_numbers_and_addresses_are_named_back_in_plain_words_and_nothing_is_saved(client, world):
    client.force_login(world["writer"])
    response = client.post(
        "/knowledge/new",
        fields(
            source="1234",
            places=f"{world['leeds'].pk}\n99999\nLeeds",
            links="https://elsewhere.example/links/1/",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "No source 1234 in the registry: check the number on the source&#x27;s page, or give the web address instead."
        in page
    )
    assert "No place 99999 in the registry: check the number on the place&#x27;s page, or leave it out." in page
    assert "&#x27;Leeds&#x27; is not the address of a place&#x27;s page on this hub, nor its number." in page
    assert "&#x27;https://elsewhere.example/links/1/&#x27; is not the address of a link&#x27;s page" in page
    assert 'href="#id_source"' in page and 'href="#id_places"' in page and 'href="#id_links"' in page
    assert Guide.objects.count() == 0 and GuideSource.objects.count() == 0


def test_a_removed_link_is_refused(client, world, actor):
    link_remove(actor=actor, link=world["link"], reason="A duplicate.")
    client.force_login(world["writer"])
    response = client.post("/knowledge/new", fields(source_url="https://example.org/r", links=str(world["link"].pk)))
    assert response.status_code == 400
    assert f"The link {world['link'].pk} was removed from the registry" in response.content.decode()
    assert Guide.objects.count() == 0


def test_a_source_is_needed_a_web_address_or_one_in_the_registry(client, world):
    client.force_login(world["writer"])
    response = client.post("/knowledge/new", fields())
    assert response.status_code == 400
    assert (
        "Enter the web address of the source these facts come from, or name a source already in the registry."
        in response.content.decode()
    )
    response = client.post("/knowledge/new", fields(source_url="https://example.org/report.pdf"))
    assert response.status_code == 302
    assert GuideSource.objects.get().url == "https://example.org/report.pdf"


def test_hostile_input_is_shown_as_text(client, world):
    client.force_login(world["writer"])
    response = client.post("/knowledge/new", fields(source=HOSTILE, places=HOSTILE, links=HOSTILE, title=HOSTILE))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # the field shows it back, escaped
    assert Guide.objects.count() == 0


def test_a_title_is_one_line(client, world):
    client.force_login(world["writer"])
    response = client.post(
        "/knowledge/new", fields(title="Leeds\nBcc: everyone@example.org", source_url="https://e.org")
    )
    assert response.status_code == 400
    assert "must be one line of plain text" in response.content.decode()


def test_editing_shows_the_places_links_and_source_back_and_keeps_the_other_sources(client, world):
    leeds, link, source = world["leeds"], world["link"], world["source"]
    guide = services.guide_create(
        actor=Actor(user=world["writer"]),
        title="Leeds and Durban",
        summary="A link.",
        body="Letters.",
        sources=[
            SourceSpec(source=source, passage="First passage."),
            SourceSpec(url="https://example.org/second", passage="Second passage."),
        ],
        places=[leeds],
        links=[link],
    )
    client.force_login(world["writer"])
    page = client.get(f"{guide.get_absolute_url()}edit").content.decode()
    assert leeds.get_absolute_url() in page and link.get_absolute_url() in page
    assert f'value="{source.get_absolute_url()}"' in page
    assert "The guide's other source is kept as it is." in page

    response = client.post(
        f"{guide.get_absolute_url()}edit",
        fields(
            source="",
            source_url="https://example.org/first",
            source_passage="First passage, corrected.",
            places=f"{leeds.get_absolute_url()}\n{world['durban'].get_absolute_url()}",
            links="",
            edit_version="1",
        ),
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert [(s.source, s.url, s.passage) for s in guide.sources.all()] == [
        (None, "https://example.org/first", "First passage, corrected."),
        (None, "https://example.org/second", "Second passage."),
    ]
    assert set(guide.places.all()) == {leeds, world["durban"]} and not guide.links.exists()


def test_a_stale_edit_is_refused_and_changes_nothing(client, world):
    guide = services.guide_create(
        actor=Actor(user=world["writer"]),
        title="Leeds and Durban",
        summary="A link.",
        body="Letters.",
        sources=[SourceSpec(url="https://example.org/r", passage="Passage.")],
        places=[world["leeds"]],
    )
    services.guide_update(actor=Actor(user=world["writer"]), guide=guide, expected_version=1, body="Newer letters.")
    client.force_login(world["writer"])
    response = client.post(
        f"{guide.get_absolute_url()}edit",
        fields(source_url="https://example.org/r", places=str(world["durban"].pk), edit_version="1"),
    )
    assert response.status_code == 400
    assert "was changed by someone else while you were editing it" in response.content.decode()
    guide.refresh_from_db()
    assert guide.body == "Newer letters." and list(guide.places.all()) == [world["leeds"]]
    assert guide.status == GuideStatus.PENDING
