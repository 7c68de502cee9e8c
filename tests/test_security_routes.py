"""The smaller routes of issue 13: throttles, logout, odd ids, floods, exports, sizes, caches, names."""

import csv
import io

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from documents.middleware import UploadSizeLimitMiddleware
from documents.models import AccessRequest, DownloadLogEntry
from privacy.modeladmin import IntranetModelAdminMixin
from privacy.spreadsheets import neutralise_formula

from .factories import MeetingReportPageFactory, StaffFactory, UserFactory, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")

# Password reset: one limit for the member site's form and the admin's


def test_the_admin_password_reset_is_throttled_with_the_member_sites_limit(member, home, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    client = Client()
    answers = []
    for url in ("/mot-de-passe/oublie/", "/admin/password_reset/") * 3:
        answers.append(client.post(url, {"email": member.email}, REMOTE_ADDR="10.0.0.7").status_code)
    assert answers[:3] == [302, 302, 302]
    assert answers[3:] == [429, 429, 429]
    assert len(mail.outbox) == 3


# The admin's logout: POST only, and a refused GET leaves the session alone


def test_get_admin_logout_neither_logs_out_nor_touches_the_cookie(member, group_a, as_user):
    client = as_user(group_a.people[0])
    response = client.get("/admin/logout/")
    assert response.status_code == 405
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 200


def test_post_admin_logout_logs_out(group_a, as_user):
    client = as_user(group_a.people[0])
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/").status_code == 302


# Ids in query strings: odd ones never cause a server error

ODD_IDS = [
    "²",
    "①",
    "٣",
    "-1",
    "0",
    "12345678901234567890123",
    "1e3",
    " 7",
    "7.0",
    "",
    "０",
    "99999999999999999999",
]
ID_URLS = [
    "/search/?q=canari&groupe={}",
    "/search/?q=canari&page={}",
    "/admin/moderation/?group={}",
    "/admin/moderation/?p={}",
    "/documents/acces/demander/?groupe={}",
    "/documents/acces/demander/?groupe={group}&document={}",
    "/admin/documents/minutes-chooser/?groupe={}",
    "/admin/bulk/documents/librarydocument/delete/?id={}",
    "/admin/bulk/wagtailcore/page/delete/?id={}",
    "/admin/bulk/wagtailcore/page/delete/?id=all&childOf={}",
    "/admin/documents/chooser/chosen-multiple/?id={}",
    "/admin/documents/accessrequest/history/{}/",
    "{programme}recommandations/?page={}",
    "{programme}comptes-rendus/?page={}",
    "/documents/?groupe={}",
    "/documents/?page={}&q=pv",
    "/documents/?du={}&type=minutes",
]


@pytest.mark.parametrize("template", ID_URLS, ids=[f"url-{n}" for n in range(len(ID_URLS))])
def test_odd_ids_in_query_strings_never_cause_a_server_error(template, group_a, board_member, as_user):
    for person in (group_a.people[0], board_member):
        client = as_user(person)
        client.raise_request_exception = False
        for odd in ODD_IDS:
            url = template.format(odd, group=group_a.pk, programme=group_a.get_parent().url)
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)


# A member cannot flood the facilitators and the board


def test_requesting_withdrawing_and_requesting_again_is_limited(group_a, member, as_user, settings):
    minutes = make_minutes(group_a)
    report = MeetingReportPageFactory(parent=group_a, minutes=minutes)
    report.save_revision().publish()
    client = as_user(member)
    data = {"groupe": group_a.pk, "document": minutes.pk, "reason": "Je voudrais lire ce procès-verbal."}
    for _ in range(settings.ACCESS_REQUESTS_PER_TARGET):
        assert client.post("/documents/acces/demander/", data).status_code == 302
        pending = AccessRequest.objects.get(requester=member, status="pending")
        assert client.post(f"/documents/acces/{pending.pk}/retirer/").status_code == 302
    mail.outbox.clear()
    refused = client.post("/documents/acces/demander/", data)
    assert refused.status_code == 400
    assert "Vous avez déjà demandé ces procès-verbaux 3 fois" in refused.content.decode().replace(
        "&#x27;", "'"
    )
    assert "Je voudrais lire ce procès-verbal." in refused.content.decode().replace("&#x27;", "'")  # kept
    assert mail.outbox == []
    assert AccessRequest.objects.filter(requester=member).count() == settings.ACCESS_REQUESTS_PER_TARGET


def test_a_daily_cap_across_documents(group_a, member, settings):
    settings.ACCESS_REQUESTS_PER_DAY = 2
    documents = [make_minutes(group_a, title=f"PV {n}", filename=f"pv-{n}.pdf") for n in range(3)]
    for document in documents[:2]:
        AccessRequest.objects.create(
            requester=member, working_group=group_a, document=document, reason="Lecture."
        )
    with pytest.raises(Exception, match="aujourd'hui"):
        AccessRequest.objects.create(
            requester=member, working_group=group_a, document=documents[2], reason="x"
        )


