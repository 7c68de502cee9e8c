"""A database that does not answer: a "try again" page for the person, one log line a minute.

While PostgreSQL restarts, every request fails on its first query with an ``OperationalError``
(or an ``InterfaceError`` on a connection the server closed). Those are not bugs of the intranet:
the person gets its 503 page with ``Retry-After`` (intranet/errors.py), Django's own report of
each one (a traceback per request, on the ``django.request`` logger) is dropped by
:class:`DropDatabaseOutages`, and :data:`DATABASE_OUTAGE` reports the outage once a minute and
when it ends. Connections recover by themselves: Django checks a kept connection before using it
(``conn_health_checks``) and closes one that failed at the end of the request, so the next
request opens a new one once the server is back.
"""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.db.transaction import TransactionManagementError

from .outages import Outage

DATABASE_OUTAGE = Outage("Database", retry_after=0)
#: What Django raises on a connection refused, lost or closed by the server.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(exception):
    """A lost or refused connection, or the error Django raises after one was swallowed.

    Code that catches a database error inside a transaction (Wagtail's in-process tasks do) leaves
    the transaction broken: the next query raises ``TransactionManagementError`` *from* the
    original error, which is what decides.
    """
    if isinstance(exception, TransactionManagementError):
        exception = exception.__cause__
    return isinstance(exception, CONNECTION_ERRORS)


def database_answers():
    """Whether the database answers now (one ``SELECT 1``); never raises. An outage's start and end
    are reported by :data:`DATABASE_OUTAGE`, once per interval."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # whatever the driver raises, the answer is the same
        DATABASE_OUTAGE.failed(error)
        return False
    DATABASE_OUTAGE.succeeded()
    return True


class DropDatabaseOutages(logging.Filter):
    """On ``django.request``: the 503s of a database outage are reported by DATABASE_OUTAGE."""

    def filter(self, record):
        exc_info = record.exc_info
        return not (exc_info and database_unavailable(exc_info[1]))
