"""Load benchmark (not a test): the production server on PostgreSQL and Redis, full-size data.

    make bench          # or: .venv/bin/python bench/load_benchmark.py [--duration 10]

Fills the benchmark database at full size on the first run (bench/common.py), collects the
static files, starts gunicorn with the repository's configuration (intranet/gunicorn.conf.py)
on a loopback port with Redis for the cache and sessions, logs in over HTTP as a member of a
group, that group's facilitator and a board member, then loads each page with wrk (Debian's
package) at concurrency 1, 8 and 32. A minimal Django view served the same way is the ceiling.
Prints one table (requests per second, p50, p95, p99, throughput as a fraction of the
ceiling at the same concurrency, SQL queries per request) and the peak memory of each worker,
and writes the figures to artifacts/bench/load.json. Then loads the same pages at concurrency 8
from a server whose page cache is off (every request rendered) and prints both columns side by
side, each as a share of its own run's ceiling, against issue 20's targets
(artifacts/bench/both.json).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, configure, ensure_full_size_data
from tests.http_client import HOST, RawClient

CONCURRENCY = (1, 8, 32)
TARGET_P95_MS = {"member": 100, "search": 150, "search-new": 150, "moderation": 300}
#: Issue 20's targets at concurrency 8, as (least share of the ceiling, highest p95 in ms), for each
#: kind of page: served from the page cache, and rendered (PAGE_CACHE_SECONDS=0).
TARGETS_CACHED = {"member": (0.15, 40), "search": (0.15, 40)}
TARGETS_RENDERED = {"member": (0.04, 150), "search": (0.04, 150), "search-new": (0.03, 150)}
TARGETS_RENDERED |= {"moderation": (0, 300), "admin": (0, 300)}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and concurrency")
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--only", help="run only the targets whose name contains this text")
    return parser.parse_args()


# Picking the people and the pages, in this process, from the benchmark database


def pick_targets():
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from documents.models import AccessRequest
    from workinggroups.choices import MembershipRole
    from workinggroups.models import (
        MeetingReportPage,
        ProgrammePage,
        RecommendationPage,
        WorkingGroupMembership,
        WorkingGroupPage,
    )

    # The member: a plain member (in no working group, so one of the many who share cached
    # pages) who was granted access to one document of minutes, which they download.
    grant = (
        AccessRequest.objects.active()
        .filter(document__isnull=False, requester__working_group_memberships=None)
        .exclude(requester__groups__name__in=[settings.BOARD_GROUP_NAME, settings.EDITORS_GROUP_NAME])
        .select_related("requester", "document")
        .order_by("pk")
        .first()
    )
    member, minutes = grant.requester, grant.document
    group = WorkingGroupPage.objects.get(pk=minutes.working_group_id)
    programme = ProgrammePage.objects.parent_of(group).get()
    facilitator = (
        WorkingGroupMembership.objects.filter(page=group, role=MembershipRole.FACILITATOR).first().user
    )
    board_members = get_user_model().objects.filter(groups__name=settings.BOARD_GROUP_NAME)
    board = board_members.order_by("username").first()
    report = MeetingReportPage.objects.live().descendant_of(group).order_by("-date", "-pk").first()
    recommendation = RecommendationPage.objects.live().descendant_of(group).order_by("number").first()
    people = {"member": member, "facilitator": facilitator, "board": board}
    targets = [
        ("ceiling (minimal view)", None, "/bench/ceiling", "ceiling"),
        ("frame (base template, no content)", "member", "/bench/frame", "frame"),
        ("home", "member", "/", "member"),
        ("programme", "member", programme.url, "member"),
        ("working group", "member", group.url, "member"),
        ("meeting report", "member", report.url, "member"),
        ("recommendation", "member", recommendation.url, "member"),
        ("tracker, filtered", "member", f"{programme.url}recommandations/?statut=adopted", "member"),
        ("search, a query asked before", "member", "/search/?q=gouvernance", "search"),
        ("search, every query new", "member", "/search/?q=gouvernance", "search-new"),
        ("minutes download", "member", minutes.url, "member"),
        ("admin dashboard, facilitator", "facilitator", "/admin/", "admin"),
        ("admin dashboard, board", "board", "/admin/", "moderation"),
        ("moderation listing, board", "board", "/admin/moderation/", "moderation"),
        ("moderation listing, facilitator", "facilitator", "/admin/moderation/", "admin"),
    ]
    return people, targets


# The server


def start_server(port, redis_url, page_cache=True):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": redis_url,
        **({} if page_cache else {"PAGE_CACHE_SECONDS": "0"}),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling: the peak memory measured is the real one
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "intranet" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            status, _headers, _body = RawClient(port).get("/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in 60 s")


def worker_memory(server):
    """Resident memory now (RSS), its peak (VmHWM) and proportional share (PSS) of each worker, in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    figures = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(re.search(r"Pss:\s+(\d+) kB", rollup).group(1)) / 1024
        figures.append(
            {"pid": int(pid), "rss_mb": round(rss), "peak_rss_mb": round(peak), "pss_mb": round(pss)}
        )
    return figures


