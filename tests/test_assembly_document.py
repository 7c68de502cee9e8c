"""The general assembly's document (PDF, its text extracted and read) and the tracker's CSV and XLSX
exports: what they hold, in the reader's language, only what the reader may see, with no formula a
spreadsheet would run."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.users.models import UserProfile

from workinggroups import exports
from workinggroups.models import AssemblyOutcome, BoardPosition, Fact, FollowUp

from .factories import make_private_group
from .factories import publish_recommendation as publish

pytestmark = pytest.mark.usefixtures("shared_world")

P, A, F = BoardPosition, AssemblyOutcome, FollowUp


@pytest.fixture
def story(group_a, group_b, board_member, programme):
    """Three recommendations: one amended, adopted by the assembly and under way; one rejected by the
    board, and the assembly followed; one the board has only received. And one of a private group."""
    amended = publish(group_a, 1, "Créer un comité éthique", "<p>Créer un comité de <b>neuf</b> membres.</p>")
    amended.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    amended.record(
        Fact.POSITION,
        P.AMENDED,
        board_member,
        amended_text="Créer un comité de sept membres.",
        reasoning="Sept membres suffisent pour commencer.",
    )
    amended.record(
        Fact.ASSEMBLY,
        A.ADOPTED,
        board_member,
        assembly_date=datetime.date(2018, 6, 19),
        votes_for=412,
        votes_against=23,
        votes_abstaining=15,
    )
    amended.record(Fact.FOLLOW_UP, F.IN_PROGRESS, board_member, note="Appel lancé.", progress=40)
    rejected = publish(group_b, 2, '=HYPERLINK("http://evil.example","Cliquez")')
    rejected.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    rejected.record(Fact.POSITION, P.REJECTED, board_member, reasoning="@SUM(1+1) hors mission")
    rejected.record(Fact.ASSEMBLY, A.REJECTED, board_member, assembly_date=datetime.date(2018, 6, 19))
    received = publish(group_a, 3, "Former les représentants")
    private_group = make_private_group(programme)
    secret = publish(private_group, 4, "Recommandation secrète CANARI7781")
    return {"amended": amended, "rejected": rejected, "received": received, "secret": secret}


def url(programme, name, **query):
    address = programme.url + programme.reverse_subpage(name)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pdf_text(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="recommandations-')
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def flat(text):
    return " ".join(text.split())


def test_the_assembly_document_holds_every_recommendation_with_its_three_facts(
    story, programme, member, as_user
):
    text, pages = pdf_text(as_user(member).get(url(programme, "assembly_document")))
    text = flat(text)
    assert pages >= 4  # a cover, the contents, a page per group
    assert "Recommandations des groupes de travail" in text and programme.title in text
    assert "Sommaire" in text
    for expected in (
        "Recommandation n° 1 · Créer un comité éthique",
        "Créer un comité de neuf membres.",  # the group's text
        "Texte amendé par le Conseil",
        "Créer un comité de sept membres.",
        "Adoptée avec amendement",
        "Sept membres suffisent pour commencer.",
        "Adoptée par l'assemblée · 19 juin 2018 · pour 412, contre 23, abstentions 15",
        "En cours · 40 %",
        "Rejetée par l'assemblée",
        "Reçue par le Conseil",
        "Pas encore présentée",
        "Former les représentants",
    ):
        assert expected in text, expected
    # The contents list each group with the page it starts on.
    contents = text[text.index("Sommaire") : text.index("Recommandation n° 1")]
    assert "n° 1 · Créer un comité éthique" in contents and "n° 3 · Former les représentants" in contents


def test_the_document_never_holds_what_the_reader_may_not_see(
    story, programme, group_a, member, as_user, board_member
):
    client = as_user(member)
    text, _pages = pdf_text(client.get(url(programme, "assembly_document")))
    assert "CANARI7781" not in text and "Groupe confidentiel" not in text
    # Naming the private group in the query string does not open it.
    text, _pages = pdf_text(client.get(url(programme, "assembly_document", groupe="confidentiel")))
    assert "CANARI7781" not in text
    # The board sees it; anonymous is sent to log in.
    text, _pages = pdf_text(as_user(board_member).get(url(programme, "assembly_document")))
    assert "CANARI7781" in text
    anonymous = Client().get(url(programme, "assembly_document"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_one_groups_document(story, programme, group_a, member, as_user):
    text, _pages = pdf_text(as_user(member).get(url(programme, "assembly_document", groupe=group_a.slug)))
    assert "Créer un comité éthique" in text and "HYPERLINK" not in text


def test_the_documents_labels_are_in_the_readers_language(story, programme, member, as_user):
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "en"
    profile.save()
    client = as_user(member)
    text, _pages = pdf_text(client.get(url(programme, "assembly_document")))
    text = flat(text)
    for english in ("Contents", "Text amended by the board", "Board's position", "General Assembly"):
        assert english in text, english
    assert "Créer un comité de sept membres." in text  # the content stays in its own language
    assert "Texte amendé par le Conseil" not in text


def test_a_document_too_large_for_one_request_is_offered_group_by_group(
    story, programme, member, as_user, settings
):
    settings.ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS = 2
    client = as_user(member)
    refused = client.get(url(programme, "assembly_document"))
    assert refused.status_code == 413
    page = refused.content.decode()
    assert "choisissez un groupe" in page and f"?groupe={story['amended'].working_group.slug}" in page
    assert "CANARI7781" not in page and "confidentiel" not in page
    assert (
        client.get(
            url(programme, "assembly_document", groupe=story["amended"].working_group.slug)
        ).status_code
        == 200
    )


def test_without_weasyprints_libraries_the_reader_is_told_not_shown_an_error(
    story, programme, member, as_user
):
    with mock.patch.object(exports, "_weasyprint", side_effect=exports.DocumentUnavailable("no pango")):
        response = as_user(member).get(url(programme, "assembly_document"))
    assert response.status_code == 503
    assert "ne peut pas être produit sur ce serveur" in response.content.decode()


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets read the accents right
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_export_is_the_trackers_list_with_its_filters_and_no_formulas(
    story, programme, member, as_user
):
    client = as_user(member)
    rows = csv_rows(client.get(url(programme, "tracker_csv")))
    header, *lines = rows
    assert header[:5] == [
        "N°",
        "Recommandation",
        "Groupe de travail",
        "Texte du groupe",
        "Position du Conseil",
    ]
    assert [line[0] for line in lines] == ["1", "2", "3"]  # never the private group's
    first = dict(zip(header, lines[0], strict=True))
    assert first["Texte amendé par le Conseil"] == "Créer un comité de sept membres."
    assert first["Assemblée générale"] == "adoptée par l'assemblée" and first["Voix pour"] == "412"
    assert first["Suivi"] == "en cours" and first["Avancement (%)"] == "40"
    assert first["Adresse"].startswith("http") and first["Adresse"].endswith(
        story["amended"].recommendation.url
    )
    second = dict(zip(header, lines[1], strict=True))
    assert second["Recommandation"].startswith("'=HYPERLINK")  # kept as text, never run
    assert second["Motivation du Conseil"].startswith("'@SUM")
    assert second["Suivi"] == ""  # rejected: no follow-up
    filtered = csv_rows(client.get(url(programme, "tracker_csv", position="amended")))
    assert [line[0] for line in filtered[1:]] == ["1"]
    unknown = csv_rows(client.get(url(programme, "tracker_csv", groupe="confidentiel")))
    assert "CANARI7781" not in str(unknown)


def test_the_xlsx_export_keeps_formula_like_text_as_text(story, programme, member, as_user):
    response = as_user(member).get(url(programme, "tracker_xlsx", assemblee="rejected"))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "N°" and sheet.max_row == 2
    title = sheet["B2"]
    assert title.value == '=HYPERLINK("http://evil.example","Cliquez")' and title.data_type == "s"


def test_the_exports_read_the_same_number_of_queries_however_many_rows(
    story, group_a, programme, member, as_user, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request makes the export, none is read from the cache
    client = as_user(member)
    client.get(url(programme, "tracker_csv"))  # warm Wagtail's site cache

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(programme, "tracker_csv")).status_code == 200
        return len(captured)

    before = queries()
    for number in range(10, 16):
        publish(group_a, number, f"Recommandation {number}")
    assert queries() == before


def test_the_tracker_offers_the_downloads_with_its_filters(story, programme, group_a, member, as_user):
    page = (
        as_user(member)
        .get(url(programme, "tracker", groupe=group_a.slug, position="amended"))
        .content.decode()
    )
    assert f"{programme.reverse_subpage('tracker_csv')}?groupe={group_a.slug}&amp;position=amended" in page
    assert f"{programme.reverse_subpage('tracker_xlsx')}?groupe={group_a.slug}&amp;position=amended" in page
    assert f"{programme.reverse_subpage('assembly_document')}?groupe={group_a.slug}" in page


# With a task queue: the document is made by the worker, as the reader, and served from the cache


@pytest.fixture
def worker_queue(settings, monkeypatch):
    """A broker configured (not in-process), its tasks kept here to be run when the test says: the
    worker's turn."""
    from sitewide import prepared_downloads

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(
        prepared_downloads, "run_task", lambda task, *args: queued.append((task, args)) or True
    )
    return queued


