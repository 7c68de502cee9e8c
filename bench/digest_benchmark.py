"""The weekly digest benchmark (not a test): every member's digest through a real worker to an SMTP server.

    make bench-digest   # or: .venv/bin/python bench/digest_benchmark.py [sizes...]

On the full-size data (bench/common.py fills the benchmark database once), for each size N (default
5,000 and 35,000, every member): the first N members get a handful of undelivered notifications for
the weekly digest, written in bulk as the announcements would have written them: the last week's
events of their working groups (two meeting reports, a recommendation and a board position each),
or of one group for a member of none (as if they followed it), with the weekly digest chosen for
those kinds. Then a real Celery worker (``celery -A bench.digest_worker worker --concurrency 2``, the
intranet's app counting each task's queries) and beat beside it, as ``make worker`` runs them, on a
private redis-server, send the weekly digest as beat does on Mondays
(``notifications.tasks.send_digests``): one task per DIGEST_BATCH people writes their digests into
the outbox, then sends them over SMTP to an aiosmtpd sink on a loopback port, which counts what it
receives.

Prints, for each size: the digests and their mean number of items; seconds from queueing the run
until the last digest was written ("written s") and until the last email reached the sink ("last
email"); emails a second (over the latter); SQL queries per email (every query of every task the
worker ran, from planning the run to the last email, divided by the emails: Django's
``execute_wrapper``, so savepoints count and the connection's own BEGIN, COMMIT and health check
do not); the batch tasks; and memory in MB: the peak resident memory (VmHWM) of the worker's main
process and of the larger of its two worker processes, that worker process at rest before the run,
and the largest total over the three, sampled twice a second, resident (RSS, counting the pages
they share three times) and proportional (PSS, counting them once). Checks that each person got
exactly one email and one delivery row.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller

from bench.common import ROOT, configure, ensure_full_size_data
from tests.servers import RedisServer, free_ports

SIZES = (5_000, 35_000)
#: What marks this benchmark's events (and, by cascade, their notifications) in the benchmark database.
MARK = "digest-benchmark"
TIMEOUT = 30 * 60


class CountingSink:
    """An SMTP server that accepts everything and keeps only who each message was for, and when."""

    def __init__(self):
        self.lock = threading.Lock()
        self.recipients = []
        self.last = None
        self.controller = Controller(self, hostname="127.0.0.1", port=free_ports(1)[0])
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients += envelope.rcpt_tos
            self.last = time.monotonic()
        return "250 Message accepted for delivery"

    def count(self):
        with self.lock:
            return len(self.recipients)

    def clear(self):
        with self.lock:
            self.recipients, self.last = [], None

    def stop(self):
        self.controller.stop()


# The data: notifications for the weekly digest, in bulk


def prepare(size, now):
    """Give the first ``size`` members their week's notifications; remove the last run's. Returns
    ``(people, notifications)``."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from mailing.models import OutgoingEmail
    from notifications.choices import Frequency, Kind
    from notifications.delivery import period_key
    from notifications.models import Delivery, Event, Notification, Preference
    from workinggroups.choices import Fact
    from workinggroups.models import (
        BoardDecisionHistory,
        MeetingReportPage,
        RecommendationPage,
        WorkingGroupMembership,
        WorkingGroupPage,
    )

    Event.objects.filter(data__bench=MARK).delete()  # their notifications go with them
    Delivery.objects.filter(period=period_key(Frequency.WEEKLY, now)).delete()
    OutgoingEmail.objects.all().delete()  # the benchmark database's outbox: this benchmark's emails

    events = {}
    for day, group in enumerate(WorkingGroupPage.objects.live().order_by("path")):
        when = now - timedelta(days=1 + day % 6, hours=day % 24)
        reports = MeetingReportPage.objects.live().child_of(group).order_by("-date")[:2]
        recommendations = list(RecommendationPage.objects.live().child_of(group).order_by("number")[:2])
        changes = BoardDecisionHistory.objects.filter(decision__recommendation=recommendations[1])
        change = changes.filter(fact=Fact.POSITION).order_by("-changed_at").first()
        events[group.pk] = [
            *(Event(kind=Kind.REPORT, page=report) for report in reports),
            Event(kind=Kind.RECOMMENDATION, page=recommendations[0]),
            Event(kind=Kind.POSITION, page=recommendations[1], decision_change=change),
        ]
        for event in events[group.pk]:
            event.created_at = event.announced_at = when
            event.data = {"bench": MARK}
    Event.objects.bulk_create([event for group in events.values() for event in group])

    User = get_user_model()
    people = list(
        User.objects.filter(username__startswith="scale-user-", is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    chosen = set(people)
    groups_of = {}
    for user_id, group_id in WorkingGroupMembership.objects.values_list("user_id", "page_id"):
        if user_id in chosen and group_id in events:
            groups_of.setdefault(user_id, []).append(group_id)
    group_ids = list(events)
    notifications = [
        Notification(user_id=user_id, event=event, kind=event.kind, created_at=event.created_at)
        for index, user_id in enumerate(people)
        for group_id in groups_of.get(user_id) or [group_ids[index % len(group_ids)]]
        for event in events[group_id]
    ]
    Notification.objects.bulk_create(notifications, batch_size=5000, ignore_conflicts=True)
    Preference.objects.bulk_create(
        [
            Preference(user_id=user_id, kind=kind, frequency=Frequency.WEEKLY)
            for user_id in people
            for kind in (Kind.REPORT, Kind.RECOMMENDATION, Kind.POSITION)
        ],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["frequency"],
    )
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum would leave them
        cursor.execute("ANALYZE notifications_notification, notifications_preference, notifications_event")
    return len(people), len(notifications)


# The worker and its memory


def start_worker(env, log_path, beat=False):
    command = [sys.executable, "-m", "celery", "-A", "bench.digest_worker"]
    if beat:
        command += ["beat", "--schedule", str(log_path.with_suffix(".schedule"))]
    else:
        command += ["worker", "--concurrency", "2"]
    command += ["--loglevel", "WARNING"]
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the worker
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return process, log


def stop_worker(process, log):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log.close()


def _kb(text, field):
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def memory(pid):
    """``{pid: (RSS, peak RSS, PSS)}`` in MB for the worker's main process and each of its children."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return {}
    figures = {}
    for each in [str(pid), *children]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
            rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        except OSError:
            continue  # a process that just ended
        figures[int(each)] = tuple(
            value / 1024 for value in (_kb(status, "VmRSS"), _kb(status, "VmHWM"), _kb(rollup, "Pss"))
        )
    return figures


# One run


def run(size, redis_url, sink, env):
    import redis
    from django.db.models import Avg, Max
    from django.utils import timezone

    from notifications.choices import Frequency
    from notifications.delivery import period_key
    from notifications.models import Delivery
    from notifications.tasks import send_digests

    now = timezone.now()
    started = time.monotonic()
    people, notifications = prepare(size, now)
    print(
        f"  {size:,}: {people:,} people, {notifications:,} notifications written in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    counts = redis.Redis.from_url(redis_url)
    counts.flushdb()  # the last run's counts (a database of the private redis-server's own)
    sink.clear()
    log_path = ROOT / "artifacts" / "bench" / f"digest-worker-{size}.log"
    # Beat beside it, as in production (make worker): its outbox sweep would queue again any email
    # left waiting for more than a minute.
    beat = start_worker(env, log_path.with_suffix(".beat.log"), beat=True)
    worker, log = start_worker(env, log_path)
    try:
        deadline = time.monotonic() + 120
        while not counts.get("bench:ready"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start: {log_path}")
            time.sleep(0.2)
        at_rest = memory(worker.pid)
        peak_sum_rss = peak_sum_pss = 0
        load = []
        queued_at = timezone.now()
        started = time.monotonic()
        send_digests.delay(Frequency.WEEKLY)
        while sink.count() < people:
            if worker.poll() is not None:
                raise SystemExit(f"the worker stopped: {log_path}")
            if time.monotonic() - started > TIMEOUT:
                raise SystemExit(f"{sink.count():,} of {people:,} emails after {TIMEOUT} s: {log_path}")
            now_figures = memory(worker.pid).values()
            peak_sum_rss = max(peak_sum_rss, sum(rss for rss, _hwm, _pss in now_figures))
            peak_sum_pss = max(peak_sum_pss, sum(pss for _rss, _hwm, pss in now_figures))
            load.append(os.getloadavg()[0])
            time.sleep(0.5)
        last_email = sink.last - started
        time.sleep(2)  # anything sent twice would arrive now
        final = memory(worker.pid)
    finally:
        stop_worker(worker, log)
        stop_worker(*beat)
    deliveries = Delivery.objects.filter(period=period_key(Frequency.WEEKLY, now))
    figures = deliveries.aggregate(items=Avg("items"), last=Max("created_at"))
    queries = {name.decode(): int(value) for name, value in counts.hgetall("bench:queries").items()}
    tasks = {name.decode(): int(value) for name, value in counts.hgetall("bench:tasks").items()}
    received = Counter(sink.recipients)
    main_pid = worker.pid
    children = [figures for pid, figures in final.items() if pid != main_pid]
    return {
        "size": size,
        "people": people,
        "digests": deliveries.count(),
        "emails": sink.count(),
        "twice": sum(1 for count in received.values() if count > 1),
        "items": figures["items"] or 0,
        "written_s": (figures["last"] - queued_at).total_seconds() if figures["last"] else 0,
        "last_email_s": last_email,
        "queries": queries,
        "tasks": tasks,
        "main_mb": final.get(main_pid, (0, 0, 0))[1],
        "process_mb": max((hwm for _rss, hwm, _pss in children), default=0),
        "process_rest_mb": max((rss for pid, (rss, _h, _p) in at_rest.items() if pid != main_pid), default=0),
        "sum_rss_mb": peak_sum_rss,
        "sum_pss_mb": peak_sum_pss,
        "load": sum(load) / max(len(load), 1),
    }


HEADINGS = (
    ("members", 7),
    ("digests", 8),
    ("items", 6),
    ("written s", 10),
    ("last email", 10),
    ("emails/s", 9),
    ("q/email", 8),
    ("batches", 8),
    ("main MB", 8),
    ("worker MB", 10),
    ("at rest", 8),
    ("sum RSS", 8),
    ("sum PSS", 8),
)


def report(result):
    queries, tasks = result["queries"], result["tasks"]
    emails = result["emails"]
    values = (
        f"{result['size']:,}",
        f"{result['digests']:,}",
        f"{result['items']:.1f}",
        f"{result['written_s']:.0f}",
        f"{result['last_email_s']:.0f}",
        f"{emails / result['last_email_s']:.0f}",
        f"{sum(queries.values()) / emails:.2f}",
        f"{tasks.get('notifications.tasks.send_digest_batch', 0)}",
        f"{result['main_mb']:.0f}",
        f"{result['process_mb']:.0f}",
        f"{result['process_rest_mb']:.0f}",
        f"{result['sum_rss_mb']:.0f}",
        f"{result['sum_pss_mb']:.0f}",
    )
    print(" ".join(f"{value:>{width}}" for value, (_name, width) in zip(values, HEADINGS, strict=True)))
    if result["digests"] != result["people"] or emails != result["people"] or result["twice"]:
        print(
            f"        NOT ONE EACH: {result['people']:,} people, {result['digests']:,} delivery rows, "
            f"{emails:,} emails, {result['twice']:,} people emailed twice",
            flush=True,
        )
    print(f"        queries by task: {queries}; tasks: {tasks}", flush=True)
    print(f"        load average during the run (this run's own processes included): {result['load']:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=SIZES, help="members given a digest")
    sizes = parser.parse_args().sizes
    configure("intranet.settings.production")
    workdir = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    broker = RedisServer(workdir)
    sink = CountingSink()
    # Before Django reads its settings: the tasks this process queues go to the broker, not run here.
    os.environ["CELERY_BROKER_URL"] = broker.url
    counts_url = broker.url.rsplit("/", 1)[0] + "/1"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker.url,
        "BENCH_COUNTS_URL": counts_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.controller.port),
        "LOG_LEVEL": "WARNING",
    }
    (ROOT / "artifacts" / "bench").mkdir(parents=True, exist_ok=True)
    try:
        import django

        django.setup()
        ensure_full_size_data()
        print("Preparing each size, then sending its weekly digest:", flush=True)
        results = [run(size, counts_url, sink, env) for size in sizes]
        print()
        print(" ".join(f"{name:>{width}}" for name, width in HEADINGS))
        for result in results:
            report(result)
    finally:
        sink.stop()
        broker.stop()


if __name__ == "__main__":
    main()
