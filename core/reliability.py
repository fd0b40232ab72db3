"""The machinery of the reliability tests (docs/RELIABILITY.md): scratch databases, writer processes, a server to kill.

Two halves:

- The harness runs in the test (or bench) process and never touches Django's models. It makes
  scratch databases like the one the suite runs on (a migrated SQLite file in a temporary
  directory, or a PostgreSQL database created and dropped with psycopg, never an existing one),
  runs `manage.py` against them, starts gunicorn on loopback, and starts writer processes.
- The probe runs inside those processes, with Django set up for the scratch database:
  `python -m core.reliability setup-writers | writer | check-writers | setup-server`. Each
  prints one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCRATCH_PREFIX = "reliability_"  # every PostgreSQL database this module creates (and drops) is named so


# ====================================================================== harness (no Django here)


@dataclass
class ScratchDatabase:
    """A database made for one test: its DATABASE_URL, and for SQLite its file."""

    url: str
    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None

    @property
    def name(self) -> str:
        return str(self.path) if self.path else urlsplit(self.url).path.lstrip("/")

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PYTEST_CURRENT_TEST", None)
        return env | {
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "twinning_hub.settings",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run `manage.py args` on this database; raise with its output if it fails."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def start_manage(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def probe(self, *args: str, timeout: float = 300) -> dict[str, Any]:
        """Run `python -m core.reliability args` on this database and return the JSON it printed last."""
        done = subprocess.run(
            [PYTHON, "-m", "core.reliability", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"probe {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def query(self, sql: str) -> list[tuple]:
        """Rows of `sql`, read on a connection of its own (SQLite: WAL lets it read while others write)."""
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]

    def sqlite_checks(self) -> dict[str, list]:
        """SQLite's own verdict on the file: `PRAGMA integrity_check` (["ok"]) and `foreign_key_check` ([])."""
        with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as conn:
            return {
                "integrity_check": [row[0] for row in conn.execute("PRAGMA integrity_check")],
                "foreign_key_check": [list(row) for row in conn.execute("PRAGMA foreign_key_check")],
            }


class ScratchDatabases:
    """Makes migrated scratch databases of the kind `base_url` names (SQLite when it is empty).

    `manage.py migrate` runs once, into a template; each database is a copy of it (SQLite: the
    backup API; PostgreSQL: CREATE DATABASE … TEMPLATE). PostgreSQL databases are made on the
    server `base_url` names, called reliability_<random>, and dropped by close().
    """

    def __init__(self, base_url: str | None, directory: Path) -> None:
        self.base_url = base_url or ""
        self.kind = "postgresql" if self.base_url.startswith(("postgres://", "postgresql://")) else "sqlite"
        self.directory = directory
        self.token = uuid.uuid4().hex[:8]
        self.made: list[ScratchDatabase] = []
        self.template: ScratchDatabase | None = None

    def _blank(self, label: str) -> ScratchDatabase:
        label = f"{label}_{len(self.made)}"
        if self.kind == "sqlite":
            path = self.directory / f"{label}.sqlite3"
            return ScratchDatabase(url=f"sqlite:///{path}", kind="sqlite", path=path)
        name = f"{SCRATCH_PREFIX}{self.token}_{label}"
        parts = urlsplit(self.base_url)
        return ScratchDatabase(url=urlunsplit(parts._replace(path=f"/{name}", query="")), kind="postgresql")

    def _admin(self):
        import psycopg

        parts = urlsplit(self.base_url)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres", query="")), autocommit=True)

    def _copy(self, source: ScratchDatabase, target: ScratchDatabase) -> None:
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(source.path, timeout=20)) as src:
                with contextlib.closing(sqlite3.connect(target.path)) as dst:
                    src.backup(dst)
            return
        from psycopg import errors, sql

        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(target.name), sql.Identifier(source.name)
        )
        with self._admin() as conn:
            for attempt in range(50):  # the last client of `source` may take a moment to go
                try:
                    conn.execute(statement)
                    return
                except errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)

    def create(self, label: str = "db") -> ScratchDatabase:
        """A new, migrated, empty database."""
        if self.template is None:
            template = self._blank("template")
            if self.kind == "postgresql":
                from psycopg import sql

                with self._admin() as conn:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template.name)))
            self.made.append(template)
            template.manage("migrate", "--noinput")
            self.template = template
        return self.clone(self.template, label)

    def clone(self, source: ScratchDatabase, label: str = "copy") -> ScratchDatabase:
        """A copy of `source` as it is now (nobody may be writing to it)."""
        target = self._blank(label)
        assert target.name.startswith(SCRATCH_PREFIX) or self.kind == "sqlite"
        self._copy(source, target)
        self.made.append(target)
        return target

    def close(self) -> None:
        if self.kind == "postgresql":
            from psycopg import sql

            with self._admin() as conn:
                for db in reversed(self.made):
                    assert db.name.startswith(SCRATCH_PREFIX)  # never anything this did not create
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))
        self.made.clear()


