"""The documents volume refuses writes (full, read-only): an upload says so clearly, leaves no row
without its file and no file without its row, and the documents already stored still download.

The volume is a real one: a small tmpfs mounted for the test (root and mount are needed; CI has
both), full or remounted read-only.
"""

import errno
import os
import subprocess
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from documents.library import collection_for_group
from documents.models import DocumentKind, LibraryDocument
from documents.pdf import minimal_pdf
from documents.storage import PrivateFileSystemStorage

from .test_nothing_half_saved import Statements

pytestmark = [pytest.mark.usefixtures("shared_world"), pytest.mark.xdist_group("documents volume")]

PDF = minimal_pdf("PV", ["Texte"]) + b"%" + b"x" * 40_000  # 40 KB
REFUSAL = "La bibliothèque ne peut pas enregistrer de fichier en ce moment"


@pytest.fixture
def volume(tmp_path):
    mount_point = tmp_path / "volume"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],  # noqa: S607
        capture_output=True,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}): CI runs as root")
    storage = PrivateFileSystemStorage(location=mount_point)
    field = LibraryDocument._meta.get_field("file")
    try:
        with mock.patch.object(field, "storage", storage):
            yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)  # noqa: S607


def files_on(volume):
    return sorted(p.relative_to(volume).as_posix() for p in volume.rglob("*") if p.is_file())


def fill(volume):
    """Write until the volume is full."""
    descriptor = os.open(volume / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"\0" * 4096):
            pass
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)


def remount_read_only(volume):
    subprocess.run(["mount", "-o", "remount,ro", str(volume)], check=True)  # noqa: S607


def upload(client, group, name="pv-octobre.pdf"):
    return client.post(
        "/admin/documents/add/",
        {
            "title": "PV d'octobre",
            "collection": collection_for_group(group).pk,
            "kind": DocumentKind.MINUTES,
            "working_group": group.pk,
            "meeting_date": "2017-10-10",
            "tags": "",
            "file": SimpleUploadedFile(name, PDF),
        },
    )


def stored_document(group, volume):
    document = LibraryDocument(
        title="PV de septembre",
        collection=collection_for_group(group),
        working_group=group,
        kind=DocumentKind.MINUTES,
        uploaded_by_user=group.facilitator,
    )
    document.file.save("pv-septembre.pdf", ContentFile(minimal_pdf("PV", ["Septembre"])), save=False)
    document.save()
    return document


@pytest.mark.parametrize("refuse", [fill, remount_read_only], ids=["full", "read-only"])
def test_an_upload_to_a_refusing_volume_says_why_and_keeps_nothing(group_a, login, volume, refuse):
    existing = stored_document(group_a, volume)
    before = files_on(volume)
    refuse(volume)
    files = files_on(volume)
    client = login(group_a.facilitator)

    response = upload(client, group_a)

    assert response.status_code == 200  # the form again, with what was typed
    html = response.content.decode().replace("&#x27;", "'")
    assert REFUSAL in html and "PV d'octobre" in html
    assert list(LibraryDocument.objects.values_list("pk", flat=True)) == [existing.pk]
    assert files_on(volume) == files and set(before) <= set(files)
    # Downloads of what is stored go on.
    member = login(group_a.people[0])
    download = member.get(existing.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_volume_that_fills_during_the_write_leaves_no_partial_file(group_a, login, volume):
    client = login(group_a.facilitator)
    client.raise_request_exception = False
    fill(volume)
    # The form's check passed a moment before (another upload filled the volume since).
    with mock.patch.object(PrivateFileSystemStorage, "check_writable"):
        response = upload(client, group_a)
    assert response.status_code == 503
    assert REFUSAL in response.content.decode().replace("&#x27;", "'")
    assert not LibraryDocument.objects.exists()
    assert files_on(volume) == ["filler"]  # the part written before the volume was full is gone


def test_a_database_failing_during_an_upload_leaves_no_file_without_its_row(group_a, login, volume):
    client = login(group_a.facilitator)
    client.raise_request_exception = False
    counted = Statements()
    with transaction.atomic():
        with connection.execute_wrapper(counted):
            assert upload(client, group_a).status_code == 302
        transaction.set_rollback(True)
    for name in files_on(volume):  # the successful run's file, its row rolled back above
        (volume / name).unlink()
    for fail_at in counted.write_range():
        with transaction.atomic():
            with connection.execute_wrapper(Statements(fail_at)):
                response = upload(client, group_a)
            transaction.set_rollback(False)
            rows = list(LibraryDocument.objects.values_list("file", flat=True))
            files = files_on(volume)
            transaction.set_rollback(True)
        assert rows == files, f"failing at statement {fail_at}: rows {rows}, files {files}"
        if not rows:
            assert response.status_code >= 500
        for name in files:
            (volume / name).unlink()
