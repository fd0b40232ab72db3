"""The knowledge bank's own content, loaded over the demo data as `make demo` loads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from knowledge import search
from knowledge.models import Guide, GuideStatus
from knowledge.seed import DATA_DIR, read
from links.demo import load_demo_data

REPORT_COPY = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "003_d9fffa04996f9d91.txt"


@pytest.fixture
def loaded(db, capsys):
    load_demo_data()
    call_command("load_knowledge")
    return capsys.readouterr().out


def test_the_reports_recommendations_and_cases_are_published_citing_the_report(client, loaded):
    assert "Guides: 8 added, 0 already there." in loaded
    assert Guide.objects.filter(status=GuideStatus.PUBLISHED, kind="case_study").count() == 2
    for guide in Guide.objects.all():
        cited = {row.source.title for row in guide.sources.select_related("source")}
        assert cited == {
            "Moving Forward Together: Refreshing and Revitalising our Understanding of UK Twinning and "
            "Friendship Links in the 21st Century"
        }, guide.title
    guide = Guide.objects.get(title__startswith="Leeds and Durban")
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "In 1998, the formal twinning between Leeds and Durban was the culmination of this process." in page
    assert "Leeds" in page and "Durban" in page and guide.links.count() == 1
    hits = search.search("burnout committee")
    assert hits[0].title == "Share the load: fair and balanced committees"


def test_loading_again_adds_nothing(loaded, capsys):
    call_command("load_knowledge")
    assert "Guides: 0 added, 8 already there." in capsys.readouterr().out
    assert Guide.objects.count() == 8


@pytest.mark.skipif(not REPORT_COPY.exists(), reason="the report's copy (shared/seeds) is not beside the repository")
def test_every_quoted_passage_is_the_reports_own_words():
    report = REPORT_COPY.read_text(encoding="utf-8")
    for path in sorted(DATA_DIR.glob("*.md")):
        meta, _body = read(path)
        for cited in meta["sources"]:
            assert cited["passage"] in report, f"{path.name}: {cited['passage'][:60]}"
