"""Soak benchmark (not a test): ten minutes of mixed traffic at concurrency 32, full-size data.

    make soak           # or: .venv/bin/python bench/soak_benchmark.py [--minutes 10]

The production server (gunicorn, bench/settings.py: production settings) on PostgreSQL and
Redis, with the benchmark database at full size (bench/common.py), workers never recycled so
that any growth of memory shows. wrk (Debian's package) sends, round-robin, the pages people
use: a member's home, programme, group, report, recommendation, filtered tracker, searches (some
new each time), minutes downloads, and the board's and a facilitator's admin screens; a thread
makes a moderation action every ten seconds (the board takes up one recommendation through the
decision form). Every minute it prints the throughput, p50/p95/p99, the errors and each worker's
memory; at the end, the totals. The figures of a run are in docs/performance.md.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, configure, ensure_full_size_data
from bench.load_benchmark import log_in, machine, pick_targets, start_server, worker_memory
from tests.http_client import HOST, RawClient

CONCURRENCY = 32


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--port", type=int, default=8802)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    return parser.parse_args()


def mixed_script(requests):
    """wrk's Lua: each connection takes the next (path, cookie) in turn; searches get a new word."""
    lines = ["local requests = {"]
    for path, cookies in requests:
        cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        lines.append(f"  {{{json.dumps(path)}, {json.dumps(cookie)}}},")
    lines += [
        "}",
        "local counter = 0",
        "request = function()",
        "  counter = counter + 1",
        "  local entry = requests[(counter % #requests) + 1]",
        "  local path = entry[1]",
        '  if string.find(path, "NEW") then',
        '    path = string.gsub(path, "NEW", "w" .. counter .. math.random(1e6))',
        "  end",
        '  return wrk.format("GET", path, {["Cookie"] = entry[2]})',
        "end",
    ]
    script = "\n".join(lines) + "\n" + (Path(__file__).parent / "wrk_report.lua").read_text()
    path = ROOT / "artifacts" / "bench" / "soak.lua"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    return path


def wrk_minute(port, script):
    command = ["wrk", "-t2", f"-c{CONCURRENCY}", "-d60s", "--timeout", "10s", "-s", str(script)]
    output = subprocess.run([*command, f"http://{HOST}:{port}/"], capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


class Moderation(threading.Thread):
    """The board takes up one received recommendation every ``interval`` seconds, in the admin."""

    def __init__(self, port, cookies, decisions, interval=10):
        super().__init__(daemon=True)
        self.port, self.cookies, self.decisions, self.interval = port, cookies, decisions, interval
        self.done, self.failed, self.stop = 0, [], threading.Event()

    def run(self):
        for pk in self.decisions:
            if self.stop.wait(self.interval):
                return
            client = RawClient(self.port, self.cookies)
            url = f"/admin/workinggroups/boarddecision/edit/{pk}/"
            status = client.get(url)[0]
            data = {"position": "under_analysis", "amended_text": "", "reasoning": "", "merged_into": ""}
            data.update({"position_note": "Mise à l'étude (soak)", "assembly_outcome": "pending"})
            data.update({"assembly_date": "", "assembly_note": "", "follow_up": "not_started"})
            data["progress"] = "0"
            answer = client.post(url, data)[0] if status == 200 else status
            if answer == 302:
                self.done += 1
            else:
                self.failed.append((pk, status, answer))


def main():
    args = parse_args()
    configure("bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from workinggroups.models import BoardDecision, BoardPosition

    ensure_full_size_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    people, targets = pick_targets()
    decisions = list(
        BoardDecision.objects.filter(position=BoardPosition.RECEIVED).values_list("pk", flat=True)[:200]
    )
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    connections.close_all()
    server = start_server(args.port, args.redis_url)
    try:
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        sessions = {role: log_in(args.port, user.username, password) for role, user in people.items()}
        requests = []
        for _name, role, path, kind in targets:
            if kind in ("ceiling", "frame"):
                continue
            if kind == "search-new":
                path = "/search/?q=NEW"
            requests.append((path, sessions.get(role)))
        script = mixed_script(requests)
        print(f"Machine: {machine()}; {len(worker_memory(server))} gunicorn workers; {len(requests)} URLs")
        print("minute  requests  req/s   p50 ms  p95 ms  p99 ms  max ms  errors  workers RSS/PSS MB")
        moderation = Moderation(args.port, sessions["board"], decisions)
        moderation.start()
        totals = {"requests": 0, "errors": 0, "p99": [], "max": 0}
        first_memory = None
        for minute in range(1, args.minutes + 1):
            figures = wrk_minute(args.port, script)
            errors = figures["non_2xx_3xx"] + figures["socket_errors"]
            memory = worker_memory(server)
            first_memory = first_memory or memory  # warmed up: the baseline for growth
            totals["requests"] += figures["requests"]
            totals["errors"] += errors
            totals["p99"].append(figures["p99"] / 1000)
            totals["max"] = max(totals["max"], figures["max"] / 1000)
            print(
                f"{minute:>6}  {figures['requests']:>8}  {figures['requests'] / 60:5.1f}  "
                f"{figures['p50'] / 1000:6.0f}  {figures['p95'] / 1000:6.0f}  {figures['p99'] / 1000:6.0f}  "
                f"{figures['max'] / 1000:6.0f}  {errors:>6}  "
                + " ".join(f"{m['rss_mb']}/{m['pss_mb']}" for m in memory),
                flush=True,
            )
        moderation.stop.set()
        moderation.join(timeout=30)
        last_memory = worker_memory(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    growth = [
        last["rss_mb"] - first["rss_mb"] for first, last in zip(first_memory, last_memory, strict=False)
    ]
    print(
        f"Total: {totals['requests']} requests, {totals['errors']} errors, "
        f"p99 per minute {min(totals['p99']):.0f}-{max(totals['p99']):.0f} ms, max {totals['max']:.0f} ms; "
        f"moderation actions {moderation.done} done, "
        f"{len(moderation.failed)} failed {moderation.failed[:3]}; "
        f"worker RSS growth from the first minute to the last: {growth} MB"
    )


if __name__ == "__main__":
    main()
