"""Ids that arrive in URLs and query strings: whole ASCII numbers that fit a database key, or nothing.

Python's ``int()`` and ``str.isdigit()`` accept far more than a key: "²" and "①" are digits to
``isdigit`` (and make ``int`` raise), "٣" is 3 to ``int``, and a 23-digit number overflows
PostgreSQL's bigint and SQLite's integer (a server error). Every view that reads an id from the
query string or a form goes through ``parse_id``, and treats None as "no such object".
"""

import re

#: 1 to 18 ASCII digits: always below 2**63 - 1, the largest bigint.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value):
    """The id in ``value`` as an int, or None when it is not a positive whole ASCII number that fits."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    if not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number > 0 else None
