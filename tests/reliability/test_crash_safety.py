"""Crash safety (docs/RELIABILITY.md): kill -9 an import, and a server, in the middle of writing.

After each kill the database is whole (SQLite's integrity and foreign key checks; every
cross-row invariant, by `manage.py check_registry`), nothing acknowledged is lost, and the
next run finishes the job: a re-run import ends exactly where an uninterrupted one does.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from pathlib import Path

import pytest

from core.reliability import ScratchDatabase, Server, stop_group
from tests.reliability.http import post_json

TABLES = [
    "links_link",
    "links_party",
    "links_statusevent",
    "sources_source",
    "sources_citation",
    "places_place",
    "places_placename",
    "imports_nameresolution",
    "imports_pendingpair",
    "imports_listing",
    "imports_listinggap",
    "core_externalid",
    "audit_changerecord",
]


def counts(db: ScratchDatabase) -> dict[str, int]:
    return {table: db.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}


def registry_problems(db: ScratchDatabase) -> list[str]:
    """`manage.py check_registry`'s verdict (exit 1 and a list when something is wrong)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "manage.py", "check_registry", "--json"],
        cwd=Path(__file__).resolve().parents[2],
        env=db.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    problems = json.loads(done.stdout.strip().splitlines()[-1])["problems"]
    assert (done.returncode == 0) == (not problems), done.stderr
    return problems


def assert_whole(db: ScratchDatabase) -> None:
    if db.kind == "sqlite":
        assert db.sqlite_checks() == {"integrity_check": ["ok"], "foreign_key_check": []}
    assert registry_problems(db) == []


