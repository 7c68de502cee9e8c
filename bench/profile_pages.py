"""Where the time goes when a member page is rendered without the page cache (make profile).

On the full-size benchmark database (bench/common.py), in this process, with Django's test client:
each page of the load benchmark is requested as its person (a member of no group with a grant, a
group's facilitator, a board member) with ``PAGE_CACHE_SECONDS=0``, after two warm-up requests.
For each page it prints the mean time of a render, its SQL queries and their time, the share of the
time by area (SQL, the ORM, templates, rich text, Wagtail, our code, the rest), and the heaviest
calls, from pyinstrument (a sampling profiler from PyPI). The call trees are written to
artifacts/profile/<page>.txt, and the slowest query of each page with its plan (EXPLAIN ANALYZE).

The figures are for finding causes, not for comparing with bakerydemo: the load benchmark
(make bench) measures throughput under concurrency.
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import configure, ensure_full_size_data  # noqa: E402

OUT = ROOT / "artifacts" / "profile"
APPS = ("sitewide", "home", "workinggroups", "documents", "search", "notifications", "meetings", "privacy")
APPS += ("languages", "accounts", "mailing", "resilience")
#: Where a sample's time is counted: the first of these found in its stack, innermost first.
AREAS = [
    ("SQL", ("psycopg2", "django/db/backends")),
    ("ORM", ("django/db/models",)),
    ("rich text", ("wagtail/rich_text", "wagtail/fields", "html5lib", "bs4")),
    ("templates", ("django/template",)),
    ("Wagtail", ("wagtail/",)),
    ("our code", tuple(f"{ROOT}/{app}/" for app in APPS)),
    ("Django, other", ("django/",)),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20, help="renders profiled per page")
    parser.add_argument("--only", help="profile only the pages whose name contains this text")
    return parser.parse_args()


def area_of(frame_path):
    for name, markers in AREAS:
        if any(marker in frame_path for marker in markers):
            return name
    return "other"


def shares(session):
    """Seconds per area: each sample's self time goes to the innermost frame's area, except that a
    frame inside a known area counts for the outermost of our areas that holds it (SQL inside the
    ORM inside a template tag counts as SQL)."""
    from pyinstrument.processors import remove_importlib

    totals = Counter()
    root = session.root_frame()
    if root is None:
        return totals
    root = remove_importlib(root, options={})

    def walk(frame, inherited):
        own = frame.total_self_time
        here = area_of(frame.file_path or "")
        area = here if here in ("SQL", "ORM", "rich text", "templates") else (inherited or here)
        if here == "SQL":
            area = "SQL"
        totals[area] += own
        for child in frame.children:
            walk(child, area if here in ("SQL", "ORM", "rich text", "templates") else inherited)

    walk(root, None)
    return totals


def heaviest(session, limit=8):
    """The project's own functions by the time spent inside them (what they call included), each
    counted once per stack: where in our code the time starts."""
    totals = Counter()
    ours = tuple(f"{ROOT}/{app}/" for app in APPS)

    def walk(frame, seen):
        path = frame.file_path or ""
        key = f"{frame.function} ({_short(path)}:{frame.line_no})"
        # Middleware (__call__) wraps every request whole: it says nothing of where the time goes.
        if path.startswith(ours) and frame.function != "__call__" and key not in seen:
            totals[key] += frame.time
            seen = seen | {key}
        for child in frame.children:
            walk(child, seen)

    root = session.root_frame()
    if root is not None:
        walk(root, frozenset())
    return totals.most_common(limit)


def _short(path):
    for marker in ("site-packages/", f"{ROOT}/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def main():
    args = parse_args()
    configure("bench.settings")
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from bench.load_benchmark import pick_targets

    ensure_full_size_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    people, targets = pick_targets()
    OUT.mkdir(parents=True, exist_ok=True)
    clients = {}
    for role, user in people.items():
        clients[role] = Client()
        clients[role].force_login(user)
    print(f"{'page':<34} {'ms':>7} {'queries':>7} {'SQL ms':>7}  areas (share of the render)")
    for name, role, path, kind in targets:
        if role is None or kind == "search-new" or "download" in name:
            continue
        if args.only and args.only not in name:
            continue
        client = clients[role]
        for _ in range(2):
            assert client.get(path).status_code == 200, (name, path)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = captured.captured_queries
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        for _ in range(args.renders):
            client.get(path)
        profiler.stop()
        mean_ms = (time.perf_counter() - started) * 1000 / args.renders
        session = profiler.last_session
        areas = shares(session)
        total = sum(areas.values()) or 1
        split = ", ".join(f"{area} {seconds / total:.0%}" for area, seconds in areas.most_common(5))
        print(f"{name:<34} {mean_ms:7.1f} {len(queries):7d} {sql_ms:7.1f}  {split}", flush=True)
        for function, seconds in heaviest(session):
            print(f"      {seconds * 1000 / args.renders:6.1f} ms  {function}")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        (OUT / f"{slug}.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        slowest = max(queries, key=lambda query: float(query["time"]), default=None)
        if slowest is not None:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            (OUT / f"{slug}.sql.txt").write_text(
                f"-- {float(slowest['time']) * 1000:.1f} ms\n{slowest['sql']}\n\n{plan}\n"
            )
    print(f"Call trees and the slowest query's plan of each page: {OUT}/")


if __name__ == "__main__":
    main()
