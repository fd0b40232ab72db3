"""A run whose process was killed cannot record its own end: the next run finds it and says so."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone

from imports.models import ImportRun
from imports.services import runs_interrupted_mark


@pytest.fixture
def run_of(source):
    def make(*, host: str, pid: int | None, silent_for: dt.timedelta = dt.timedelta(0)) -> ImportRun:
        return ImportRun.objects.create(
            dataset="wikipedia",
            source=source,
            snapshot_date=dt.date(2026, 2, 1),
            file_name="pairs.csv",
            file_format="csv",
            host=host,
            pid=pid,
            progressed_at=timezone.now() - silent_for,
        )

    return make


def a_finished_process_id() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_whose_process_has_died_on_this_machine_is_marked_interrupted(run_of):
    here = socket.gethostname()
    dead = run_of(host=here, pid=a_finished_process_id())
    alive = run_of(host=here, pid=os.getppid())  # the process that started the tests: still running
    done = run_of(host=here, pid=a_finished_process_id())
    ImportRun.objects.filter(pk=done.pk).update(status=ImportRun.Status.FINISHED)

    assert runs_interrupted_mark() == 1

    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "interrupted", alive.pk: "running", done.pk: "finished"}
    dead.refresh_from_db()
    assert dead.finished_at is not None
    assert dead.get_status_display() == "interrupted before it finished"


def test_a_run_elsewhere_is_interrupted_only_after_an_hour_without_progress(run_of):
    busy = run_of(host="another-machine", pid=1, silent_for=dt.timedelta(minutes=50))
    silent = run_of(host="another-machine", pid=1, silent_for=dt.timedelta(minutes=61))

    assert runs_interrupted_mark() == 1

    assert ImportRun.objects.get(pk=busy.pk).status == "running"
    assert ImportRun.objects.get(pk=silent.pk).status == "interrupted"