def kill_when(db: ScratchDatabase, process, sql: str, *, after: float = 0.0, timeout: float = 60) -> None:
    """kill -9 `process` as soon as `sql` counts something (then `after` seconds more)."""
    deadline = time.monotonic() + timeout
    while db.scalar(sql) == 0:
        if process.poll() is not None:
            pytest.fail(f"the import ended before it could be killed: {process.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail(f"nothing was written within {timeout} s: {sql}")
        time.sleep(0.01)
    time.sleep(after)
    stop_group(process)
    assert process.returncode == -9, "the import finished before the kill"


def import_report(db: ScratchDatabase, command: list[str]) -> dict[str, int]:
    done = db.manage(*command, "--json")
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_import_killed_mid_write_leaves_a_whole_registry_and_the_next_run_finishes_it(
    scratch_databases, wikipedia_slice
):
    command = wikipedia_slice.command()
    db = scratch_databases.create("import")
    db.manage("load_gazetteer", "--countries", wikipedia_slice.countries)
    reference = scratch_databases.clone(db, "reference")  # the same registry, never interrupted
    uninterrupted = reference.start_manage(*command, "--json")

    # Kill 1: while it matches names (its run is recorded, nothing else yet).
    kill_when(db, db.start_manage(*command), "SELECT count(*) FROM imports_importrun", after=0.5)
    assert_whole(db)
    # Kill 2: once it has made some of the matched places, while it makes the rest.
    kill_when(db, db.start_manage(*command), "SELECT count(*) FROM places_place")
    places = db.scalar("SELECT count(*) FROM places_place")
    assert db.scalar("SELECT count(*) FROM imports_nameresolution") == 0
    assert_whole(db)
    # Kill 3: once its first batch of links is committed, in the middle of the next.
    kill_when(db, db.start_manage(*command), "SELECT count(*) FROM links_link")
    partial = db.scalar("SELECT count(*) FROM links_link")
    assert_whole(db)
    # No killed run looks complete: each run found the one killed before it and marked it
    # interrupted; the last killed one says "running" until the next run finds it.
    runs = db.query("SELECT status, finished_at IS NULL FROM imports_importrun ORDER BY id")
    assert [tuple(run) for run in runs] == [("interrupted", False), ("interrupted", False), ("running", True)]

    finished = import_report(db, command)
    out, err = uninterrupted.communicate(timeout=300)
    assert uninterrupted.returncode == 0, err
    expected = json.loads(out.strip().splitlines()[-1])
    assert 0 < places < counts(reference)["places_place"], "the second kill did not land among the places"
    assert 0 < partial < expected["links_created"], "the third kill did not land among the links"
    print(f"killed with {places} places, then {partial} of {expected['links_created']} links; re-run: {finished}")

    # The re-run finished the job: the registry is what an uninterrupted import makes, row for row
    # in every table (links, parties, citations, places, matches, listings, the change log …).
    assert counts(db) == counts(reference)
    assert finished["links_created"] == expected["links_created"] - partial
    assert finished["links_unchanged"] == partial and finished["links_merged"] == 0
    for key in ("pairs_read", "pairs_pending", "places_matched", "places_ambiguous", "places_unmatched"):
        assert finished[key] == expected[key], key
    assert_whole(db)

    # And running it once more changes nothing.
    before = counts(db)
    again = import_report(db, command)
    assert (again["links_created"], again["links_merged"], again["links_unchanged"]) == (
        0,
        0,
        expected["links_created"],
    )
    assert counts(db) == before
    # The next run found the three killed runs' processes gone and said so.
    runs = db.query("SELECT status, finished_at IS NOT NULL FROM imports_importrun ORDER BY id")
    assert runs == [("interrupted", True)] * 3 + [("finished", True)] * 2


def test_a_server_killed_mid_stream_of_api_writes_keeps_every_acknowledged_write(scratch_databases):
    db = scratch_databases.create("server")
    setup = db.probe("setup-server", "--staff", "alice", "--password", "a long test password", "--places", "200")
    places, token, source = setup["places"], setup["token"], setup["source"]
    server = Server(db, workers=2).start()
    pairs = itertools.count()
    acknowledged: dict[str, int] = {}  # link description -> link id, for every 201
    events_acknowledged: list[int] = []
    unanswered: list[str] = []  # writes in flight when the server died: either whole or absent
    refused: list[str] = []  # any answer but 201 (there should be none)
    stop = threading.Event()

    def write_links(base_url: str) -> None:
        while not stop.is_set():
            n = next(pairs)
            if 2 * n + 1 >= len(places):
                return
            marker = f"stream link {n}"
            body = {
                "parties": [{"place_id": places[2 * n]}, {"place_id": places[2 * n + 1]}],
                "kind": "formal",
                "agreement": "1990",
                "description": marker,
                "citations": [{"source_id": source, "quote": f"Minute {n}."}],
            }
            try:
                page = post_json(f"{base_url}/api/v1/links", body, token)
                if page.status != 201:
                    refused.append(f"{marker}: {page.status} {page.text[:300]}")
                    return
                acknowledged[marker] = page.json()["id"]
                event = {
                    "date": "2022-03-22",
                    "status": "paused",
                    "citations": [{"source_id": source, "quote": f"Paused, minute {n}."}],
                }
                page = post_json(f"{base_url}/api/v1/links/{acknowledged[marker]}/events", event, token)
                if page.status != 201:
                    refused.append(f"{marker} event: {page.status} {page.text[:300]}")
                    return
                events_acknowledged.append(page.json()["id"])
            except (OSError, http.client.HTTPException):
                unanswered.append(marker)
                return

    clients = [threading.Thread(target=write_links, args=(server.url,)) for _ in range(4)]
    try:
        for client in clients:
            client.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # master and workers, kill -9, with requests in flight
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
        server.stop()
    print(f"{len(acknowledged)} links acknowledged, {len(unanswered)} writes cut off by the kill")
    assert refused == []
    assert len(acknowledged) >= 40
    assert unanswered, "no request was in flight when the server was killed"

    assert_whole(db)
    stored = dict(db.query("SELECT description, id FROM links_link WHERE description LIKE 'stream link %'"))
    # Every acknowledged write is there, with the id the client was given …
    assert {m: stored.get(m) for m in acknowledged} == acknowledged
    ids = ",".join(str(pk) for pk in events_acknowledged)
    assert db.scalar(f"SELECT count(*) FROM links_statusevent WHERE id IN ({ids})") == len(events_acknowledged)
    # … and nothing that was not asked for: the rest are writes whose answer the kill cut off.
    assert set(stored) - set(acknowledged) <= set(unanswered)

    # The next server starts on the same database and writes at once: no stale lock, nothing to repair.
    with_restart = Server(db, workers=2).start()
    try:
        n = len(places) // 2 - 1
        body = {
            "parties": [{"place_id": places[2 * n]}, {"place_id": places[2 * n + 1]}],
            "kind": "formal",
            "citations": [{"source_id": source, "quote": "After the restart."}],
        }
        assert post_json(f"{with_restart.url}/api/v1/links", body, token, timeout=10).status == 201
    finally:
        with_restart.stop()
    assert_whole(db)
