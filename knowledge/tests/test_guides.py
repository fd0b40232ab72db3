"""Guides and case studies: moderation, pages, search, through the real services and pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.testing import account_create
from audit.models import ChangeRecord
from audit.services import Actor
from core.versioning import EditConflict
from knowledge import search, services
from knowledge.models import GuideStatus
from knowledge.services import SourceSpec

REPORT = "https://example.org/moving-forward-together.pdf"
CITE = [SourceSpec(url=REPORT, passage="Younger members came when the association met online.")]


@pytest.fixture
def people(db):
    return {
        "writer": account_create("writer@example.org"),
        "moderator": account_create("moderator@example.org", role=Role.MODERATOR),
        "stranger": account_create("stranger@example.org"),
        "unverified": account_create("unverified@example.org", verified=False),
    }


def write(user, title="Drawing in younger members", body="Volunteers met **online** with students.", **extra):
    return services.guide_create(
        actor=Actor(user=user),
        title=title,
        summary=extra.pop("summary", "How three associations found younger volunteers."),
        body=body,
        sources=extra.pop("sources", CITE),
        tags=extra.pop("tags", "young members, Recruitment"),
        **extra,
    )


def test_a_contributors_guide_waits_for_a_moderator_and_is_hidden_until_published(client, people):
    guide = write(people["writer"])
    assert guide.status == GuideStatus.PENDING
    assert guide.tags == ["recruitment", "young-members"]
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert "Drawing in younger members" not in client.get("/knowledge/").content.decode()
    assert search.search("volunteers") == []

    client.force_login(people["writer"])
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Only its author and the moderators see this page." in page

    client.force_login(people["moderator"])
    assert "Drawing in younger members" in client.get("/knowledge/review/").content.decode()
    response = client.post(f"{guide.get_absolute_url()}moderate", {"decision": "publish", "edit_version": 1})
    assert response.status_code == 302
    client.logout()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Volunteers met <strong>online</strong> with students." in page
    assert REPORT in page and "Younger members came when the association met online." in page
    actions = list(
        ChangeRecord.objects.filter(target_id=guide.pk, target_type__model="guide")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert actions == ["Added the guide Drawing in younger members", "Published the guide Drawing in younger members"]


def test_a_moderators_guide_is_published_at_once_and_found_by_stemmed_words(client, people):
    write(people["moderator"], body="Each volunteer rotated the chair every three years.")
    page = client.get("/knowledge/?q=volunteers+rotating").content.decode()
    assert "1 result for" in page
    assert "<mark>volunteer</mark> <mark>rotated</mark>" in page


def test_sending_back_needs_a_note_and_the_author_sees_it(client, people):
    guide = write(people["writer"])
    with pytest.raises(ValidationError, match="Say why the guide is sent back"):
        services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=False)
    services.guide_moderate(
        actor=Actor(user=people["moderator"]), guide=guide, publish=False, note="Cite the page of the report."
    )
    client.force_login(people["writer"])
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Draft." in page and "Cite the page of the report." in page


def test_who_may_write_edit_and_moderate(client, people):
    with pytest.raises(PermissionDenied, match="Confirm your email address first"):
        write(people["unverified"])
    guide = write(people["writer"])
    with pytest.raises(PermissionDenied, match="Only its author or a moderator"):
        services.guide_update(actor=Actor(user=people["stranger"]), guide=guide, title="Mine now")
    with pytest.raises(PermissionDenied, match="You cannot review proposals"):
        services.guide_moderate(actor=Actor(user=people["writer"]), guide=guide, publish=True)
    assert client.get("/knowledge/new").status_code == 302  # to the sign-in page
    client.force_login(people["stranger"])
    assert client.get("/knowledge/review/").status_code == 403


def test_an_authors_edit_of_a_published_guide_waits_again_and_a_stale_edit_is_refused(people):
    guide = write(people["writer"])
    services.guide_moderate(actor=Actor(user=people["moderator"]), guide=guide, publish=True)
    assert [h.title for h in search.search("younger")] == ["Drawing in younger members"]
    services.guide_update(actor=Actor(user=people["writer"]), guide=guide, expected_version=2, title="Younger members")
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PENDING and guide.version == 3
    assert search.search("younger") == []  # off the public search until a moderator reads it again
    with pytest.raises(EditConflict):
        services.guide_update(actor=Actor(user=people["writer"]), guide=guide, expected_version=2, title="Old page")


def test_a_guide_must_cite_a_source_with_its_passage(people):
    with pytest.raises(ValidationError, match="Cite at least one source"):
        write(people["writer"], sources=[])
    with pytest.raises(ValidationError):
        write(people["writer"], sources=[SourceSpec(url=REPORT, passage="")])


def test_the_form_summarises_its_errors_in_plain_words(client, people):
    client.force_login(people["writer"])
    response = client.post("/knowledge/new", {"kind": "guide", "title": "", "source_url": "not a web address"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a title, e.g. &#x27;Drawing in younger members&#x27;." in page
    assert "Enter a web address starting with https:// or http://." in page
    assert 'href="#id_title"' in page  # the summary leads to the field


def test_the_form_makes_a_guide_that_waits(client, people):
    client.force_login(people["writer"])
    response = client.post(
        "/knowledge/new",
        {
            "kind": "case_study",
            "title": "Keighley and Poix-du-Nord",
            "summary": "A century of friendship.",
            "body": "Founded after the *First World War*.",
            "tags": "history",
            "source_url": REPORT,
            "source_passage": "The link began in 1920.",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "A moderator will read the guide before it is published." in page
    assert "Founded after the <em>First World War</em>." in page


def test_tags_filter_the_list(client, people):
    write(people["moderator"], title="Visas for visiting partners", tags="visas")
    write(people["moderator"], title="Funding after Brexit", tags="funding")
    page = client.get("/knowledge/?tag=visas").content.decode()
    assert "Visas for visiting partners" in page and "Funding after Brexit" not in page
    assert "1 guide tagged “visas”" in page


HOSTILE = '<script>alert("x")</script> volunteer <img src=x onerror=alert(1)> & </mark> \x02 "quoted"'


def test_snippets_mark_only_the_matched_words_and_escape_everything_else(client, people):
    write(people["moderator"], title="Hostile", body=HOSTILE, summary="Markup in a guide.")
    (hit,) = search.search('"volunteer* ^( -:')  # FTS5 and tsquery syntax is read as plain words
    assert "<mark>volunteer</mark>" in hit.snippet
    assert "<script" not in hit.snippet and "<img" not in hit.snippet
    assert "&lt;img src=x onerror=alert(1)&gt; &amp;" in hit.snippet  # shown as the text it is
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == 1
    page = client.get("/knowledge/?q=%3Cscript%3E+volunteer").content.decode()
    assert "<script>alert" not in page


def test_search_ranks_a_title_match_above_a_passing_mention(people):
    write(people["moderator"], title="Burnout among volunteers", body="Share the roles of the committee.")
    write(people["moderator"], title="Funding", body="Grants exist. Burnout is mentioned once here.")
    assert [h.title for h in search.search("burnout")] == ["Burnout among volunteers", "Funding"]


def test_an_empty_or_wordless_query_finds_nothing(client, people):
    write(people["moderator"])
    assert search.search("") == [] and search.search('"*()') == []
    assert client.get("/knowledge/?q=%22*").status_code == 200


def test_the_knowledge_bank_speaks_french(client, people):
    write(people["moderator"], tags="visas")
    page = client.get("/fr/knowledge/?tag=visas").content.decode()
    assert "Banque de savoirs" in page and "1 guide avec le mot-clé « visas »" in page
    page = client.get("/fr/knowledge/?q=volunteers").content.decode()
    assert "1 résultat pour « volunteers »" in page
