"""Uploads: only allowed types whose content matches, within the size limit, under a clean name."""

import re
from urllib.parse import unquote

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.library import collection_for_group
from documents.models import DocumentKind, LibraryDocument
from documents.pdf import minimal_pdf

pytestmark = pytest.mark.usefixtures("shared_world")

PDF = minimal_pdf("PV", ["Texte"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def stored_files():
    storage = storages["documents"]
    try:
        return set(storage.listdir("documents")[1])
    except FileNotFoundError:
        return set()


@pytest.fixture
def uploader(group_a, login):
    return login(group_a.facilitator)


def upload(client, group, name, content, **fields):
    data = {
        "title": fields.pop("title", "Procès-verbal"),
        "collection": collection_for_group(group).pk,
        "kind": DocumentKind.MINUTES,
        "working_group": group.pk,
        "meeting_date": "2017-09-12",
        "tags": "",
        "file": SimpleUploadedFile(name, content),
    }
    data.update(fields)
    return client.post("/admin/documents/add/", data)


def test_a_valid_pdf_is_stored_privately_with_its_metadata(uploader, group_a):
    response = upload(uploader, group_a, "PV réunion 1.pdf", PDF)
    assert response.status_code == 302, response.content.decode()[:500]
    document = LibraryDocument.objects.get()
    assert document.kind == DocumentKind.MINUTES and document.working_group_id == group_a.pk
    assert document.original_filename == "PV réunion 1.pdf"
    assert document.file_size == len(PDF) and document.file_hash
    assert storages["documents"].exists(document.file.name)


REFUSED = [
    ("programme.exe", b"MZ\x90\x00" + b"\x00" * 100, "n'est pas accepté"),
    ("page.html", HTML, "n'est pas accepté"),
    ("dessin.svg", SVG, "n'est pas accepté"),
    ("faux.pdf", HTML, "ne correspond pas à son extension"),
    ("image.png", SVG, "ne correspond pas à son extension"),
    ("tableau.xlsx", PDF, "ne correspond pas à son extension"),
    ("notes.txt", HTML, "contient du HTML ou du SVG"),
    ("donnees.csv", SVG, "contient du HTML ou du SVG"),
    ("vide.pdf", b"", "vide"),
    ("sans-extension", PDF, "n'est pas accepté"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_bad_upload_is_a_clear_form_error_and_nothing_is_stored(uploader, group_a, name, content, message):
    before = stored_files()
    response = upload(uploader, group_a, name, content)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not LibraryDocument.objects.exists()
    assert stored_files() == before


def test_a_file_over_the_size_limit_is_refused(uploader, group_a, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    before = stored_files()
    response = upload(uploader, group_a, "gros.pdf", PDF + b"%" * 2048)
    assert response.status_code == 200
    assert "Ce fichier est trop gros" in response.content.decode()
    assert "n’est pas autorisée" not in response.content.decode()  # one clear message, not two
    assert stored_files() == before


def test_the_multiple_uploader_refuses_the_same_files(uploader, group_a):
    before = stored_files()
    response = uploader.post(
        "/admin/documents/multiple/add/",
        {"collection": collection_for_group(group_a).pk, "files[]": SimpleUploadedFile("faux.pdf", HTML)},
    )
    assert response.json()["success"] is False
    assert "ne correspond pas" in response.json()["error_message"]
    assert stored_files() == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\moi\\PV.pdf", "PV.pdf"),
        ("rapport\u202efdp.exe.pdf", "rapportfdp.exe.pdf"),
        ("pv\x00\x07\x1b.pdf", "pv.pdf"),
    ],
)
def test_file_names_are_cleaned_and_the_original_kept(uploader, group_a, sent, stored):
    # The title is typed by the person (Django refuses NUL in it with its own message).
    response = upload(uploader, group_a, sent, PDF, title=sent.replace("\x00", ""))
    assert response.status_code == 302, response.content.decode()[:800]
    document = LibraryDocument.objects.get()
    # The storage may add "_<7 characters>" before the first dot when the name is taken already.
    stem, dot, extensions = stored.partition(".")
    expected = re.escape(stem) + r"(_[A-Za-z0-9]{7})?" + re.escape(dot + extensions)
    assert re.fullmatch(expected, document.filename)
    assert "/" not in document.filename and "\\" not in document.filename
    assert "\u202e" not in document.title and "\x00" not in document.title
    assert document.original_filename  # kept, shown escaped by the templates


def test_the_original_name_is_shown_escaped(uploader, group_a):
    upload(uploader, group_a, "<img src=x onerror=alert(1)>.pdf", PDF)
    document = LibraryDocument.objects.get()
    page = uploader.get(f"/admin/documents/edit/{document.pk}/").content.decode()
    assert "<img src=x onerror=alert(1)>" not in page


def test_minutes_outside_a_minutes_collection_are_refused(uploader, group_a):
    from wagtail.models import Collection

    from documents.library import RESOURCES

    resources = Collection.objects.get(name=RESOURCES)
    response = upload(uploader, group_a, "pv.pdf", PDF, collection=resources.pk)
    assert response.status_code == 200
    assert "Un procès-verbal se range dans la collection" in response.content.decode()


def test_a_document_in_a_minutes_collection_becomes_that_groups_minutes(uploader, group_a):
    response = upload(uploader, group_a, "pv.pdf", PDF, kind=DocumentKind.RESOURCE, working_group="")
    assert response.status_code == 302
    document = LibraryDocument.objects.get()
    assert document.kind == DocumentKind.MINUTES and document.working_group_id == group_a.pk


def test_text_in_latin_1_is_accepted(uploader, group_a):
    response = upload(uploader, group_a, "liste.csv", "nom;rôle\nAnimatrice;éthique\n".encode("cp1252"))
    assert response.status_code == 302


def test_a_download_keeps_the_whole_name_it_was_uploaded_with(uploader, group_a, as_user):
    name = (
        "Compte rendu de la réunion du comité d'éthique avec d'autres coopératives de la région, "
        "auditions d'experts et visite de la structure partenaire – version relue par l'animation.pdf"
    )
    assert len(name) > 150
    assert upload(uploader, group_a, name, PDF).status_code == 302
    document = LibraryDocument.objects.get()
    response = as_user(group_a.people[0]).get(document.url)
    disposition = response["Content-Disposition"]
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == name  # whole, apostrophes and spaces included
