"""Minutes "available on request": ask, be answered by the right people, read until expiry."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.utils import timezone

from documents.models import AccessRequest, DownloadLogEntry

from .factories import BoardMemberFactory, MeetingReportPageFactory, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def report(group_a, group_b):
    minutes = make_minutes(group_a, title="PV de septembre")
    page = MeetingReportPageFactory(parent=group_a, title="Réunion de septembre", minutes=minutes)
    page.save_revision().publish()
    return page


def ask(client, report, reason="Je prépare un article pour la lettre des sociétaires."):
    return client.post(
        "/documents/acces/demander/",
        {
            "groupe": report.get_parent().pk,
            "document": report.specific.minutes.pk,
            "reason": reason,
            "next": report.url,
        },
    )


def addresses():
    return sorted(address.split("@")[0] for message in mail.outbox for address in message.to)


def test_the_whole_story_request_grant_download_expiry(
    report, member, group_a, board_member, as_user, monkeypatch
):
    minutes = report.specific.minutes
    member_client = as_user(member)
    page = member_client.get(report.url).content.decode()
    assert "Procès-verbal disponible sur demande" in page and minutes.url not in page

    mail.outbox.clear()
    response = ask(member_client, report)
    assert response.status_code == 302 and response["Location"] == report.url
    access_request = AccessRequest.objects.get()
    assert access_request.status == "pending" and access_request.document == minutes
    # The group's facilitators and the board, nobody else.
    assert addresses() == ["animateur-ethique", "conseil", "conseil-ethique", "conseil-finances"]
    assert "Je prépare un article" in mail.outbox[0].body
    assert mail.outbox[0].alternatives
    assert "en attente de réponse" in member_client.get(report.url).content.decode()

    facilitator_client = as_user(group_a.facilitator)
    listing = facilitator_client.get("/admin/documents/accessrequest/").content.decode()
    assert "membre" in listing and "Accorder" in listing
    grant_url = f"/admin/documents/accessrequest/grant/{access_request.pk}/"
    form = facilitator_client.get(grant_url).content.decode()
    assert 'value="30"' in form  # the default duration
    mail.outbox.clear()
    assert facilitator_client.post(grant_url, {"days": 30, "note": "Bonne lecture."}).status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "granted" and access_request.decided_by == group_a.facilitator
    assert abs(
        access_request.expires_at - (timezone.now() + datetime.timedelta(days=30))
    ) < datetime.timedelta(minutes=1)
    assert addresses() == ["membre"]
    assert "accordée" in mail.outbox[0].body and "Bonne lecture." in mail.outbox[0].body

    download = member_client.get(minutes.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert minutes.url in member_client.get(report.url).content.decode()
    assert DownloadLogEntry.objects.filter(user=member, document=minutes).count() == 1

    # Thirty days pass (no row changes): the grant is over. A new login, the old session having expired.
    later = access_request.expires_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    member_client = as_user(member)
    assert member_client.get(minutes.url).status_code == 403
    assert "Procès-verbal disponible sur demande" in member_client.get(report.url).content.decode()

    board_log = as_user(board_member).get("/admin/documents/downloadlogentry/").content.decode()
    assert "PV de septembre" in board_log


def test_a_duplicate_pending_request_is_refused_with_a_clear_message(report, member, as_user):
    client = as_user(member)
    ask(client, report)
    mail.outbox.clear()
    response = ask(client, report, reason="Encore moi, une seconde fois.")
    assert response.status_code == 400
    assert "Vous avez déjà une demande en attente" in response.content.decode()
    assert "Encore moi, une seconde fois." in response.content.decode()  # what was typed is kept
    assert AccessRequest.objects.count() == 1
    assert mail.outbox == []


def test_a_request_without_a_reason_is_refused_and_nothing_is_lost(report, member, as_user):
    response = ask(as_user(member), report, reason="court")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Expliquez en quelques mots de plus" in html and "\ncourt</textarea>" in html
    assert not AccessRequest.objects.exists()


def test_a_request_for_a_document_of_another_group_is_not_found(report, member, group_b, as_user):
    response = as_user(member).post(
        "/documents/acces/demander/",
        {"groupe": group_b.pk, "document": report.specific.minutes.pk, "reason": "Une raison suffisante."},
    )
    assert response.status_code == 404
    assert not AccessRequest.objects.exists()


def test_members_of_the_group_are_not_offered_a_request(report, group_a, as_user):
    client = as_user(group_a.people[0])
    assert "disponible sur demande" not in client.get(report.url).content.decode()
    response = ask(client, report)
    assert response.status_code == 302
    assert not AccessRequest.objects.exists()


def test_only_that_groups_facilitators_and_the_board_may_decide(
    report, member, group_a, group_b, editor, as_user
):
    ask(as_user(member), report)
    access_request = AccessRequest.objects.get()
    grant_url = f"/admin/documents/accessrequest/grant/{access_request.pk}/"
    for outsider in (group_b.facilitator, group_a.people[0], editor):
        client = as_user(outsider)
        assert "membre" not in client.get("/admin/documents/accessrequest/").content.decode()
        assert client.post(grant_url, {"days": 365}).status_code in (302, 403)
        assert client.get(f"/admin/documents/accessrequest/inspect/{access_request.pk}/").status_code in (
            302,
            403,
        )
    access_request.refresh_from_db()
    assert access_request.status == "pending"
    assert as_user(BoardMemberFactory(username="conseil-2")).get(grant_url).status_code == 200


def test_refusal_reaches_the_requester_with_its_reason(report, member, board_member, as_user):
    ask(as_user(member), report)
    access_request = AccessRequest.objects.get()
    refuse_url = f"/admin/documents/accessrequest/refuse/{access_request.pk}/"
    board = as_user(board_member)
    without_reason = board.post(refuse_url, {"note": ""})
    assert (
        without_reason.status_code == 200 and "Indiquez le motif du refus" in without_reason.content.decode()
    )
    mail.outbox.clear()
    assert board.post(refuse_url, {"note": "Ces PV contiennent des données personnelles."}).status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "refused"
    assert addresses() == ["membre"] and "données personnelles" in mail.outbox[0].body
    assert as_user(member).get(report.specific.minutes.url).status_code == 403
    # A decided request is not decided twice.
    assert (
        board.post(f"/admin/documents/accessrequest/grant/{access_request.pk}/", {"days": 30}).status_code
        == 302
    )
    access_request.refresh_from_db()
    assert access_request.status == "refused"


def test_a_grant_longer_than_a_year_is_refused(report, member, board_member, as_user):
    ask(as_user(member), report)
    access_request = AccessRequest.objects.get()
    response = as_user(board_member).post(
        f"/admin/documents/accessrequest/grant/{access_request.pk}/", {"days": 900}
    )
    assert response.status_code == 200
    access_request.refresh_from_db()
    assert access_request.status == "pending"


def test_a_member_withdraws_their_pending_request(report, member, as_user):
    client = as_user(member)
    ask(client, report)
    access_request = AccessRequest.objects.get()
    listing = client.get("/documents/acces/mes-demandes/").content.decode()
    assert "En attente" in listing
    # The requester cannot open the minutes yet: the listing names the meeting, not the document's title.
    assert "PV de septembre" not in listing
    assert "un procès-verbal du groupe « Le comité éthique »" in listing
    assert client.post(f"/documents/acces/{access_request.pk}/retirer/").status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "withdrawn"
    other = as_user(BoardMemberFactory(username="conseil-x"))
    assert other.post(f"/documents/acces/{access_request.pk}/retirer/").status_code == 404


def test_the_whole_groups_minutes_can_be_requested_from_the_group_page(
    report, member, group_a, board_member, as_user
):
    client = as_user(member)
    page = client.get(group_a.url).content.decode()
    assert "Demander l'accès à tous les procès-verbaux du groupe" in page
    response = client.post(
        "/documents/acces/demander/", {"groupe": group_a.pk, "reason": "Je rejoins le groupe en septembre."}
    )
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(document=None)
    access_request.grant(board_member)
    second = make_minutes(group_a, title="PV d'octobre", filename="pv-octobre.pdf")
    client = as_user(member)
    assert client.get(report.specific.minutes.url).status_code == 200
    assert client.get(second.url).status_code == 200  # later minutes of the group too


def test_expired_grants_are_marked_expired_by_the_daily_command(report, member, board_member):
    from django.core.management import call_command

    access_request = AccessRequest.objects.create(
        requester=member,
        working_group=report.get_parent().specific,
        reason="Lecture.",
        status="granted",
        decided_by=board_member,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert access_request.current_status == "expired"
    call_command("expire_access_requests", stdout=io.StringIO())
    access_request.refresh_from_db()
    assert access_request.status == "expired"


def test_my_requests_lead_to_what_a_grant_opens_and_only_while_it_opens(
    report, member, group_a, board_member, as_user
):
    minutes = report.specific.minutes
    client = as_user(member)
    ask(client, report)
    access_request = AccessRequest.objects.get()
    mine = client.get("/documents/acces/mes-demandes/").content.decode()
    assert minutes.url not in mine and "PV de septembre" not in mine  # not granted: not even the title
    access_request.grant(board_member)
    mine = client.get("/documents/acces/mes-demandes/").content.decode()
    assert f'href="{minutes.url}"' in mine and "Télécharger « PV de septembre »" in mine
    assert f'href="{report.url}"' in mine and "Voir le compte rendu « Réunion de septembre »" in mine
    AccessRequest.objects.filter(pk=access_request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    mine = client.get("/documents/acces/mes-demandes/").content.decode()
    assert minutes.url not in mine and "PV de septembre" not in mine


def test_a_whole_group_grant_leads_to_the_group_page(report, member, group_a, board_member, as_user):
    granted = AccessRequest.objects.create(requester=member, working_group=group_a, reason="Lire.")
    granted.grant(board_member)
    mine = as_user(member).get("/documents/acces/mes-demandes/").content.decode()
    assert f'href="{group_a.url}"' in mine and "Voir les procès-verbaux du groupe" in mine


def test_withdrawing_asks_first_and_can_be_called_off(report, member, as_user):
    client = as_user(member)
    ask(client, report)
    access_request = AccessRequest.objects.get()
    listing = client.get("/documents/acces/mes-demandes/").content.decode()
    url = f"/documents/acces/{access_request.pk}/retirer/"
    assert f'href="{url}"' in listing  # a link to the question, not a button that withdraws at once
    question = client.get(url).content.decode()
    assert "Retirer votre demande ?" in question and "Oui, retirer ma demande" in question
    assert 'href="/documents/acces/mes-demandes/">Non, la garder' in question
    access_request.refresh_from_db()
    assert access_request.status == "pending"  # asking changed nothing
    assert client.post(url).status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "withdrawn"
    assert client.get(url).status_code == 302  # answered: nothing left to withdraw


def _ids(html):
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_a_refusal_without_its_reason_says_so_next_to_the_field_and_at_the_top(
    report, member, board_member, as_user
):
    ask(as_user(member), report)
    access_request = AccessRequest.objects.get()
    html = (
        as_user(board_member)
        .post(f"/admin/documents/accessrequest/refuse/{access_request.pk}/", {"note": ""})
        .content.decode()
    )
    described = re.search(r'<textarea[^>]*aria-describedby="([^"]+)"', html).group(1)
    assert set(described.split()) <= _ids(html)  # every id it names exists
    assert re.search(r"<title>\s*Erreur : ", html)
    summary = re.search(r'<div class="form-errors error-summary"[^>]*>.*?</div>', html, re.S).group()
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'href="#id_note"' in summary


def test_a_request_without_a_reason_is_summarised_at_the_top_of_the_form(report, member, as_user):
    html = ask(as_user(member), report, reason="").content.decode()
    assert re.search(r"<title>\s*Erreur : ", html)
    summary = re.search(r'<div class="form-errors error-summary"[^>]*>.*?</div>', html, re.S).group()
    assert 'href="#id_reason"' in summary
    described = re.search(r'<textarea[^>]*aria-describedby="([^"]+)"', html).group(1)
    assert set(described.split()) <= _ids(html)
