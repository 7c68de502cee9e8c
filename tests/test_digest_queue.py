"""The daily digest through a real Celery worker, a real Redis and a real SMTP conversation: a worker
killed while the digests are being written, then restarted, leaves every person with exactly one
digest, which lists what is theirs."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.utils import timezone

from mailing.models import OutgoingEmail
from notifications import events
from notifications.choices import Kind
from notifications.models import Delivery, Event, Notification
from notifications.tasks import send_digest_batch, send_digests

from .factories import ProgrammePageFactory, make_working_group, publish_recommendation
from .servers import Worker, wait_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker shares the PostgreSQL test database: run with DATABASE_URL (CI does)",
    ),
    pytest.mark.slow,
    pytest.mark.xdist_group("task queue"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = 300
BATCH = 150  # two digest tasks, one per worker process
TITLES = [f"Charte {n:02d} CANARIDIGEST" for n in range(12)]


def their_titles(index):
    """Three of the twelve recommendations, a different set from one person to the next."""
    return {TITLES[index % 12], TITLES[(index + 3) % 12], TITLES[(index + 7) % 12]}


def people_with_news(home):
    """``PEOPLE`` people, each with three undelivered notifications of published recommendations
    (wanted in the daily digest, the default), written in bulk. Returns ``{email: titles}``."""
    with events.quiet():  # the pages' own events would reach their group's members: not this test's
        programme = ProgrammePageFactory(parent=home, title="Programme", slug="programme")
        group = make_working_group(programme, members=1, title="Le groupe", slug="groupe")
        pages = [publish_recommendation(group, n + 1, title).recommendation for n, title in enumerate(TITLES)]
    an_hour_ago = timezone.now() - timedelta(hours=1)
    news = Event.objects.bulk_create(
        Event(kind=Kind.RECOMMENDATION, page=page, created_at=an_hour_ago, announced_at=an_hour_ago)
        for page in pages
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"lectrice-{n:03d}", email=f"lectrice-{n:03d}@example.org", password="!")
        for n in range(PEOPLE)
    )
    Notification.objects.bulk_create(
        Notification(user=user, event=event, kind=event.kind, created_at=an_hour_ago)
        for index, user in enumerate(users)
        for event in news
        if TITLES[pages.index(event.page)] in their_titles(index)
    )
    return {user.email: their_titles(index) for index, user in enumerate(users)}


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_worker_killed_in_the_middle_of_a_digest_run_and_restarted_sends_each_person_one_digest(
    home, worker_env, sink, tmp_path
):
    expected = people_with_news(home)
    env = {**worker_env, "DIGEST_BATCH": str(BATCH)}
    worker = Worker(env, tmp_path / "first.log")
    try:
        send_digests.delay("daily")
        # Killed as soon as a few digests are written: both batches are being written (one per
        # worker process), and a batch sends its emails only once it has written them all
        # (mailing.queue.delivered_together). So the kill lands while digests are being built, never
        # between the mail server accepting an email and the outbox marking it sent: the outbox's
        # one documented window, where an email may go twice (mailing/delivery.py), is
        # tests/test_task_queue.py's subject, not this test's. The two assertions after the kill
        # check that this is what happened.
        wait_for(lambda: Delivery.objects.count() >= 10, 60, f"a few digests; worker log:\n{worker.log()}")
    finally:
        worker.kill()
    at_the_kill = Delivery.objects.count()
    assert at_the_kill < PEOPLE, "the run finished before the worker was killed: nothing was tested"
    assert sink.recipients() == [], "an email went out before the kill (meant to land in the digests)"
    assert not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.PENDING).exists()

    # The killed worker's two batches stay unacknowledged in Redis until its visibility timeout (an
    # hour), then the broker hands them back; the emails they wrote wait in the outbox for the sweep.
    # Here the broker hands back the first batch at once (rebuilt: the run's first hundred and fifty
    # people) just as the run is queued again (as beat or an operator would): the run's own first
    # batch names the same people, and the two are written at the same time by the two worker
    # processes. Only the delivery's constraint, in the transaction that writes the email, keeps
    # each person to one.
    first_batch = sorted(get_user_model().objects.filter(email__in=expected).values_list("pk", flat=True))
    send_digest_batch.delay("daily", timezone.now().isoformat(), first_batch[:BATCH])
    send_digests.delay("daily")
    restarted = Worker(env, tmp_path / "second.log")
    try:
        wait_for(
            lambda: (
                Delivery.objects.count() >= PEOPLE
                and not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()
                and len(sink.recipients()) >= PEOPLE
            ),
            120,
            f"every digest; worker log:\n{restarted.log()}",
        )
        time.sleep(3)  # a sweep's time (two seconds here) for an email sent twice to arrive
    finally:
        restarted.kill()

    User = get_user_model()
    people = dict(User.objects.filter(email__in=expected).values_list("pk", "email"))
    deliveries = list(Delivery.objects.values_list("user_id", "period", "items"))
    assert Counter(user_id for user_id, _period, _items in deliveries) == Counter(list(people))
    assert len({period for _user, period, _items in deliveries}) == 1
    assert {items for _user, _period, items in deliveries} == {3}
    assert not Notification.objects.filter(delivery=None).exists()
    assert not Notification.objects.exclude(delivery__user_id=F("user_id")).exists()
    assert Counter(sink.recipients()) == Counter(list(expected))
    for (to,), message in sink.messages:
        listed = {title for title in TITLES if title in text_of(message)}
        assert listed == expected[to], to
        assert "3" in message["Subject"]
    print(f"\nkilled after {at_the_kill} of {PEOPLE} digests; every person got one")
