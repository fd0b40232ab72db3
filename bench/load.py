"""Load test: the production server on loopback, driven by wrk, each page beside a static file.

    apt-get install wrk                                   # once (Debian's package)
    .venv/bin/python bench/load.py                        # var/db.sqlite3 unless DATABASE_URL
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py --workers 4 --duration 15

Starts gunicorn (the production configuration: DEBUG=false, --workers sync workers, static
files served by whitenoise from `collectstatic`'s output, requests marked as arriving over HTTPS
as a TLS proxy would mark them), then for each target runs wrk twice: one connection (latency a
single user sees: p50/p95/p99) and --connections connections (throughput). Each target rotates
over realistic variants: the search page with filters, link pages, the pages of the places with
the most links, the API list with filters, the statistics page, and a static file written to be
exactly as large as the search page. What we track is each page's throughput as a share of the
static file's, measured in the same run on the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# wrk's Lua: rotate over the paths given in the environment, print a JSON summary at the end.
LUA = r"""
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS"), "[^\n]+") do paths[#paths + 1] = p end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["X-Forwarded-Proto"] = "https", ["Host"] = "localhost"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON{"requests": %d, "seconds": %.3f, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def targets(search_sized_static: str) -> dict[str, list[str]]:
    """The URLs of each target, chosen from the registry in the database."""
    from django.db.models import Count

    from links.models import Link
    from places.models import Place

    # Their canonical URLs (with the slug): a bare /links/ID/ answers a redirect, which is not the page.
    with_parties = Link.objects.prefetch_related("parties__place", "parties__institution")
    picked = list(Link.objects.order_by("?").values_list("pk", flat=True)[:200])
    links = [link.get_absolute_url() for link in with_parties.filter(pk__in=picked)]
    busiest = [place.get_absolute_url() for place in Place.objects.annotate(n=Count("parties")).order_by("-n")[:20]]
    return {
        "search page": [
            "/search?country=GB", "/search?country=GB&partner_country=FR", "/search?q=berlin",
            "/search?country=DE&status=active&page=2", "/search?country=GB&as_of=2022-12-31&status=paused",
        ],
        "link page": links,
        "place page (most links)": busiest,
        "API list": [
            "/api/v1/links?country=GB", "/api/v1/links?country=FR&partner_country=DE",
            "/api/v1/links?q=berlin", "/api/v1/links?status=ended&limit=50",
        ],
        "statistics page": ["/statistics/", "/statistics/?country=DE", "/statistics/?as_of=2022-12-31"],
        "static file (search page size)": [search_sized_static],
    }  # fmt: skip


def wrk(port: int, paths: list[str], connections: int, duration: int, script: Path) -> dict:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script)]
    run = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        env=os.environ | {"WRK_PATHS": "\n".join(paths)},
        check=True,
    )
    line = next(line for line in run.stdout.splitlines() if line.startswith("JSON"))
    figures = json.loads(line[4:])
    figures["requests_per_s"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread); 1: sync workers")
    parser.add_argument(
        "--cache",
        choices=["locmem", "db"],
        default="locmem",
        help="locmem: each worker's own memory (shared by its threads); db: one cache for all",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (Debian's package).")

    environment = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "API_ANON_RATE": "100000000/min",  # the load test is not an abuser
        # locmem: each worker process's threads share one cache in memory (fast; each worker
        # fills its own); db: one cache for all workers (filled once; a query per read).
        "CACHE_URL": args.cache,
        "DJANGO_SETTINGS_MODULE": "twinning_hub.settings",
    }
    os.environ.update(environment)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from links.models import Link

    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    client = Client(HTTP_HOST="localhost", headers={"X-Forwarded-Proto": "https"})
    page = client.get("/search?country=GB", secure=True)
    if page.status_code != 200:
        sys.exit(f"/search answered {page.status_code}: is the database migrated and loaded?")
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "search-sized.html").write_bytes(b"x" * len(page.content))
    paths_by_target = targets(f"/{settings.STATIC_URL.strip('/')}/bench/search-sized.html")
    figures: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "database": connection.vendor,
        "links": Link.objects.count(),
        "server": f"gunicorn {args.workers}×{args.threads}, {args.cache} cache, DEBUG=false, whitenoise",
        "search_page_bytes": len(page.content),
        "wrk_seconds_per_run": args.duration,
        "targets": {},
    }
    connection.close()

    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "twinning_hub.wsgi", "--workers", str(args.workers),
         "--threads", str(args.threads), "--worker-class", "gthread" if args.threads > 1 else "sync",
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=environment, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/static/bench/search-sized.html", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        for name, paths in paths_by_target.items():
            for path in paths:  # every variant once, untimed: the caches are shared, so that warms them
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"http://127.0.0.1:{args.port}{path}",
                        headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
                    ),
                    timeout=120,
                ).read()
            wrk(args.port, paths, 8, 5, Path(script.name))  # and, spread over the workers, theirs; untimed
            single = wrk(args.port, paths, 1, args.duration, Path(script.name))
            loaded = wrk(args.port, paths, args.connections, args.duration, Path(script.name))
            figures["targets"][name] = {"single_client": single, f"{args.connections}_connections": loaded}
            print(
                f"{name:32} 1 client p50 {single['p50_ms']:7.1f} p95 {single['p95_ms']:7.1f}"
                f" p99 {single['p99_ms']:7.1f} ms"
                f" | {args.connections} conns {loaded['requests_per_s']:8.1f} req/s p95 {loaded['p95_ms']:7.1f} ms"
                f" non-2xx {single['non_2xx'] + loaded['non_2xx']}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    failed = {
        name: result["single_client"]["non_2xx"] + result[f"{args.connections}_connections"]["non_2xx"]
        for name, result in figures["targets"].items()
    }
    if any(failed.values()):
        sys.exit(f"Some answers were not 2xx, so these figures mean nothing: {failed}")
    static = figures["targets"]["static file (search page size)"][f"{args.connections}_connections"]["requests_per_s"]
    if not static:
        sys.exit("The static file was never served: see the server's messages above.")
    for name, result in figures["targets"].items():
        result["share_of_static_throughput"] = round(
            result[f"{args.connections}_connections"]["requests_per_s"] / static, 3
        )
        print(f"{name:32} {result['share_of_static_throughput']:6.1%} of the static file's throughput")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
