"""The page cache's content generation, kept in the database so that it never goes backwards.

Every key of the page cache holds the generation (sitewide/page_cache.py); every committed change
to what members see raises it. It used to live in Redis beside the copies it protects, which
left three ways to serve an old page: a change made while Redis was unreachable raised nothing
(the copies under the old generation were still there when Redis came back), an evicted or
restarted Redis started the count again at a value already used, and a Redis restored from an
older snapshot went back in time. In the database, the generation is lost only with the database.

The page cache raises it when a change is made and again once it is committed
(sitewide/page_cache.py). If the second raise fails (the database lost right after the commit),
copies rendered between the two may show the content as it was before the change, until they
expire (``PAGE_CACHE_SECONDS``, ten minutes by default); the failure is logged.

Values are microseconds since the epoch at the least: a database created, flushed or restored
from a backup starts above every value an earlier one used, so copies stored under those are
never read again (:func:`advance_past_now`, called on restore).

* **PostgreSQL**: a sequence. ``nextval`` takes no lock and is never rolled back, so a change
  being saved in a long transaction does not make every other writer wait for it, and two
  changes cannot deadlock on it. ``last_value`` is what every session sees.
* **SQLite**: one row of :class:`~sitewide.models.ContentGeneration`. SQLite has one writer at a
  time anyway, so the row costs no concurrency.

There are two generations and a value per scope (sitewide/scopes.py): ``all``, raised by every
change; ``shared``, raised by every change that may show beyond one programme's or working group's
pages; and each programme's and group's value (:class:`~sitewide.models.ScopeGeneration`), raised by
the changes that stay within its pages. A scope's value is a value of ``all``, taken when it is
raised, in a row added (never updated) in the change's transaction and again after it commits, when
the older rows are deleted. ``read()`` gives the three in one query.
"""

import time

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import ContentGeneration, ScopeGeneration

#: Raised by every change to what members see.
ALL = "all"
#: Raised by every change except those confined to one programme's or working group's pages
#: (sitewide/scopes.py): people, rights, restrictions, documents, the programmes and groups themselves.
SHARED = "shared"
SEQUENCES = {ALL: "sitewide_content_generation", SHARED: "sitewide_shared_generation"}
ROWS = {ALL: 1, SHARED: 2}
SEQUENCE, ROW = SEQUENCES[ALL], ROWS[ALL]


def _now_microseconds():
    return time.time_ns() // 1000


def _postgresql():
    return connection.vendor == "postgresql"


def current(counter=ALL):
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {SEQUENCES[counter]}")  # noqa: S608 - a constant name
            return cursor.fetchone()[0]
    value = ContentGeneration.objects.filter(pk=ROWS[counter]).values_list("value", flat=True).first()
    if value is None:  # the row was lost (a flushed database): start again above the old values
        advance(counter)
        return current(counter)
    return value


def read(scope=None):
    """``(all, shared, the scope's)``: the two generations and the value of the page ``scope`` (a
    programme or working group's id; 0 when none of its pages changed yet, None without a scope), in
    one query."""
    scopes = ScopeGeneration._meta.db_table
    if _postgresql():
        counters = [f"(SELECT last_value FROM {SEQUENCES[name]})" for name in (ALL, SHARED)]  # noqa: S608
    else:
        rows = ContentGeneration._meta.db_table
        counters = [f"(SELECT value FROM {rows} WHERE id = {ROWS[name]})" for name in (ALL, SHARED)]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(counters)}, (SELECT max(value) FROM {scopes} WHERE page_id = %s)",  # noqa: S608
            [scope if scope is not None else -1],
        )
        every, shared, value = cursor.fetchone()
    if every is None or shared is None:  # a row was lost (a flushed SQLite database): start again above
        every, shared = current(ALL), current(SHARED)
    return every, shared, (value or 0) if scope is not None else None


def advance(*counters):
    """Raise generations (``ALL`` when none is named), in one statement: it runs on every change."""
    counters = counters or (ALL,)
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(['nextval(%s)'] * len(counters))}", [SEQUENCES[c] for c in counters]
            )
        return
    rows = ContentGeneration.objects.filter(pk__in=[ROWS[counter] for counter in counters])
    if rows.update(value=Greatest(F("value") + 1, Value(_now_microseconds()))) < len(counters):
        for counter in counters:
            ContentGeneration.objects.get_or_create(pk=ROWS[counter], defaults={"value": _now_microseconds()})


def advance_scopes(scopes, prune=False):
    """Give each page of ``scopes`` (programmes, working groups) a new value: the ``all`` generation,
    raised first, so that no value is given twice. A row is added for each (never updated: no writer
    waits for another's lock); ``prune``, once the change has committed, deletes the older rows."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCES[ALL]])
            value = cursor.fetchone()[0]
    else:
        advance(ALL)
        value = current(ALL)
    ScopeGeneration.objects.bulk_create(
        [ScopeGeneration(page_id=scope, value=value) for scope in sorted(scopes)]
    )
    if prune:
        ScopeGeneration.objects.filter(page_id__in=scopes, value__lt=value).delete()


def advance_past_now():
    """After a restore: above every value used before the backup was made, and since."""
    if _postgresql():
        with connection.cursor() as cursor:
            for sequence in (SEQUENCES[SHARED], SEQUENCES[ALL]):
                cursor.execute(
                    f"SELECT setval(%s, GREATEST((SELECT last_value FROM {sequence}) + 1, %s))",  # noqa: S608
                    [sequence, _now_microseconds()],
                )
            return cursor.fetchone()[0]
    advance(SHARED, ALL)
    return current()
