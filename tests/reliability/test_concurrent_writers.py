"""Concurrent writers (docs/RELIABILITY.md): eight processes writing to the same links at once lose nothing.

The full size (8 × 500 events) runs from bench/concurrency.py; here it is 8 × 40 events and
8 × 25 edits (every link edited by four writers) on the same 50 links, on a scratch database of
the kind the suite runs on.
"""

from __future__ import annotations

import json
import threading

from core.reliability import run_writers, serving
from tests.reliability.http import Browser, Page, form_fields, replace

CONFLICT = (
    "Not saved: This link was changed by someone else while you were editing it. Your changes were not saved. "
    "Reload the page to see the latest version, then make your change again."
)


def test_eight_writers_at_once_lose_nothing_duplicate_nothing_and_show_no_error(scratch_databases):
    db = scratch_databases.create("writers")

    figures = run_writers(db, workers=8, events=40, links=50, edits=25)
    print(figures)

    # No error reached a "user": no "database is locked", no deadlock, no duplicate key. Edit
    # conflicts are expected (figures["conflicts_retried"]); each was re-read and retried.
    assert figures["errors"] == []
    # Every event reported recorded is there once, with the (link, date, sequence) it was given;
    # no other event exists; sequences within a day run 0, 1, 2 … with no gap or repeat; every
    # applied edit is in its link's change log, each version was made once, and each link's
    # version is 1 + its applied edits; then every cross-row invariant of the registry.
    assert figures["problems"] == []
    assert figures["checked"] == {"events": 320, "edits": 200, "links": 50}
    if db.kind == "sqlite":
        assert db.sqlite_checks() == {"integrity_check": ["ok"], "foreign_key_check": []}


def test_staff_saving_while_an_import_runs_wait_briefly_and_never_fail(scratch_databases, wikipedia_slice):
    """Two writers record events and edit links while an import writes thousands of links.

    On SQLite the import shares the one write lock: it once held it through its whole name
    matching (25 s for the full Wikipedia list), and a status change saved meanwhile failed with
    "database is locked". Now it writes in short transactions and pauses after each.
    """
    db = scratch_databases.create("beside_import")
    db.manage("load_gazetteer", "--countries", wikipedia_slice.countries)

    figures = run_writers(db, workers=2, events=2000, links=10, edits=10, beside=wikipedia_slice.command("--json"))
    print(figures)

    assert figures["errors"] == []
    assert figures["problems"] == []
    assert json.loads(figures["beside_output"])["links_created"] > 2000
    assert figures["events_recorded"] > 0
    assert figures["event_ms_max"] < 10_000  # half the busy timeout, which fails a write


def _link_row(db, link_id: int) -> tuple[int, str, str]:
    version, description = db.query(f"SELECT version, description FROM links_link WHERE id = {link_id}")[0]
    role = db.scalar(f"SELECT role FROM links_party WHERE link_id = {link_id} ORDER BY position, id LIMIT 1 OFFSET 1")
    return version, description, role


def test_two_staff_saving_the_same_link_at_once_in_the_admin_one_wins_the_other_is_told(scratch_databases):
    """Two officers open the same link's admin page and press Save at the same moment, three times over.

    tests/test_admin.py::test_a_stale_edit_in_the_admin_is_refused covers one officer saving
    from a stale page, one request after the other, in the test client. This is the same
    promise with two people, two sessions and two gunicorn workers saving at the same instant:
    exactly one save wins each time, the other is refused in plain words with nothing of it
    written (not its text, not its party edit), and sees the winner's text to redo from.
    """
    db = scratch_databases.create("admin")
    setup = db.probe("setup-server", "--staff", "alice,bob", "--password", "a long test password", "--places", "0")
    link_id = setup["links"][0]
    link_type = db.scalar("SELECT id FROM django_content_type WHERE app_label = 'links' AND model = 'link'")
    edits_logged = f"SELECT count(*) FROM audit_changerecord WHERE target_type_id = {link_type} AND action = 'update'"
    url = f"/admin/links/link/{link_id}/change/"

    with serving(db, workers=2) as server:
        people = {name: Browser(server.url) for name in ("alice", "bob")}
        for person, browser in people.items():
            browser.sign_in(person, "a long test password")
        for round_ in range(1, 4):
            forms = {}
            for person, browser in people.items():
                fields = form_fields(browser.get(url).text, "link_form")
                assert ("edit_version", str(round_)) in fields  # both start from the same version
                forms[person] = replace(
                    fields,
                    description=f"{person}'s wording, round {round_}",
                    parties__1__role=f"{person}'s role, round {round_}",
                ) + [("_save", "Save")]
            logged_before = db.scalar(edits_logged)
            start = threading.Barrier(len(people))
            answers: dict[str, Page] = {}

            def save(person: str, browser: Browser, fields=forms, start=start, answers=answers) -> None:
                start.wait()
                answers[person] = browser.post_form(url, fields[person])

            threads = [threading.Thread(target=save, args=item) for item in people.items()]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            told = [person for person, page in answers.items() if CONFLICT in page.text]
            saved = [person for person, page in answers.items() if "was changed successfully" in page.text]
            assert len(told) == 1 and len(saved) == 1, {p: (a.status, a.url) for p, a in answers.items()}
            winner, loser = saved[0], told[0]
            assert _link_row(db, link_id) == (
                round_ + 1,
                f"{winner}'s wording, round {round_}",
                f"{winner}'s role, round {round_}",
            )
            assert db.scalar(edits_logged) == logged_before + 2  # the winner's link edit and party edit only
            # The loser is back on the form, which now shows the winner's text to start again from.
            assert answers[loser].url.endswith(url)
            assert f"{winner}&#x27;s wording, round {round_}" in answers[loser].text
