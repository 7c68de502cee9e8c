"""Django's database sessions, read with one plain query.

Every request of a person who is logged in reads their session first: through the ORM, building and
compiling that query cost more than running it (some 0.2 ms of a cached page's 1.65 ms of CPU time,
in-process, on the benchmark's data). The same query is written here once. Everything else (writing,
expiry, keys, the data's signing) is Django's ``db`` engine, unchanged: sessions stay in the database,
where logins are decided (docs/operations.md, "When a part fails").
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        """The session's data, or ``{}`` when it does not exist or has expired (as Django's ``load``:
        the key is then forgotten, and a new one is made if anything is written)."""
        session = self.model
        using = router.db_for_read(session)
        connection = connections[using]
        table, data, key, expiry = map(
            connection.ops.quote_name, (session._meta.db_table, "session_data", "session_key", "expire_date")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s",  # noqa: S608 - quoted names
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