def test_with_a_worker_the_reader_waits_on_a_page_then_gets_the_document_made_as_them(
    story, programme, member, board_member, as_user, worker_queue
):
    client = as_user(member)
    address = url(programme, "assembly_document")
    waiting = client.get(address)
    assert waiting.status_code == 202 and "Refresh" not in waiting  # no reload that restarts a screen reader
    assert waiting["Cache-Control"] == "no-store"
    assert "Document en préparation" in waiting.content.decode()
    assert f'href="{address}">Télécharger le document<' in waiting.content.decode()
    assert client.get(address).status_code == 202 and len(worker_queue) == 1  # asked once, not per reload
    ((task, args),) = worker_queue
    task(*args)  # the worker's turn
    response = client.get(address)
    assert response["X-Page-Cache"] == "hit"
    text, _pages = pdf_text(response)
    assert "Créer un comité éthique" in text and "CANARI7781" not in text
    # The board's rights differ: its own document, queued for it, never the member's.
    assert as_user(board_member).get(address).status_code == 202 and len(worker_queue) == 2
    (task, args) = worker_queue[1]
    task(*args)
    text, _pages = pdf_text(as_user(board_member).get(address))
    assert "CANARI7781" in text


def test_when_the_worker_cannot_make_it_the_reader_is_told_why(
    story, programme, member, as_user, worker_queue
):
    client = as_user(member)
    address = url(programme, "assembly_document")
    assert client.get(address).status_code == 202
    ((task, args),) = worker_queue
    with mock.patch.object(exports, "_weasyprint", side_effect=exports.DocumentUnavailable("no pango")):
        task(*args)  # the worker has no Pango
        response = client.get(address)  # made here, with the same answer the worker got
    assert response.status_code == 503
    assert "ne peut pas être produit sur ce serveur" in response.content.decode()


def test_with_the_broker_down_the_document_is_made_in_the_request(
    story, programme, member, as_user, settings, monkeypatch
):
    from sitewide import prepared_downloads

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(prepared_downloads, "run_task", lambda task, *args: False)  # could not queue
    text, _pages = pdf_text(as_user(member).get(url(programme, "assembly_document")))
    assert "Créer un comité éthique" in text


def test_one_document_at_a_time_per_reader_and_the_query_string_as_sent(
    story, programme, member, group_a, as_user, worker_queue
):
    client = as_user(member)
    first = url(programme, "assembly_document") + "?groupe=" + group_a.slug + "&x=a%20b&"
    assert client.get(first).status_code == 202
    busy = client.get(url(programme, "assembly_document") + "?y=1")  # a variant while the first is made
    assert busy.status_code == 429 and "déjà en préparation" in busy.content.decode()
    assert len(worker_queue) == 1
    ((task, args),) = worker_queue
    task(*args)  # made with the query string as the reader wrote it: stored where they look
    response = client.get(first)
    assert response["X-Page-Cache"] == "hit"
    assert client.get(url(programme, "assembly_document") + "?y=1").status_code == 202  # now its turn
