"""The "Documentation et ressources" page: the documents a member may open, filtered (issue 17, item 6).

Minutes of a restricted collection are listed only to those who may open them (documents/access.py),
and their titles never reach anyone else: not the list, the count, the filters or the <title>.
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from documents.library import ensure_library
from documents.models import AccessRequest, DocumentKind, LibraryDocument
from documents.pdf import minimal_pdf

from .factories import UserFactory, make_minutes, make_working_group

pytestmark = pytest.mark.usefixtures("shared_world")

URL = "/documents/"
SECRET = "PV SECRETLIBRARY4471"
SECRET_WORD = "SECRETLIBRARY4471"


def make_resource(title, kind=DocumentKind.RESOURCE, filename="guide.pdf", added=None, group=None, lines=()):
    """A document of the open "Ressources" collection, added to the library on ``added``."""
    resources, _minutes, _archives = ensure_library()
    document = LibraryDocument(title=title, collection=resources, kind=kind, working_group=group)
    document.file.save(filename, ContentFile(minimal_pdf(title, list(lines) or ["Texte."])), save=False)
    document._set_document_file_metadata()
    document.save()
    if added:
        moment = timezone.make_aware(datetime.datetime.combine(added, datetime.time(10)))
        LibraryDocument.objects.filter(pk=document.pk).update(created_at=moment)
    return document


def grant(user, group, document=None, days=30):
    now = timezone.now()
    return AccessRequest.objects.create(
        requester=user,
        working_group=group,
        document=document,
        reason="Pour comprendre.",
        status=AccessRequest.Status.GRANTED,
        decided_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )


@pytest.fixture
def library(group_a, group_b):
    """Two open resources, and minutes of each group (A's carry the secret title)."""
    return {
        "guide": make_resource(
            "Guide de l'animation des groupes de travail",
            DocumentKind.GUIDE,
            "guide-animation.pdf",
            added=datetime.date(2017, 9, 4),
        ),
        "presentation": make_resource(
            "Présentation à l'assemblée générale",
            DocumentKind.PRESENTATION,
            "presentation-ag.pdf",
            added=datetime.date(2018, 6, 19),
        ),
        "secret": make_minutes(
            group_a, title=SECRET, filename="pv-a.pdf", meeting_date=datetime.date(2017, 10, 10)
        ),
        "minutes_b": make_minutes(
            group_b,
            title="PV des finances d'octobre",
            filename="pv-b.pdf",
            meeting_date=datetime.date(2017, 10, 12),
        ),
    }


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def listed(html):
    """The titles of the documents listed, in order."""
    return re.findall(r'<a href="/documents/\d+/[^"]*" download[^>]*>([^<]*)<', html)


def count_of(html):
    return int(re.search(r'class="result-count"[^>]*>(\d+) document', html).group(1))


# What a member sees


def test_a_member_browses_the_open_documents_with_their_group_kind_date_type_and_size(
    library, member, as_user
):
    html = page(as_user(member))
    assert listed(html) == [
        "Présentation à l&#x27;assemblée générale",
        "Guide de l&#x27;animation des groupes de travail",
    ]
    row = html[html.index("Guide de l&#x27;animation") :].split("</tr>")[0]
    assert "Ressources" in row and "Guide" in row
    assert "4 septembre 2017" in row and 'datetime="2017-09-04"' in row
    size = library["guide"].file_size
    assert f"PDF, {size}\u00a0octets" in row or re.search(r"PDF, [\d,]+\u00a0ko", row)
    assert count_of(html) == 2


def test_the_download_link_goes_through_the_serving_view(library, member, as_user):
    client = as_user(member)
    html = page(client)
    link = re.search(rf"<a href=\"(/documents/{library['guide'].pk}/[^\"]+)\" download", html).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_page_is_in_the_main_navigation_and_marked_current_there(library, member, as_user, home):
    client = as_user(member)
    assert '<a href="/documents/">Documentation et ressources</a>' in client.get("/").content.decode()
    assert '<a href="/documents/" aria-current="page">Documentation et ressources</a>' in page(client)


def test_anonymous_visitors_are_sent_to_login(library):
    response = Client().get(URL + f"?q={SECRET_WORD}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert SECRET_WORD not in response.content.decode()


# Who sees the minutes of group A


@pytest.fixture
def people(group_a, group_b, member, board_member):
    grantee, document_grantee, expired = (
        UserFactory(username=name) for name in ("beneficiaire", "beneficiaire-pv", "acces-expire")
    )
    return {
        "member": member,
        "member of B": group_b.people[0],
        "facilitator of B": group_b.facilitator,
        "member of A": group_a.people[0],
        "facilitator of A": group_a.facilitator,
        "liaison of A": group_a.liaison,
        "board": board_member,
        "grant on A's minutes": grantee,
        "grant on the document": document_grantee,
        "expired grant": expired,
    }


SEES_A = {
    "member of A",
    "facilitator of A",
    "liaison of A",
    "board",
    "grant on A's minutes",
    "grant on the document",
}


@pytest.mark.parametrize(
    "role",
    [
        "member",
        "member of B",
        "facilitator of B",
        "member of A",
        "facilitator of A",
        "liaison of A",
        "board",
        "grant on A's minutes",
        "grant on the document",
        "expired grant",
    ],
)
def test_minutes_are_listed_only_to_those_who_may_open_them(role, library, people, group_a, as_user):
    grant(people["grant on A's minutes"], group_a)
    grant(people["grant on the document"], group_a, document=library["secret"])
    grant(people["expired grant"], group_a, days=-1)
    html = page(as_user(people[role]))
    assert (SECRET in html) == (role in SEES_A)
    sees_b = {"member of B", "facilitator of B", "board", "liaison of A"}  # a liaison is on the board
    assert count_of(html) == 2 + (role in SEES_A) + (role in sees_b)


ADVERSARIAL = [
    {"q": SECRET_WORD},
    {"q": "PV"},
    {"type": "minutes"},
    {"groupe": "{group_a}"},
    {"groupe": "{group_a}", "type": "minutes", "du": "2017-10-01", "au": "2017-10-31"},
    {"collection": "{collection_a}"},
    {"collection": "{collection_a}", "q": SECRET_WORD},
    {"id": "{secret}"},
    {"document": "{secret}", "groupe": "{group_a}"},
    {"du": "2017-10-10", "au": "2017-10-10"},
    {"page": "2"},
]


@pytest.mark.parametrize("role", ["member", "member of B", "expired grant"])
@pytest.mark.parametrize("params", ADVERSARIAL, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_no_query_string_reveals_minutes_one_may_not_open(role, params, library, people, group_a, as_user):
    grant(people["expired grant"], group_a, days=-1)
    values = {
        "group_a": group_a.pk,
        "collection_a": library["secret"].collection_id,
        "secret": library["secret"].pk,
    }
    html = page(as_user(people[role]), **{key: value.format(**values) for key, value in params.items()})
    assert SECRET not in html and SECRET not in title_of(html)
    assert library["secret"].url not in html and "pv-a" not in html
    # The count is of what the person may open: A's minutes are not counted, even as a number.
    if params.get("groupe") or params.get("q") == SECRET_WORD:
        assert count_of(html) == 0


def test_a_restricted_groups_title_is_not_offered_as_a_filter(library, group_a, programme, member, as_user):
    hidden = make_working_group(programme, title="Groupe confidentiel SECRETGROUP9021", slug="confidentiel")
    restriction = PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([hidden.django_group])
    html = page(as_user(member))
    assert "SECRETGROUP9021" not in html and "Le comité éthique" in html
    hidden_html = page(as_user(member), groupe=hidden.pk)
    assert "SECRETGROUP9021" not in hidden_html
    assert "Le filtre de groupe ne correspond à aucun groupe visible." in hidden_html
    assert "SECRETGROUP9021" in page(as_user(hidden.people[0]))


def test_a_group_whose_minutes_one_may_not_open_says_they_are_on_request(library, group_a, member, as_user):
    html = page(as_user(member), groupe=group_a.pk)
    assert count_of(html) == 0
    assert "Les procès-verbaux de ce groupe sont disponibles sur demande." in html
    assert f'href="{group_a.url}"' in html
    assert "disponibles sur demande" not in page(as_user(group_a.people[0]), groupe=group_a.pk)


# Filters


def test_filters_by_group_kind_period_and_words(library, group_a, group_b, as_user, board_member):
    client = as_user(board_member)
    assert listed(page(client, groupe=group_b.pk)) == ["PV des finances d&#x27;octobre"]
    assert listed(page(client, type="guide")) == ["Guide de l&#x27;animation des groupes de travail"]
    assert listed(page(client, type="minutes")) == ["PV des finances d&#x27;octobre", SECRET]
    # The meeting's date for minutes, the day it was added for the others.
    assert listed(page(client, du="2017-10-11", au="2018-06-19")) == [
        "Présentation à l&#x27;assemblée générale",
        "PV des finances d&#x27;octobre",
    ]
    assert listed(page(client, au="2017-09-04")) == ["Guide de l&#x27;animation des groupes de travail"]
    assert listed(page(client, q="assemblée")) == ["Présentation à l&#x27;assemblée générale"]
    assert listed(page(client, q="guide animation")) == ["Guide de l&#x27;animation des groupes de travail"]
    assert listed(page(client, q="guide assemblée")) == []
    assert listed(page(client, q="octobre", groupe=group_a.pk)) == []


def test_the_chosen_filters_stay_chosen_in_the_form(library, group_b, board_member, as_user):
    html = page(
        as_user(board_member), groupe=group_b.pk, type="minutes", du="2017-10-01", au="2017-10-31", q="PV"
    )
    assert f'<option value="{group_b.pk}" selected' in html
    assert '<option value="minutes" selected>' in html
    assert 'name="du" value="2017-10-01"' in html and 'name="au" value="2017-10-31"' in html
    assert 'name="q" value="PV"' in html


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"groupe": "abc"}, "Le filtre de groupe ne correspond à aucun groupe visible."),
        ({"groupe": "987654"}, "Le filtre de groupe ne correspond à aucun groupe visible."),
        ({"groupe": "12345678901234567890123"}, "Le filtre de groupe ne correspond à aucun groupe visible."),
        ({"type": "secret"}, "Ce type de document n&#x27;existe pas : tous les types sont affichés."),
        ({"du": "2018-02-30"}, "La date « 2018-02-30 » n&#x27;est pas une date valide"),
        ({"au": "hier"}, "La date « hier » n&#x27;est pas une date valide"),
        ({"du": "0001-01-01"}, "La date « 0001-01-01 » n&#x27;est pas une date valide"),
        ({"q": "!!!"}, "Votre recherche ne contient aucun mot"),
    ],
)
def test_an_unknown_filter_value_is_said_and_everything_else_shown(library, member, as_user, params, notice):
    html = page(as_user(member), **params)
    assert notice in html
    assert count_of(html) == 2


