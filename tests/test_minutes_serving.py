"""How minutes are served: only through Django, as attachments, never cached, telling nothing when refused."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from documents.models import DownloadLogEntry

from .factories import make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def minutes(group_a):
    return make_minutes(group_a, title="PV d'été", filename="procès-verbal été 2018.pdf")


def test_an_allowed_download_is_a_private_attachment(minutes, group_a, as_user):
    response = as_user(group_a.people[0]).get(minutes.url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert minutes.filename.startswith("procès-verbal_été_2018")
    stem = minutes.filename.removeprefix("procès-verbal_été_2018")
    assert f"filename*=UTF-8''proc%C3%A8s-verbal_%C3%A9t%C3%A9_2018{stem}" in disposition  # RFC 5987
    assert f'filename="proc_s-verbal__t__2018{stem}"' in disposition  # ASCII fallback
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{minutes.file_hash}"'


def test_an_allowed_person_gets_not_modified_for_an_unchanged_file(minutes, group_a, as_user):
    client = as_user(group_a.people[0])
    response = client.get(minutes.url, headers={"If-None-Match": f'"{minutes.file_hash}"'})
    assert response.status_code == 304
    assert response["Cache-Control"] == "private, no-store"


def test_a_denied_request_reveals_nothing_about_the_file(minutes, member, as_user):
    client = as_user(member)
    answers = [
        client.get(minutes.url),
        client.get(minutes.url, headers={"If-None-Match": f'"{minutes.file_hash}"'}),
        client.get(minutes.url, headers={"If-None-Match": '"wrong"'}),
        client.get(f"/documents/{minutes.pk}/un-autre-nom.pdf"),
        client.head(minutes.url),
    ]
    # Identical but for the CSRF token of the logout form, which Django masks afresh each time.
    bodies = {re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content) for r in answers[:4]}
    assert [response.status_code for response in answers] == [403] * 5
    assert len(bodies) == 1, "the same answer whatever the conditional headers or file name"
    for response in answers:
        assert "ETag" not in response
        assert "Last-Modified" not in response
        assert "Content-Disposition" not in response
        assert response.get("Content-Length") != str(minutes.file_size)
        assert response["Cache-Control"] == "private, no-store"
        assert minutes.title not in response.content.decode()
        assert minutes.filename not in response.content.decode()
    assert not DownloadLogEntry.objects.exists()


def test_the_file_has_no_media_url_and_sits_outside_media_root(minutes):
    storage = storages["documents"]
    assert storage.exists(minutes.file.name)
    assert not storages["default"].exists(minutes.file.name)
    with pytest.raises(NotImplementedError):
        minutes.file.url  # noqa: B018 - there is no URL to give out
    assert minutes.url == reverse("wagtaildocs_serve", args=[minutes.pk, minutes.filename])
    assert minutes.url.startswith(f"/documents/{minutes.pk}/")


def test_the_media_url_of_a_document_is_not_served(minutes, group_a, as_user, settings):
    client = as_user(group_a.people[0])
    for url in (f"/media/{minutes.file.name}", f"/media/documents/{minutes.filename}"):
        assert client.get(url).status_code == 404


def test_a_wrong_file_name_is_not_found_for_those_allowed(minutes, group_a, as_user):
    assert as_user(group_a.people[0]).get(f"/documents/{minutes.pk}/autre.pdf").status_code == 404


def test_posting_to_a_document_is_refused(minutes, group_a, as_user):
    assert as_user(group_a.people[0]).post(minutes.url).status_code == 405


def test_every_download_is_logged_with_a_hashed_address(minutes, group_a, as_user, settings):
    client = as_user(group_a.people[0])
    client.get(minutes.url, REMOTE_ADDR="203.0.113.7")
    entry = DownloadLogEntry.objects.get()
    assert entry.user == group_a.people[0]
    assert entry.document == minutes and entry.document_title == "PV d'été"
    assert entry.working_group_id == group_a.pk
    assert entry.ip_hash and "203.0.113.7" not in entry.ip_hash
    settings.DOWNLOAD_LOG_IP = "omit"
    client.get(minutes.url, REMOTE_ADDR="203.0.113.7")
    assert DownloadLogEntry.objects.order_by("-pk").first().ip_hash == ""


def test_downloads_are_not_usages_of_the_document(minutes, group_a, as_user, django_assert_max_num_queries):
    """A download is logged, not indexed as a reference to the document: the document's
    "usage" in the admin does not grow with every download, and a download costs the same
    few queries (Wagtail's reference index added four more per download)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    client = as_user(group_a.people[0])
    client.get(minutes.url)
    with django_assert_max_num_queries(10):
        assert client.get(minutes.url).status_code == 200
    assert DownloadLogEntry.objects.count() == 2
    log_type = ContentType.objects.get_for_model(DownloadLogEntry)
    assert not ReferenceIndex.objects.filter(content_type=log_type).exists()
    assert ReferenceIndex.get_references_to(minutes).count() == 0


def test_a_failing_log_never_stops_a_download(minutes, group_a, as_user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(DownloadLogEntry.objects, "create", broken)
    response = as_user(group_a.people[0]).get(minutes.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_board_reads_the_log_and_exports_it_others_cannot(minutes, group_a, board_member, as_user):
    as_user(group_a.people[0]).get(minutes.url)
    board = as_user(board_member)
    listing = board.get("/admin/documents/downloadlogentry/")
    assert listing.status_code == 200
    assert "PV d&#x27;été" in listing.content.decode()
    export = board.get("/admin/documents/downloadlogentry/", {"export": "csv"})
    assert "PV d'été" in b"".join(export.streaming_content).decode()
    for user in (group_a.facilitator, group_a.people[0]):
        assert as_user(user).get("/admin/documents/downloadlogentry/").status_code in (302, 403)


def test_replacing_a_file_keeps_nothing_public(group_a, minutes):
    minutes.file.save("nouveau.pdf", ContentFile(b"%PDF-1.4 minimal"), save=True)
    assert storages["documents"].exists(minutes.file.name)
