"""No library file without its row: files stored during a request whose row did not survive it.

A new document's file is written to the volume before its row is inserted, inside the view's
transaction. When anything after that fails (the database, a later check), the transaction is
rolled back and the row with it, but a file on disk is not transactional. The model removes the
file when its own save fails (documents/models.py); the files whose row was rolled back later, by
an enclosing transaction, are removed here, when the request ends: a file stored during the
request that no row names is deleted.
"""

import logging
import threading

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)
_state = threading.local()


def watch(document):
    """Called by the model for each new file stored during a request."""
    stored = getattr(_state, "stored", None)
    if stored is not None:
        stored.append((type(document), document.file.storage, document.file.name))


def _start(**kwargs):
    _state.stored = []


def _finish(**kwargs):
    stored, _state.stored = getattr(_state, "stored", None), None
    if not stored:
        return
    try:
        kept = {
            (model, name)
            for model, _storage, name in stored
            if model._default_manager.filter(file=name).exists()
        }
    except Exception:
        logger.exception("Could not check %d new library files against their rows; kept them", len(stored))
        return
    for model, storage, name in stored:
        if (model, name) not in kept:
            logger.warning("Removing %s: its document was not saved", name)
            storage.delete(name)


def connect():
    request_started.connect(_start, dispatch_uid="library-orphans-start")
    request_finished.connect(_finish, dispatch_uid="library-orphans-finish")
