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
"""

import time

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import ContentGeneration

SEQUENCE = "sitewide_content_generation"
ROW = 1


def _now_microseconds():
    return time.time_ns() // 1000


def _postgresql():
    return connection.vendor == "postgresql"


def current():
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608 - a constant name
            return cursor.fetchone()[0]
    value = ContentGeneration.objects.filter(pk=ROW).values_list("value", flat=True).first()
    if value is None:  # the row was lost (a flushed database): start again above the old values
        advance()
        return current()
    return value


def advance():
    """Raise the generation (one statement: it runs on every change to content)."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        return
    rows = ContentGeneration.objects.filter(pk=ROW)
    if not rows.update(value=Greatest(F("value") + 1, Value(_now_microseconds()))):
        ContentGeneration.objects.get_or_create(pk=ROW, defaults={"value": _now_microseconds()})


def advance_past_now():
    """After a restore: above every value used before the backup was made, and since."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(%s, GREATEST((SELECT last_value FROM {SEQUENCE}) + 1, %s))",  # noqa: S608
                [SEQUENCE, _now_microseconds()],
            )
            return cursor.fetchone()[0]
    advance()
    return current()
