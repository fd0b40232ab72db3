"""A small registry for the events tests: two links, one agreed ten years ago twenty days from now, one
paused in March 2022 with a reason full of markup."""

from __future__ import annotations

import datetime as dt

import pytest

from core.partial_dates import PartialDate
from links.services import link_create, status_event_record

HOSTILE = '<script>alert(1)</script> "quotes" & ampersands'


@pytest.fixture
def town(db, make_place, actor, cite):
    testford, probestadt, essaiville, far = (
        make_place("Testford", "GB"),
        make_place("Probestadt", "DE"),
        make_place("Essaiville", "FR"),
        make_place("Farburg", "RU"),
    )
    today = dt.date.today()
    agreed = today.replace(year=today.year - 10) + dt.timedelta(days=20)
    link = link_create(
        actor=actor, parties=[testford, probestadt], kind="formal", citations=cite(),
        agreement=PartialDate.parse(agreed.isoformat()),
    )  # fmt: skip
    other = link_create(actor=actor, parties=[essaiville, far], kind="formal", citations=cite())
    status_event_record(
        actor=actor, link=other, when=PartialDate.parse("2022-03-22"), status="paused", citations=cite(),
        reason="The invasion of Ukraine " + HOSTILE, category="war", deciding_body="Full council",
    )  # fmt: skip
    return {"testford": testford, "link": link, "other": other, "essaiville": essaiville, "agreed": agreed}