def stop_group(process: subprocess.Popen, sig: int = signal.SIGKILL, timeout: float = 10) -> None:
    """Send `sig` to the process group `process` leads (started with start_new_session) and wait until it is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # its children (gunicorn's workers) too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise RuntimeError(f"process group {process.pid} is still alive after signal {sig}")


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving the hub on loopback from a scratch database."""

    db: ScratchDatabase
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> Server:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "twinning_hub.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(self.workers), "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT,
            env=self.db.env(DB_CONN_MAX_AGE="60"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): {self.process.stderr.read()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/api/v1/openapi.json", timeout=2) as response:
                    if response.status == 200:
                        return self
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        """kill -9 the master and every worker at once, as a power cut or the OOM killer would."""
        if self.process is not None:
            stop_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                stop_group(self.process, signal.SIGTERM)
            except RuntimeError:
                stop_group(self.process, signal.SIGKILL)


@contextlib.contextmanager
def serving(db: ScratchDatabase, workers: int = 2) -> Iterator[Server]:
    server = Server(db, workers=workers).start()
    try:
        yield server
    finally:
        server.stop()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def run_writers(
    db: ScratchDatabase,
    *,
    workers: int = 8,
    events: int = 40,
    links: int = 50,
    edits: int | None = None,
    beside: list[str] | None = None,
) -> dict[str, Any]:
    """`workers` processes, each recording `events` status events and making `edits` edits on the same `links` links.

    The processes start Django, then wait for one signal so that they write at the same moment.
    With `beside` (the arguments of a manage.py command, e.g. an import), that command starts at
    the same signal, and the writers stop when it has ended (or after their events and edits).
    Returns the figures and the checker's verdict (`problems`, `errors` must both be empty).
    """
    edits = links if edits is None else edits
    setup = db.probe("setup-writers", "--links", str(links))
    directory = Path(setup["directory"])
    go, stop = directory / "go", directory / "stop"
    processes = [
        subprocess.Popen(
            [PYTHON, "-m", "core.reliability", "writer", "--worker", str(w), "--events", str(events)]
            + ["--edits", str(edits), "--go", str(go), "--stop", str(stop)],
            cwd=ROOT,
            env=db.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    try:
        for process in processes:
            line = process.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a writer failed to start: {line}{process.stderr.read()}")
        started = time.perf_counter()
        go.touch()
        if beside:
            command = db.start_manage(*beside)
            command_out, command_err = command.communicate(timeout=1200)
            command_s = time.perf_counter() - started
            stop.touch()
            if command.returncode != 0:
                raise RuntimeError(f"manage.py {' '.join(beside)} failed beside the writers:\n{command_err}")
        outputs = [process.communicate(timeout=1200) for process in processes]
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    reports = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            raise RuntimeError(f"a writer failed ({process.returncode}):\n{out}\n{err}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    (directory / "reports.json").write_text(json.dumps(reports))
    try:
        verdict = db.probe("check-writers", "--reports", str(directory / "reports.json"))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    event_ms = [ms for r in reports for ms in r["event_ms"]]
    edit_ms = [ms for r in reports for ms in r["edit_ms"]]
    recorded = sum(len(r["events"]) for r in reports)
    applied = sum(len(r["edits"]) for r in reports)
    alongside = {}
    if beside:
        alongside = {"beside": " ".join(beside), "beside_s": round(command_s, 1)}
        alongside["beside_output"] = command_out.strip().splitlines()[-1] if command_out.strip() else ""
    return alongside | {
        "database": db.kind,
        "workers": workers,
        "events_per_worker": events,
        "edits_per_worker": edits,
        "links": links,
        "seconds": round(elapsed, 2),
        "events_recorded": recorded,
        "edits_applied": applied,
        "events_per_s": round(recorded / elapsed, 1),
        "writes_per_s": round((recorded + applied) / elapsed, 1),
        "conflicts_retried": sum(r["conflicts"] for r in reports),
        "event_ms_p50": round(percentile(event_ms, 0.5), 1),
        "event_ms_p95": round(percentile(event_ms, 0.95), 1),
        "event_ms_max": round(max(event_ms, default=0), 1),
        "edit_ms_p50": round(percentile(edit_ms, 0.5), 1),
        "edit_ms_p95": round(percentile(edit_ms, 0.95), 1),
        "errors": [e for r in reports for e in r["errors"]],
        "problems": verdict["problems"],
        "checked": verdict["checked"],
    }


# ====================================================================== probe (inside Django)

EVENT_DAYS = ["2022-03-01", "2022-03-02", "2022-03-03"]  # few days: many events share (link, date)
STATUSES = ["proposed", "active", "paused", "ended", "reaffirmed"]


def _setup_writers(args: argparse.Namespace) -> dict[str, Any]:
    """A registry to write to: one source, `links` links between two places each, begun in 1990."""
    import tempfile

    from audit.services import Actor
    from core.partial_dates import PartialDate
    from links.services import link_create
    from places.services import place_create
    from sources.services import CitationSpec, source_create

    actor = Actor.system("reliability setup")
    source = source_create(actor=actor, title="Concurrency test minutes", kind="official", publisher="Test council")
    ids = []
    for n in range(args.links):
        first = place_create(actor=actor, name=f"Writerton {n}", country="GB")
        second = place_create(actor=actor, name=f"Schreibstadt {n}", country="DE")
        link = link_create(
            actor=actor,
            parties=[first, second],
            kind="formal",
            citations=[CitationSpec(source=source, quote="Resolved to twin.")],
            agreement=PartialDate.parse("1990"),
        )
        ids.append(link.pk)
    return {"links": ids, "source": source.pk, "directory": tempfile.mkdtemp(prefix="writers-")}


def _writer(args: argparse.Namespace) -> dict[str, Any]:
    """Record `events` events and make `edits` edits, in a shuffled order, then report what was written.

    An edit starts from the link as read (as a person's form would) and names that version;
    on EditConflict it is read again and retried, as the person would be told to. Any other
    error is what a user would have seen: it is reported, and the test fails on it.
    """
    from django.db import connection

    from audit.services import Actor
    from core.partial_dates import PartialDate
    from core.versioning import EditConflict
    from links.models import Link
    from links.services import link_update, status_event_record
    from sources.models import Source
    from sources.services import CitationSpec

    w = args.worker
    actor = Actor.system(f"writer {w}")
    source = Source.objects.get(title="Concurrency test minutes")
    link_ids = list(Link.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(w)
    work = [("event", i) for i in range(args.events)] + [("edit", j) for j in range(args.edits)]
    rng.shuffle(work)
    connection.close()  # each writer opens its own connection when it starts writing
    print("ready", flush=True)
    go = Path(args.go)
    while not go.exists():
        time.sleep(0.005)

    report: dict[str, Any] = {"worker": w, "events": [], "edits": [], "conflicts": 0, "errors": []}
    event_ms: list[float] = []
    edit_ms: list[float] = []
    stop = Path(args.stop) if args.stop else None
    for what, n in work:
        if stop is not None and stop.exists():
            break
        started = time.perf_counter()
        try:
            if what == "event":
                link = Link.objects.get(pk=link_ids[rng.randrange(len(link_ids))])
                marker = f"writer {w} event {n}"
                event = status_event_record(
                    actor=actor,
                    link=link,
                    when=PartialDate.parse(EVENT_DAYS[n % len(EVENT_DAYS)]),
                    status=STATUSES[(w + n) % len(STATUSES)],
                    citations=[CitationSpec(source=source, quote=marker)],
                    decision_note=marker,
                )
                report["events"].append([event.pk, link.pk, str(event.date), event.sequence, marker])
                event_ms.append((time.perf_counter() - started) * 1000)
            else:
                link_id = link_ids[(w * 7 + n) % len(link_ids)]
                marker = f"writer {w} edit {n}"
                for _attempt in range(200):
                    link = Link.objects.get(pk=link_id)  # the page as the person sees it
                    try:
                        link_update(actor=actor, link=link, expected_version=link.version, description=marker)
                        report["edits"].append([link_id, marker, link.version])
                        break
                    except EditConflict:
                        report["conflicts"] += 1  # "changed by someone else … make your change again"
                else:
                    report["errors"].append(f"edit {marker}: still conflicting after 200 attempts")
                edit_ms.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001 — anything here would have reached a user
            report["errors"].append(f"{what} {n}: {type(exc).__name__}: {exc}")
    report["event_ms"] = [round(ms, 2) for ms in event_ms]
    report["edit_ms"] = [round(ms, 2) for ms in edit_ms]
    return report


def _check_writers(args: argparse.Namespace) -> dict[str, Any]:
    """What the writers say they wrote is there exactly once, the log agrees, and nothing else was written."""
    from django.contrib.contenttypes.models import ContentType

    from audit.models import ChangeAction, ChangeRecord
    from core.integrity import database_problems, registry_problems
    from links.models import Link, StatusEvent
    from sources.models import Citation

    reports = json.loads(Path(args.reports).read_text())
    problems: list[str] = []
    events = {e.pk: e for e in StatusEvent.objects.all()}
    by_note = Counter(e.decision_note for e in events.values())
    reported_events = [row for r in reports for row in r["events"]]
    for pk, link_id, date, sequence, marker in reported_events:
        event = events.get(pk)
        if event is None:
            problems.append(f"{marker}: reported recorded as event {pk}, which does not exist (lost write).")
        elif (event.link_id, str(event.date), event.sequence, event.decision_note) != (link_id, date, sequence, marker):
            problems.append(f"{marker}: event {pk} holds something else: {event.decision_note!r}.")
        if by_note[marker] != 1:
            problems.append(f"{marker}: {by_note[marker]} events carry it, not 1.")
    if len(events) != len(reported_events):
        problems.append(f"{len(events)} events in the database, {len(reported_events)} reported recorded.")
    orders = Counter((e.link_id, e.date, e.sequence) for e in events.values())
    problems += [f"{n} events share (link, date, sequence) {key}." for key, n in orders.items() if n > 1]
    by_day: dict[tuple, list[int]] = defaultdict(list)
    for e in events.values():
        by_day[(e.link_id, e.date)].append(e.sequence)
    for (link_id, date), sequences in by_day.items():
        if sorted(sequences) != list(range(len(sequences))):
            problems.append(f"link {link_id} on {date}: sequences {sorted(sequences)} are not 0…{len(sequences) - 1}.")

    event_type = ContentType.objects.get_for_model(StatusEvent)
    logged = Counter(
        ChangeRecord.objects.filter(target_type=event_type, action=ChangeAction.CREATE).values_list(
            "target_id", flat=True
        )
    )
    problems += [f"event {pk} has {logged[pk]} creation records, not 1." for pk in events if logged[pk] != 1]
    cited = Counter(Citation.objects.filter(status_event__isnull=False).values_list("status_event_id", flat=True))
    problems += [f"event {pk} has {cited[pk]} citations, not 1." for pk in events if cited[pk] != 1]

    link_type = ContentType.objects.get_for_model(Link)
    edits: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for r in reports:
        for link_id, marker, version in r["edits"]:
            edits[link_id].append((marker, version))
    history: dict[int, list[str]] = defaultdict(list)
    for target_id, changes in ChangeRecord.objects.filter(
        target_type=link_type, action=ChangeAction.UPDATE
    ).values_list("target_id", "changes"):
        history[target_id].append((changes.get("description") or [None, None])[1])
    for link in Link.objects.all():
        applied = edits.get(link.pk, [])
        if link.version != 1 + len(applied):
            problems.append(f"link {link.pk}: version {link.version}, but {len(applied)} edits were applied.")
        if sorted(v for _, v in applied) != list(range(2, 2 + len(applied))):
            problems.append(f"link {link.pk}: the applied edits made versions {sorted(v for _, v in applied)}.")
        if Counter(history[link.pk]) != Counter(m for m, _ in applied):
            problems.append(f"link {link.pk}: its change log's edits differ from the edits applied.")
        if applied and link.description != max(applied, key=lambda a: a[1])[0]:
            problems.append(f"link {link.pk}: holds {link.description!r}, not its last applied edit.")
    problems += database_problems() + registry_problems()
    return {
        "problems": problems,
        "checked": {"events": len(reported_events), "edits": sum(len(a) for a in edits.values()), "links": len(edits)},
    }


def _setup_server(args: argparse.Namespace) -> dict[str, Any]:
    """Moderators who can sign in to the admin, an API token, a source, places to link, and links to edit."""
    from accounts.models import Role
    from accounts.testing import account_create
    from api.tokens import api_token_create
    from audit.services import Actor
    from core.partial_dates import PartialDate
    from links.services import link_create
    from places.services import place_create
    from sources.services import CitationSpec, source_create

    users = [
        account_create(f"{name}@example.org", role=Role.MODERATOR, password=args.password)
        for name in args.staff.split(",")
    ]
    _token, key = api_token_create(user=users[0], name="reliability stream")
    actor = Actor(user=users[0])
    source = source_create(actor=actor, title="Server test minutes", kind="official", publisher="Test council")
    places = [place_create(actor=actor, name=f"Serverton {n}", country="GB").pk for n in range(args.places)]
    links = []
    for n in range(args.links):
        parties = [place_create(actor=actor, name=f"Edit {n} {side}", country=side) for side in ("FR", "IT")]
        citations = [CitationSpec(source=source, quote="Resolved to twin.")]
        link = link_create(
            actor=actor, parties=parties, kind="formal", citations=citations, agreement=PartialDate.parse("1990")
        )
        links.append(link.pk)
    return {"token": key, "source": source.pk, "places": places, "links": links}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.reliability", description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("setup-writers")
    step.add_argument("--links", type=int, default=50)
    step.set_defaults(run=_setup_writers)
    step = steps.add_parser("writer")
    step.add_argument("--worker", type=int, required=True)
    step.add_argument("--events", type=int, required=True)
    step.add_argument("--edits", type=int, required=True)
    step.add_argument("--go", required=True, help="Start writing when this file exists.")
    step.add_argument("--stop", default="", help="Stop writing when this file exists.")
    step.set_defaults(run=_writer)
    step = steps.add_parser("check-writers")
    step.add_argument("--reports", required=True)
    step.set_defaults(run=_check_writers)
    step = steps.add_parser("setup-server")
    step.add_argument("--staff", default="alice,bob")
    step.add_argument("--password", required=True)
    step.add_argument("--places", type=int, default=100)
    step.add_argument("--links", type=int, default=1)
    step.set_defaults(run=_setup_server)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    print(json.dumps(args.run(args)), flush=True)


if __name__ == "__main__":
    main()
