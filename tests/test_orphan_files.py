"""A file stored for a document whose transaction is rolled back is removed when the request ends,
without asking the database (which may be the part that failed); a committed one is kept.

Transactional (no test transaction around it), as a request runs in production.
"""

from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import OperationalError, transaction

from documents import orphans
from documents.library import ensure_library
from documents.models import DocumentKind, LibraryDocument

# Emptied after the test: the pages the migrations made are put back (serialized_rollback).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Rollback(Exception):
    pass


def new_document(title):
    resources, _minutes, _archives = ensure_library()
    document = LibraryDocument(title=title, collection=resources, kind=DocumentKind.RESOURCE)
    document.file.save(f"{title}.txt", ContentFile(b"Texte"), save=False)
    document.file._committed = False  # as an upload: written by the model's save
    return document


def test_a_rolled_back_documents_file_is_removed_a_committed_ones_kept(home):
    storage = storages["documents"]
    orphans._start()
    kept = new_document("garde")
    kept.save()
    with pytest.raises(Rollback), transaction.atomic():
        lost = new_document("perdu")
        lost.save()  # file and row written, then the view's transaction fails
        assert storage.exists(lost.file.name)
        raise Rollback
    with mock.patch.object(LibraryDocument.objects, "filter", side_effect=OperationalError("gone")):
        orphans._finish()  # the database is down now: the files are decided without it
    assert not storage.exists(lost.file.name)
    assert storage.exists(kept.file.name) and LibraryDocument.objects.filter(pk=kept.pk).exists()
