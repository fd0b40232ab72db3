"""Benchmark: first contentful paint of the main pages on a slow connection (issue 7).

    .venv/bin/python bench/first_paint.py                         # demo registry, production-style server
    .venv/bin/python bench/first_paint.py --server runserver      # the same, on Django's development server
    .venv/bin/python bench/first_paint.py --url http://127.0.0.1:8000 --link 1 --place 1 --association 1
                                     # a hub already running (make run: var/db.sqlite3); pages given by id
    options: --runs 5  --latency 400  --down-kbps 50  --up-kbps 50  --json

Without --url it builds a throw-away registry in a temporary directory (SQLite: migrate, the demo
data, and one association with a private contact, so the association page has something to show)
and serves it:

- `gunicorn` (the default): as README's "Running in production" does: DEBUG=false, two workers,
  whitenoise serving the collected, compressed static files (it runs `collectstatic`, which writes
  the project's staticfiles/). SECURE_SSL_REDIRECT=false, as there is no HTTPS in front of it here.
  HTML is not compressed (the hub has no compression middleware; a proxy in front may add it).
- `runserver`: DEBUG on, nothing compressed: what `make run` serves.

Then, for each main page (home, a search, a link, a place, statistics, an association), it opens
Debian's Chromium (headless, through Playwright), throttles the network through the DevTools
protocol (`Network.emulateNetworkConditions`: 400 ms latency and 50 KB/s each way by default, a
"Slow 3G"-like profile; DevTools' own "Slow 3G" preset has the same throughput but 2 s of latency),
disables the cache, loads the page `--runs` times, each in a fresh browser context (a first
visit), and prints the median first-contentful-paint (`performance.getEntriesByName(
'first-contentful-paint')`), the load event and the bytes transferred. Each page is requested once
unthrottled first, so the hub's page cache holds it, as it does between writes.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

MEASURE = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    fcp: paint ? paint.startTime : null,
    load: navigation.loadEventEnd,
    bytes: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: 1 + resources.length,
  };
}"""
FIRST_PAINT = "() => performance.getEntriesByName('first-contentful-paint').length > 0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


SETUP = """
from associations.services import association_create, contact_add
from audit.services import Actor
from links.models import Link
from places.models import Place
link = Link.objects.filter(parties__place__name="Coventry").filter(parties__place__name="Volgograd").get()
actor = Actor.system("bench/first_paint.py")
association = association_create(actor=actor, name="Coventry Volgograd Friendship Society", links=[link])
contact_add(actor=actor, association=association, name="The secretary", email="secretary@example.org")
print(link.get_absolute_url(), Place.objects.get(name="Coventry", country="GB").get_absolute_url(),
      association.get_absolute_url())
"""


@contextmanager
def demo_server(kind: str):
    """A throw-away demo registry served by `kind`; yields (base URL, page paths)."""
    workdir = Path(tempfile.mkdtemp(prefix="first-paint-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if kind == "gunicorn":
        env |= {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        }
    print(f"Building a demo registry in {workdir} …", file=sys.stderr)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_data")
    link, place, association = manage(env, "shell", "-c", SETUP).split()[-3:]
    if kind == "gunicorn":
        manage(env, "collectstatic", "--noinput")
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "twinning_hub.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ]
    else:
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("the server did not start")
        yield base, pages(link, place, association)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def pages(link: str, place: str, association: str) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/search?country=GB&partner_country=RU&as_of=2022-12-31",
        "link": link,
        "place": place,
        "statistics": "/statistics/",
        "association": association,
    }


def measure(base: str, paths: dict[str, str], args: argparse.Namespace) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    conditions = {
        "offline": False,
        "latency": args.latency,
        "downloadThroughput": args.down_kbps * 1024,
        "uploadThroughput": args.up_kbps * 1024,
    }
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for name, path in paths.items():
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:  # fill the page cache
                    response.read()
                    path = response.geturl().removeprefix(base)  # /links/1/ redirects to its full address
            except urllib.error.HTTPError as error:
                sys.exit(f"{base + path} answered {error.code}: choose another page")
            runs = []
            for _ in range(args.runs):
                context = browser.new_context(base_url=base)
                page = context.new_page()
                page.set_default_timeout(60_000)
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", conditions)
                page.goto(path, wait_until="load")
                page.wait_for_function(FIRST_PAINT)
                runs.append(page.evaluate(MEASURE))
                context.close()
            results[name] = {
                "path": path,
                "fcp_ms": statistics.median(r["fcp"] for r in runs),
                "fcp_min_ms": min(r["fcp"] for r in runs),
                "fcp_max_ms": max(r["fcp"] for r in runs),
                "load_ms": statistics.median(r["load"] for r in runs),
                "kb": runs[0]["bytes"] / 1024,
                "requests": runs[0]["requests"],
            }
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="measure a hub already running here instead of a demo one")
    parser.add_argument("--link", type=int, help="with --url: the link page to open (its id)")
    parser.add_argument("--place", type=int, help="with --url: the place page (its id)")
    parser.add_argument("--association", type=int, help="with --url: the association page (its id)")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=400, help="ms added to each request")
    parser.add_argument("--down-kbps", type=float, default=50, help="KB/s down")
    parser.add_argument("--up-kbps", type=float, default=50, help="KB/s up")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    if args.url:
        base = args.url.rstrip("/")
        found = {name: path for name, path in pages("", "", "").items() if path}
        found |= {
            name: f"/{kind}/{pk}/"
            for name, kind, pk in [
                ("link", "links", args.link),
                ("place", "places", args.place),
                ("association", "associations", args.association),
            ]
            if pk
        }
        results = measure(base, found, args)
        served = base
    else:
        with demo_server(args.server) as (base, found):
            results = measure(base, found, args)
        served = f"demo registry on {args.server}"
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"First contentful paint, {args.latency:.0f} ms latency, {args.down_kbps:g} KB/s down, "
        f"median of {args.runs} cold loads ({served}):"
    )
    print(f"{'page':<12} {'FCP ms':>7} {'(min–max)':>13} {'load ms':>8} {'KB':>6} {'requests':>8}  path")
    for name, r in results.items():
        spread = f"({r['fcp_min_ms']:.0f}–{r['fcp_max_ms']:.0f})"
        print(
            f"{name:<12} {r['fcp_ms']:>7.0f} {spread:>13} {r['load_ms']:>8.0f} {r['kb']:>6.1f} "
            f"{r['requests']:>8}  {r['path']}"
        )


if __name__ == "__main__":
    main()
