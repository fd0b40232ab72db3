"""Backup and restore give back every table exactly, and refuse what would do harm.

These run on whichever database the suite runs on (SQLite in memory, or PostgreSQL through
DATABASE_URL), with real backups: SQLite's backup API, or pg_dump and pg_restore. They are
transactional tests, because pg_dump reads only what is committed.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from audit.models import ChangeRecord
from core.backup import (
    EXTENSIONS,
    _pg_binary,
    _pg_connection,
    checksums_compare,
    checksums_load,
    checksums_path,
    database_kind,
    table_checksums,
)
from core.partial_dates import PartialDate
from links.models import Link, Purpose, StatusEvent
from links.services import link_create, link_update, status_event_record

# Restores need committed data (pg_dump reads only that) and no open transaction.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(actor, cite, make_place) -> dict[str, object]:
    """Three places, two links (one with purposes: the M2M table), their events, citations and log."""
    # A transactional test's flush empties the purposes the migration adds: make the two used here.
    for slug, name in [("culture", "Culture"), ("education", "Education")]:
        Purpose.objects.get_or_create(slug=slug, defaults={"name": name})
    testford = make_place("Testford", "GB")
    probestadt = make_place("Probestadt", "DE")
    essaiville = make_place("Essaiville", "FR")
    first = link_create(
        actor=actor,
        parties=[testford, probestadt],
        kind="formal",
        citations=cite(),
        purposes=["culture", "education"],
        agreement=PartialDate.parse("1956-05"),
    )
    status_event_record(actor=actor, link=first, when=PartialDate.parse("1956"), status="active", citations=cite())
    second = link_create(actor=actor, parties=[testford, essaiville], kind="friendship", citations=cite())
    return {"first": first, "second": second, "testford": testford, "essaiville": essaiville}


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    return tmp_path / f"hub{EXTENSIONS[database_kind()]}"


@committed
def test_restore_gives_back_every_table_as_it_was_at_backup_time(
    call_command_output, registry, actor, cite, backup_file, tmp_path
):
    # A backup never replaces a file by accident.
    backup_file.write_text("precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup_file))
    assert backup_file.read_text() == "precious"

    output = call_command_output("backup", str(backup_file), "--checksums", "--overwrite")
    assert "To restore it: manage.py restore" in output
    at_backup = table_checksums()
    # The checksums written beside the backup are those of the data it holds, and cover the
    # M2M table, the audit log and the migrations as well as the registry's own tables.
    assert checksums_load(checksums_path(backup_file)) == at_backup
    for table in [
        "links_link",
        "links_link_purposes",
        "links_party",
        "links_statusevent",
        "sources_citation",
        "audit_changerecord",
        "places_place",
        "django_migrations",
    ]:
        assert at_backup[table][0] > 0, table

    # After the backup: a new link, an event on an old one and an edit.
    later = link_create(
        actor=actor,
        parties=[registry["essaiville"], registry["testford"]],
        kind="formal",
        citations=cite(),
        name="Added after the backup",
    )
    status_event_record(
        actor=actor, link=registry["first"], when=PartialDate.parse("2022-03-22"), status="paused", citations=cite()
    )
    link_update(actor=actor, link=registry["second"], description="Edited after the backup")
    changed = table_checksums()
    assert {p.split(":")[0] for p in checksums_compare(at_backup, changed)} >= {
        "links_link",
        "links_statusevent",
        "audit_changerecord",
    }

    output = call_command_output("restore", str(backup_file), "--yes")

    assert table_checksums() == at_backup
    assert not Link.objects.filter(pk=later.pk).exists()
    assert StatusEvent.objects.filter(link=registry["first"]).count() == 1
    assert Link.objects.get(pk=registry["second"].pk).description == ""
    assert f"All {len(at_backup)} tables match the checksums taken at backup time." in output
    assert "Migrations: the database matches this code." in output
    assert re.search(rf"\n  links_link +{at_backup['links_link'][0]:,} rows\n", output)

    # The safety backup, written beside the backup before restoring, undoes the restore.
    (safety,) = tmp_path.glob("before-restore-*")
    assert f"saved in {safety}" in output
    call_command_output("restore", str(safety), "--yes")
    assert table_checksums() == changed
    assert Link.objects.get(pk=later.pk).name == "Added after the backup"


@committed
def test_restore_without_yes_explains_and_changes_nothing(
    call_command_output, registry, actor, cite, backup_file, tmp_path
):
    call_command_output("backup", str(backup_file))
    link_create(actor=actor, parties=[registry["essaiville"], registry["testford"]], kind="formal", citations=cite())
    before = table_checksums()

    with pytest.raises(CommandError) as error:
        call_command("restore", str(backup_file))

    assert "Nothing has been changed" in str(error.value)
    assert f"manage.py restore {backup_file} --yes" in str(error.value)
    assert table_checksums() == before
    assert list(tmp_path.glob("before-restore-*")) == []


def _other_kind_of_backup(path: Path) -> Path:
    """A backup of the kind of database this suite is not running on."""
    if database_kind() == "sqlite":
        path = path.with_suffix(".pgdump")
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))  # pg_dump's custom-format header
    else:
        path = path.with_suffix(".sqlite3")
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE links_link (id integer primary key)")
        other.commit()
        other.close()
    return path


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_of_this_kind_of_database_is_refused_untouched(registry, tmp_path):
    before = table_checksums()
    other_kind = _other_kind_of_backup(tmp_path / "other")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n")
    expected = {
        str(other_kind): "is a backup of a",
        str(text): "is not a backup made by `manage.py backup`",
        str(tmp_path / "absent.sqlite3"): "There is no file at",
    }
    for path, message in expected.items():
        with pytest.raises(CommandError, match=message) as error:
            call_command("restore", path, "--yes")
        if path == str(other_kind):
            assert "can only be restored into the same kind of database" in str(error.value)
    assert table_checksums() == before
    assert list(tmp_path.glob("before-restore-*")) == []


def _stranger_backup(folder: Path) -> Path:
    """A real backup of this kind of database, but not of a hub: PostgreSQL's own `postgres` database."""
    if database_kind() == "sqlite":
        path = folder / "stranger.sqlite3"
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (id integer primary key, body text)")
        other.commit()
        other.close()
        return path
    path = folder / "stranger.pgdump"
    args, env = _pg_connection(connections["default"])
    args = [arg for arg in args if not arg.startswith("--dbname=")] + ["--dbname=postgres"]
    subprocess.run([_pg_binary("pg_dump"), "--format=custom", f"--file={path}", *args], env=env, check=True)
    return path


def test_a_backup_of_some_other_database_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="but not of a Twinning Hub registry"):
        call_command("restore", str(_stranger_backup(tmp_path)), "--yes")
    assert list(tmp_path.glob("before-restore-*")) == []


@pytest.mark.django_db
def test_checksums_print_as_json_and_see_a_changed_value(call_command_output, registry, actor):
    printed = json.loads(call_command_output("backup", "--checksums"))
    assert {table: tuple(value) for table, value in printed.items()} == table_checksums()

    ChangeRecord.objects.filter(pk=ChangeRecord.objects.order_by("pk").first().pk).update(summary="Tampered")
    as_printed = {table: (count, digest) for table, (count, digest) in printed.items()}
    assert checksums_compare(as_printed, table_checksums()) == [
        f"audit_changerecord: same number of rows ({printed['audit_changerecord'][0]:,}) but different contents"
    ]
