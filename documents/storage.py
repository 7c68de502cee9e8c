"""Where library files are kept, and what happens when that volume refuses a write.

A full or read-only volume makes ``save`` raise :class:`StoreRefused` (an ``OSError``) with any
partly written file removed: a file is on disk whole or not at all. The upload form checks the
volume first (:meth:`PrivateFileSystemStorage.check_writable`), so that a person gets the reason as
a form error with everything they typed kept; the model and the end of the request make sure a
file never outlives a row that was not saved (documents/models.py, documents/orphans.py).
"""

import errno
import logging
import os
import shutil
import tempfile

from django.core.files.storage import FileSystemStorage, InMemoryStorage

logger = logging.getLogger(__name__)

#: Errors of a volume that refuses writes, as opposed to a bug of the intranet.
REFUSALS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


class StoreRefused(OSError):
    """The documents volume refused to keep a file (full, read-only, failing): nothing was kept."""


class NoPublicURLMixin:
    """Library files have no public address: only the permission-checked view of the intranet serves them."""

    def url(self, name):
        raise NotImplementedError("Library documents are served by the intranet only, never by URL.")


class PrivateFileSystemStorage(NoPublicURLMixin, FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if not existed and os.path.lexists(path):
                _remove_quietly(path)  # a partly written file is no file
            if error.errno in REFUSALS:
                logger.error("The documents volume refused a file: %s", error)
                raise StoreRefused(error.errno, error.strerror, name) from error
            raise

    def check_writable(self, size):
        """Raise :class:`StoreRefused` unless a file of ``size`` bytes can be written now."""
        folder = self.path("documents")
        try:
            os.makedirs(folder, exist_ok=True)
            descriptor, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)  # a new name each time
            try:
                os.write(descriptor, b"x")
            finally:
                os.close(descriptor)
                _remove_quietly(probe)
            free = shutil.disk_usage(folder).free
        except OSError as error:
            raise StoreRefused(error.errno, error.strerror, folder) from error
        if free < size:
            raise StoreRefused(errno.ENOSPC, os.strerror(errno.ENOSPC), folder)


class PrivateInMemoryStorage(NoPublicURLMixin, InMemoryStorage):
    def check_writable(self, size):
        """Memory always has room (the tests' storage)."""


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        logger.warning("Could not remove %s", path, exc_info=True)
