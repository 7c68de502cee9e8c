"""No library file without its row: files stored during a request whose row did not survive it.

A new document's file is written to the volume before its row is inserted, inside the view's
transaction. When anything after that fails (the database, a later check), the transaction is
rolled back and the row with it, but a file on disk is not transactional. The model removes the
file when its own save fails (documents/models.py); the files whose row was rolled back later, by
an enclosing transaction, are removed here, when the request ends.

Each new file is marked when its transaction commits (``on_commit``). At the end of the request,
with no transaction left open, a file not marked was rolled back: it is deleted, without asking
the database (which may be the part that failed). When a transaction is still open around the
request (the tests run each in one), the rows are looked up instead.
"""

import logging
import threading

from django.core.signals import request_finished, request_started
from django.db import connection, transaction

logger = logging.getLogger(__name__)
_state = threading.local()


class _Stored:
    def __init__(self, document):
        self.model, self.storage, self.name = type(document), document.file.storage, document.file.name
        self.committed = False

    def commit(self):
        self.committed = True


def watch(document):
    """Called by the model for each new file stored during a request."""
    stored = getattr(_state, "stored", None)
    if stored is not None:
        entry = _Stored(document)
        stored.append(entry)
        transaction.on_commit(entry.commit)  # at once when no transaction is open


def _start(**kwargs):
    _state.stored = []


def _finish(**kwargs):
    stored, _state.stored = getattr(_state, "stored", None), None
    uncommitted = [entry for entry in stored or () if not entry.committed]
    if not uncommitted:
        return
    if connection.in_atomic_block:  # the request ran inside a transaction still open: ask the rows
        try:
            uncommitted = [
                e for e in uncommitted if not e.model._default_manager.filter(file=e.name).exists()
            ]
        except Exception:
            logger.exception(
                "Could not check %d new library files against their rows; kept", len(uncommitted)
            )
            return
    for entry in uncommitted:
        logger.warning("Removing %s: its document was not saved", entry.name)
        try:
            entry.storage.delete(entry.name)
        except OSError:
            logger.exception("Could not remove %s, whose document was not saved", entry.name)


def connect():
    request_started.connect(_start, dispatch_uid="library-orphans-start")
    request_finished.connect(_finish, dispatch_uid="library-orphans-finish")