def test_a_period_given_backwards_is_turned_round_and_said(library, board_member, as_user):
    html = page(as_user(board_member), du="2017-10-31", au="2017-10-01")
    assert "ses deux dates sont inversées" in html
    assert count_of(html) == 2
    assert 'name="du" value="2017-10-01"' in html


def test_french_dates_typed_by_hand_are_understood(library, board_member, as_user):
    assert count_of(page(as_user(board_member), du="11/10/2017", au="19/06/2018")) == 2


def test_pages_keep_the_filters_and_the_title_says_which_page_and_filters(
    library, group_a, board_member, as_user, monkeypatch
):
    monkeypatch.setattr("documents.listing.PER_PAGE", 1)
    client = as_user(board_member)
    first = page(client, type="minutes")
    assert "Documentation et ressources (procès-verbal) ·" in title_of(first)
    assert "page=2" in first and "type=minutes" in first
    second = page(client, type="minutes", page="2")
    assert "page 2 sur 2" in title_of(second)
    assert listed(second) == [SECRET]
    assert listed(page(client, type="minutes", page="abc")) == ["PV des finances d&#x27;octobre"]
    grouped = title_of(page(client, groupe=group_a.pk, q="PV"))
    assert "Le comité éthique" in grouped and "Recherche : PV" in grouped and SECRET_WORD not in grouped


# Cost


def test_the_page_costs_the_same_queries_with_5_or_25_documents(group_a, group_b, member, as_user):
    client = as_user(group_a.people[0])
    grant(group_a.people[0], group_b)

    def fill(start, count):
        for n in range(start, start + count):
            make_resource(f"Ressource {n}", filename=f"r{n}.pdf")
            make_minutes(group_a, title=f"PV A {n}", filename=f"a{n}.pdf")

    last = []

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            page(client, **params)
        last[:] = captured.captured_queries
        return len(captured)

    fill(0, 5)
    client.get(URL)  # warm per-process caches
    params = [{}, {"groupe": group_a.pk}, {"q": "ressource"}, {"type": "minutes", "du": "2017-01-01"}]
    few = [queries(**p) for p in params]
    fill(5, 20)
    many = [queries(**p) for p in params]
    assert few == many
    # Session, person, rights (pages, collections, grants), menu, permissions: a fixed few, however many rows.
    assert max(many) <= 20, "\n".join(q["sql"] for q in last)