# CSV exports never hand a spreadsheet a formula


FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.mark.parametrize("title", FORMULAS, ids=["equals", "plus", "minus", "at", "tab"])
def test_csv_exports_neutralise_formulas(title, group_a, board_member, as_user):
    minutes = make_minutes(group_a, title=title, filename="f.pdf")
    DownloadLogEntry.objects.create(user=board_member, document=minutes, document_title=title)
    response = as_user(board_member).get("/admin/documents/downloadlogentry/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + title in cells
    assert title not in cells


def test_every_modeladmin_of_the_project_shares_the_safe_history_and_export():
    from wagtail import hooks
    from wagtail_modeladmin.options import ModelAdmin

    hooks.get_hooks("register_admin_urls")  # imports every app's wagtail_hooks
    ours = [
        cls
        for cls in ModelAdmin.__subclasses__()
        if cls.__module__.split(".")[0] in {"documents", "workinggroups", "home", "search"}
    ]
    assert len(ours) >= 3
    assert all(issubclass(cls, IntranetModelAdminMixin) for cls in ours), ours
    assert neutralise_formula(5) == 5 and neutralise_formula("Réunion") == "Réunion"


def test_modeladmin_histories_are_for_those_who_may_see_the_object(group_a, group_b, member, editor, as_user):
    minutes = make_minutes(group_a, title="PV HISTOIRE4410", filename="h.pdf")
    request = AccessRequest.objects.create(
        requester=member, working_group=group_a, document=minutes, reason="Lire."
    )
    for person in (group_b.facilitator, editor, group_a.people[0]):
        response = as_user(person).get(f"/admin/documents/accessrequest/history/{request.pk}/")
        assert response.status_code == 302 and "HISTOIRE4410" not in response.content.decode()
    assert (
        as_user(group_a.facilitator).get(f"/admin/documents/accessrequest/history/{request.pk}/").status_code
        == 200
    )


# Uploads over the limit are refused from Content-Length, before the body is read


class Unreadable:
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_body_is_refused_before_it_is_read(settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024 * 1024
    request = RequestFactory().post(
        "/admin/documents/add/", data=b"", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(50 * 1024 * 1024)
    request.META["wsgi.input"] = Unreadable()
    response = UploadSizeLimitMiddleware(lambda r: pytest.fail("the view ran"))(request)
    assert response.status_code == 413
    assert "trop gros" in response.content.decode() and "1,0" in response.content.decode()


def test_the_whole_stack_refuses_an_oversized_body_before_reading_it(settings, group_a, as_user):
    """The middleware is in place, and nothing before it reads the body (the session, CSRF, the
    login rule): a 50 MB upload is refused from its Content-Length, logged in, through every layer."""
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024 * 1024
    client = as_user(group_a.facilitator)
    response = client.post(
        "/admin/documents/add/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "trop gros" in response.content.decode()


def test_a_body_within_the_limit_goes_through(group_a, as_user):
    response = as_user(group_a.facilitator).get("/admin/documents/add/")
    assert response.status_code == 200


# Member pages are private to the person


def test_member_pages_say_no_shared_cache_may_keep_them(group_a, member, as_user):
    client = as_user(member)
    for url in (
        "/",
        group_a.url,
        group_a.get_parent().url,
        "/search/?q=groupe",
        "/documents/acces/mes-demandes/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "private" in directives and "public" not in directives, url
        assert "Cookie" in response["Vary"]
    cached = client.get(group_a.url)  # from the page cache this time
    assert "private" in cached["Cache-Control"]


# Names come from the register


@pytest.mark.parametrize("who", ["member of the group", "staff, not superuser"])
def test_a_person_cannot_take_another_members_name(who, group_a, as_user):
    """Names come from the register of members: only a superuser edits them (staff do not)."""
    other = group_a.people[1]
    person = group_a.people[0] if who == "member of the group" else StaffFactory(username="personnel")
    client = as_user(person)
    before = (person.first_name, person.last_name)
    response = client.post(
        "/admin/account/",
        {
            "name_email-first_name": other.first_name,
            "name_email-last_name": other.last_name,
            "name_email-email": "nouvelle-adresse@example.org",
            "locale-preferred_language": "fr",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302  # the form was accepted: the names were ignored, not refused
    person.refresh_from_db()
    assert person.email == "nouvelle-adresse@example.org"
    assert (person.first_name, person.last_name) == before
    page = client.get("/admin/account/").content.decode()
    assert "registre des sociétaires" in page


def test_a_superuser_still_edits_names_in_users(superuser, as_user):
    target = UserFactory(username="a-renommer", first_name="Ancien", last_name="Nom")
    client = as_user(superuser)
    page = client.get(f"/admin/users/edit/{target.pk}/")
    assert page.status_code == 200 and 'name="first_name"' in page.content.decode()
