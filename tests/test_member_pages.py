"""Every page type renders for a member, and sends an anonymous visitor to the login page."""

import re

import pytest
from django.test import Client

from .factories import MeetingReportPageFactory, RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def tree(home, programme, group_a):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de lancement", guests="Experte invitée")
    report.tags.add("gouvernance")
    report.attendees.set([group_a.facilitator, *group_a.people[:2]])
    report.save_revision().publish()
    recommendation = RecommendationPageFactory(parent=group_a, title="Créer un comité permanent", number=7)
    recommendation.tags.add("éthique")
    recommendation.save_revision().publish()
    return {"home": home, "programme": programme, "group": group_a, "report": report, "reco": recommendation}


def urls(tree):
    programme = tree["programme"]
    return {
        "home": tree["home"].url,
        "programme": programme.url,
        "group": tree["group"].url,
        "report": tree["report"].url,
        "recommendation": tree["reco"].url,
        "tracker": programme.url + programme.reverse_subpage("tracker"),
        "reports": programme.url + programme.reverse_subpage("reports"),
    }


EXPECTED = {
    "home": ["Programmes de groupes de travail", "Groupes de travail 2017-2018", "Réunion de lancement"],
    "programme": ["Le comité éthique", "Animation", "Suivi des recommandations"],
    "group": [
        "Le comité éthique",
        "Réunion de lancement",
        "Créer un comité permanent",
        "Composition du groupe",
    ],
    "report": ["Réunion de lancement", "Experte invitée", "gouvernance", "Le comité éthique"],
    "recommendation": ["Recommandation n° 7", "Créer un comité permanent", "Faire mieux."],
    "tracker": ["Suivi des recommandations", "Créer un comité permanent"],
    "reports": ["Comptes rendus de réunion", "Réunion de lancement"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_member_reads_every_page_type_in_french(tree, member, as_user, name):
    client = as_user(member)
    response = client.get(urls(tree)[name])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert 'aria-label="Navigation principale"' in html
    for text in EXPECTED[name]:
        assert text in html, f"{text!r} missing from the {name} page"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_visitor_is_sent_to_login_and_back(tree, name):
    url = urls(tree)[name]
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_login_brings_the_member_back_where_they_were_going(tree, member):
    client = Client()
    target = urls(tree)["group"]
    response = client.post(
        f"/login/?next={target}", {"username": "membre", "password": "correct-horse-battery", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_unknown_urls_and_the_document_server_also_require_login(tree):
    for url in ["/nexiste-pas/", "/documents/1/pv.pdf", "/mot-de-passe/changer/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_breadcrumbs_lead_back_to_home(tree, member, as_user):
    html = as_user(member).get(urls(tree)["report"]).content.decode()
    crumbs = html[html.index('aria-label="Fil d’Ariane"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert ">Accueil<" in crumbs
    assert "Groupes de travail 2017-2018" in crumbs
    assert "Le comité éthique" in crumbs
    assert 'aria-current="page"' in crumbs


def test_tracker_filters_by_group_and_tag(tree, group_b, member, as_user):
    other = RecommendationPageFactory(parent=group_b, title="Publier les comptes", number=8)
    other.tags.add("transparence")
    other.save_revision().publish()
    client = as_user(member)
    tracker = urls(tree)["tracker"]

    by_group = client.get(tracker, {"groupe": "finances"}).content.decode()
    assert "Publier les comptes" in by_group and "Créer un comité permanent" not in by_group

    by_tag = client.get(tracker, {"tag": "ethique"}).content.decode()
    assert "Créer un comité permanent" in by_tag and "Publier les comptes" not in by_tag

    unknown = client.get(tracker, {"groupe": "inconnu"})
    assert unknown.status_code == 200
    assert "Ce groupe n&#x27;existe pas dans ce programme" in unknown.content.decode()


def test_tracker_paginates_and_keeps_the_filters(tree, member, as_user):
    for number in range(100, 125):
        reco = RecommendationPageFactory(parent=tree["group"], number=number, title=f"Reco {number}")
        reco.tags.add("éthique")
        reco.save_revision().publish()
    client = as_user(member)
    first = client.get(urls(tree)["tracker"], {"tag": "ethique"}).content.decode()
    assert "Page 1 sur 2" in first
    assert "?tag=ethique&amp;page=2" in first
    second = client.get(urls(tree)["tracker"], {"tag": "ethique", "page": 2}).content.decode()
    assert "Reco 124" in second and "Page 2 sur 2" in second
    # A page number that is not a number does not break the listing.
    assert client.get(urls(tree)["tracker"], {"page": "abc"}).status_code == 200


def test_drafts_are_not_listed_to_members(tree, member, as_user):
    draft = RecommendationPageFactory(parent=tree["group"], title="Brouillon secret", number=99, live=False)
    assert not draft.live
    client = as_user(member)
    for name in ("group", "tracker", "programme", "home"):
        assert "Brouillon secret" not in client.get(urls(tree)[name]).content.decode()
    assert client.get(draft.url or f"{tree['group'].url}{draft.slug}/").status_code == 404


def test_a_groups_size_is_counted_once_and_said_alike_on_its_page_and_the_programmes(
    group_a, programme, member, as_user
):
    """Facilitator, board liaison and three members: five people, the same on both pages."""
    client = as_user(member)
    said = "5 personnes, dont 3 membres hors animation et Conseil"
    group_page = " ".join(client.get(group_a.url).content.decode().split())
    programme_page = " ".join(client.get(programme.url).content.decode().split())
    assert said in group_page and said in programme_page
    mix = re.search(r"Profils : (.*?)</span>", group_page).group(1)
    assert mix in programme_page
    assert sum(int(n) for n in re.findall(r"(\d+)", mix)) == 5


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_page_titles_say_where_one_is_once(group_a, programme, member, as_user):
    client = as_user(member)
    home = client.get("/").content.decode()
    assert _title(home).count("Intranet des sociétaires") == 1
    tracker = programme.url + programme.reverse_subpage("tracker")
    for number in range(1, 23):
        RecommendationPageFactory(parent=group_a, number=number, live=False).save_revision().publish()
    first = _title(client.get(tracker).content.decode())
    second = _title(client.get(tracker, {"page": 2}).content.decode())
    filtered = _title(client.get(tracker, {"groupe": group_a.slug, "position": "received"}).content.decode())
    assert len({first, second, filtered}) == 3
    assert "page 2 sur 2" in second
    assert group_a.title in filtered and "reçue par le Conseil" in filtered


def test_a_listings_breadcrumb_marks_the_listing_not_the_programme_as_current(programme, member, as_user):
    for name, label in (("tracker", "Suivi des recommandations"), ("reports", "Comptes rendus")):
        html = as_user(member).get(programme.url + programme.reverse_subpage(name)).content.decode()
        crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group()
        current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', crumbs)
        assert current == [label]
        assert f'<a href="{programme.url}">{programme.title}</a>' in crumbs


def test_a_message_and_a_filtered_count_take_the_focus_to_be_read(group_a, programme, member, as_user):
    """A live region present when the page opens is not announced: the message after an action and
    the count after filtering take the focus instead (WCAG 4.1.3)."""
    from documents.models import AccessRequest

    from .factories import make_minutes

    client = as_user(member)
    AccessRequest.objects.create(
        requester=member, working_group=group_a, document=make_minutes(group_a), reason="Lire."
    )
    pending = AccessRequest.objects.get()
    response = client.post(f"/documents/acces/{pending.pk}/retirer/", follow=True)
    message = re.search(r'<div class="messages"[^>]*>', response.content.decode()).group()
    assert 'role="status"' in message and 'tabindex="-1"' in message and "autofocus" in message
    tracker = programme.url + programme.reverse_subpage("tracker")
    filtered = client.get(tracker, {"groupe": group_a.slug}).content.decode()
    assert re.search(r'<p class="result-count" role="status" tabindex="-1" autofocus>', filtered)
    unfiltered = client.get(tracker).content.decode()
    assert "autofocus" not in re.search(r'<p class="result-count"[^>]*>', unfiltered).group()


def test_a_groups_reports_table_links_each_report_it_may_open_oldest_first(tree, group_a, member, as_user):
    # The table is built from plain rows (workinggroups/models/groups.py, report_rows): each link must be
    # the report's own URL as Wagtail gives it, with its date and kind, and nothing unpublished.
    import datetime  # only this test builds dates

    day = tree["report"].date - datetime.timedelta(days=30)
    older = MeetingReportPageFactory(parent=group_a, title="Visite d'une coopérative", kind="visit", date=day)
    MeetingReportPageFactory(parent=group_a, title="Brouillon non publié", live=False)
    html = as_user(member).get(group_a.url).content.decode()
    table = html.split('id="meetings-title"', 1)[1].split("</table>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', table)
    expected = [(older.url, "Visite d&#x27;une coopérative"), (tree["report"].url, "Réunion de lancement")]
    assert links == expected
    assert f'<time datetime="{day:%Y-%m-%d}">' in table and "visite de structure" in table
    assert "Brouillon" not in table