def log_in(port, username, password):
    client = RawClient(port)
    status = client.log_in(username, password)
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"Logging in as {username} failed ({status})")
    return client.cookies


# Load


def wrk_script(unique_urls):
    """The Lua script given to wrk: the report, and for ``unique_urls`` a new URL per request."""
    here = Path(__file__).parent
    script = (here / "wrk_report.lua").read_text()
    if unique_urls:
        script += "\n" + (here / "wrk_unique.lua").read_text()
    path = ROOT / "artifacts" / "bench" / ("wrk_unique.lua" if unique_urls else "wrk_report.lua")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    return path


def wrk(port, path, cookies, concurrency, duration, unique_urls=False):
    command = [
        "wrk",
        f"-t{min(concurrency, 2)}",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(wrk_script(unique_urls)),
    ]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "rps": figures["requests"] / seconds,
        "p50": figures["p50"] / 1000,
        "p95": figures["p95"] / 1000,
        "p99": figures["p99"] / 1000,
        "requests": figures["requests"],
        "errors": figures["non_2xx_3xx"] + figures["socket_errors"],
    }


def machine():
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    cpu = cpu.group(1).strip() if cpu else "?"
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024**2
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB"


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install wrk (Debian's package)")
    configure("bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    ensure_full_size_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    people, targets = pick_targets()
    if args.only:
        targets = [t for t in targets if t[3] in ("ceiling", "frame") or args.only in t[0]]

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # a cold, private cache database for this run
    from django.db import connections

    connections.close_all()
    server = start_server(args.port, args.redis_url)
    try:
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        sessions = {role: log_in(args.port, user.username, password) for role, user in people.items()}
        print(f"Machine: {machine()}; gunicorn workers: {len(worker_memory(server))}", flush=True)
        queries = {}
        for name, role, path, kind in targets:
            client = RawClient(args.port, sessions.get(role))
            counts = []
            for _ in range(2):  # rendered, then (for cached pages) from the cache
                status, headers, _body = client.get(path)
                if status != 200:
                    raise SystemExit(f"{name}: {path} answered {status} for the {role}")
                counts.append(int(headers.get("X-Bench-Queries", "0")))
            queries[name] = counts
            # Warm every worker's caches and connections.
            wrk(args.port, path, sessions.get(role), 8, 2, unique_urls=kind == "search-new")
        results = {}
        for concurrency in CONCURRENCY:
            for name, role, path, kind in targets:
                figures = wrk(
                    args.port, path, sessions.get(role), concurrency, args.duration, kind == "search-new"
                )
                results[(name, concurrency)] = figures
                errors = f"  {figures['errors']} errors" if figures["errors"] else ""
                print(
                    f"  c={concurrency:<2} {name:<34} {figures['rps']:7.1f} req/s"
                    f"  p95 {figures['p95']:6.1f} ms{errors}",
                    flush=True,
                )
        memory = worker_memory(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rendered = render_without_cache(args, people, targets)
    report(targets, results, queries, memory)
    report_both(targets, results, rendered)


def render_without_cache(args, people, targets):
    """The same pages at concurrency 8 from a server whose page cache is off (PAGE_CACHE_SECONDS=0):
    what the first reader after a change, and everyone whose rights are unusual, wait for. The
    ceiling is measured again on that server, for the shares of this column."""
    server = start_server(args.port, args.redis_url, page_cache=False)
    results = {}
    try:
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        sessions = {role: log_in(args.port, user.username, password) for role, user in people.items()}
        for name, role, path, kind in targets:
            wrk(args.port, path, sessions.get(role), 8, 2, unique_urls=kind == "search-new")
            figures = wrk(args.port, path, sessions.get(role), 8, args.duration, kind == "search-new")
            results[name] = figures
            print(
                f"  rendered, c=8 {name:<34} {figures['rps']:7.1f} req/s  p95 {figures['p95']:6.1f} ms",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def report_both(targets, cached, rendered):
    """Both columns side by side at concurrency 8, each as a share of its own run's ceiling."""
    lines = [
        "| page at concurrency 8 | cached | cached p95 ms | rendered | rendered p95 ms | targets |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    cached_ceiling = cached[("ceiling (minimal view)", 8)]["rps"]
    rendered_ceiling = rendered["ceiling (minimal view)"]["rps"]
    missed = []
    for name, _role, _path, kind in targets:
        if kind == "ceiling":
            continue
        one, two = cached[(name, 8)], rendered[name]
        share_one, share_two = one["rps"] / cached_ceiling, two["rps"] / rendered_ceiling
        checks = []
        if "download" in name:
            pass  # a file, not a page: no target of its own
        elif kind in TARGETS_CACHED:
            least, p95 = TARGETS_CACHED[kind]
            checks.append(share_one >= least and one["p95"] < p95)
        if kind in TARGETS_RENDERED and "download" not in name:
            least, p95 = TARGETS_RENDERED[kind]
            checks.append(share_two >= least and two["p95"] < p95)
        verdict = ("met" if all(checks) else "MISSED") if checks else ""
        if verdict == "MISSED":
            missed.append(name)
        lines.append(
            f"| {name} | {share_one:.1%} | {one['p95']:.0f} | {share_two:.1%} | {two['p95']:.0f}"
            f" | {verdict} |"
        )
    print(
        f"\nCeiling at concurrency 8: {cached_ceiling:.0f} req/s (cached run), "
        f"{rendered_ceiling:.0f} (rendered run)"
    )
    print("\n".join(lines))
    print("Issue 20's targets missed: " + (", ".join(missed) if missed else "none"))
    out = ROOT / "artifacts" / "bench" / "both.json"
    out.write_text(
        json.dumps({"cached": {n: cached[(n, 8)] for n, *_ in targets}, "rendered": rendered}, indent=2)
    )


def report(targets, results, queries, memory):
    lines = [
        "| page | queries (rendered / cached) | c | req/s | p50 ms | p95 ms | p99 ms | of ceiling | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    missed = []
    for name, _role, _path, kind in targets:
        for concurrency in CONCURRENCY:
            figures = results[(name, concurrency)]
            ceiling = results[("ceiling (minimal view)", concurrency)]["rps"]
            fraction = figures["rps"] / ceiling
            verdict = ""
            if concurrency == 8 and kind != "ceiling":
                limit = TARGET_P95_MS.get(kind)
                checks = []
                if limit:
                    checks.append(figures["p95"] < limit)
                if kind == "member":
                    checks.append(fraction >= 0.05)
                if checks:
                    verdict = "met" if all(checks) else "MISSED"
                    if verdict == "MISSED":
                        missed.append(name)
            if figures["errors"]:
                verdict += f" ({figures['errors']} errors)"
            rendered, again = queries[name]
            counted = f"{rendered} / {again}" if again != rendered else str(rendered)
            lines.append(
                f"| {name} | {counted} | {concurrency} | {figures['rps']:.0f} | {figures['p50']:.0f} "
                f"| {figures['p95']:.0f} | {figures['p99']:.0f} | {fraction:.1%} | {verdict} |"
            )
    print("\n" + "\n".join(lines))
    print(
        "\nWorker memory (MB): "
        + ", ".join(f"peak RSS {m['peak_rss_mb']} / PSS {m['pss_mb']}" for m in memory)
        + f"; largest peak {max(m['peak_rss_mb'] for m in memory)} MB."
    )
    print("Targets missed: " + (", ".join(missed) if missed else "none"))
    out = ROOT / "artifacts" / "bench" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(),
                "results": [
                    {"page": name, "concurrency": c, "queries": queries[name], **results[(name, c)]}
                    for name, _role, _path, _kind in targets
                    for c in CONCURRENCY
                ],
                "workers": memory,
            },
            indent=2,
        )
    )
    print(f"Figures written to {out.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
