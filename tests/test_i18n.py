"""French, Dutch and English: each person reads the intranet, the admin and their emails in
the language they chose, and rendered pages hold no text the catalogues do not translate."""

import datetime
import html
import re
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from wagtail.users.models import UserProfile

from home.models import HomePage
from languages.formats import human_size
from workinggroups.models import BoardDecision, BoardPosition, Fact

from .conftest import _group, rolled_back, world_entry
from .factories import (
    PASSWORD,
    BoardMemberFactory,
    MeetingReportPageFactory,
    ProgrammePageFactory,
    RecommendationPageFactory,
    UserFactory,
    make_minutes,
    make_working_group,
)
from .workflow_helpers import act, draft_report_in_admin

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["fr", "nl", "en"]
#: A few strings checked word for word, so that a wrong catalogue cannot pass by itself.
ANCHORS = {
    "fr": ["Rechercher", "Se déconnecter", "Mes demandes d'accès"],
    "nl": ["Zoeken", "Afmelden"],
    "en": ["Search", "Log out"],
}


def choose(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def client_for(user):
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def in_language(language, msgid):
    with translation.override(language):
        return translation.gettext(msgid)


def visible_text(response):
    """What a person reads: the text and the user-facing attributes, not the markup."""
    content = response.content.decode()
    content = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", content)
    attributes = re.findall(r'(?:title|alt|placeholder|aria-label)="([^"]*)"', content)
    text = re.sub(r"(?s)<[^>]+>", " ", content)
    return " ".join(html.unescape(" ".join([text, *attributes])).split())


@pytest.fixture(scope="module")
def site_rows(django_db_setup, django_db_blocker):
    """Content with neutral names, so that any French on a Dutch or English page comes from the
    interface: built once for the module, in a transaction rolled back at its end (each test runs in
    a savepoint inside it, as with tests/conftest.py's ``shared_world``)."""
    with django_db_blocker.unblock(), rolled_back():
        yield _build_site(HomePage.objects.get())


@pytest.fixture
def site(site_rows, db):
    """Fresh copies of the rows for each test: what one test changes on them is not seen by the next."""
    fresh = {key: type(row).objects.get(pk=row.pk) for key, row in site_rows.items() if key != "urls"}
    fresh["group"] = _group(world_entry(site_rows["group"]))  # its people read afresh too
    return {**fresh, "urls": site_rows["urls"]}


def _build_site(home):
    programme = ProgrammePageFactory(parent=home, title="Programme 2030", slug="programme-2030")
    group = make_working_group(programme, title="Group Alpha", slug="alpha")
    group.mission = "Alpha mission."
    group.save_revision().publish()
    minutes = make_minutes(group, title="Alpha minutes", filename="alpha.pdf")
    report = MeetingReportPageFactory(
        parent=group,
        title="Alpha meeting",
        slug="alpha-meeting",
        date=datetime.date(2017, 10, 12),
        minutes=minutes,
    )
    report.summary = "<p>Alpha summary.</p>"
    report.save_revision().publish()
    recommendation = RecommendationPageFactory(
        parent=group, title="Alpha proposal", number=1, text="<p>Alpha.</p>"
    )
    recommendation.save_revision().publish()
    member = UserFactory(username="reader")
    # Amended by the board: the page then shows what changed, with its labels in each language.
    decision = BoardDecision.objects.get(recommendation=recommendation)
    board = UserFactory(username="board-reader", is_superuser=True)
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board)
    decision.record(
        Fact.POSITION, BoardPosition.AMENDED, board, amended_text="Alpha, amended.", reasoning="Clearer."
    )
    return {
        "programme": programme,
        "group": group,
        "report": report,
        "recommendation": recommendation,
        "minutes": minutes,
        "member": member,
        "urls": {
            "home": home.url,
            "programme": programme.url,
            "group": group.url,
            "report": report.url,
            "recommendation": recommendation.url,
            "tracker": programme.url + programme.reverse_subpage("tracker"),
            "reports": programme.url + programme.reverse_subpage("reports"),
            "search": "/search/?q=alpha",
            "my requests": "/documents/acces/mes-demandes/",
            "my account": "/mon-compte/",
            "password change": "/mot-de-passe/changer/",
        },
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_in_the_language_the_member_chose(site, language):
    choose(site["member"], language)
    client = client_for(site["member"])
    for name, url in site["urls"].items():
        response = client.get(url)
        assert response.status_code == 200, name
        content = response.content.decode()
        assert f'<html lang="{language}"' in content, name
        text = visible_text(response)
        for anchor in ANCHORS[language]:
            assert anchor in text, f"{name} in {language} lacks {anchor!r}"
        # The switcher names each language in itself, whatever the page's language.
        for code, autonym in (("fr", "Français"), ("nl", "Nederlands"), ("en", "English")):
            assert f'value="{code}" lang="{code}"' in content and f">{autonym}</button>" in content, name
        for msgid in ("Rechercher", "Se déconnecter", "Mes demandes d'accès"):
            translated = in_language(language, msgid)
            assert translated in text, f"{name}: {translated!r}"
            if language != "fr":
                assert translated != msgid, f"{msgid!r} is not translated into {language}"


def _interface_phrases(language):
    """French interface phrases that the catalogue translates differently in ``language``."""
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    phrases = []
    for entry in catalogue.translated_entries():
        text = entry.msgid
        if "%" in text or "{" in text or len(text) < 12 or len(text.split()) < 2:
            continue  # placeholders change the text; short words may be names or content
        if entry.msgstr and entry.msgstr != text:
            phrases.append(text)
    return phrases


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_french_interface_text_is_left_on_dutch_and_english_pages(site, language, board_member):
    """Rendered pages compared with the catalogue: none of its French phrases may be shown as
    is, which catches text translated too early (at import time) or rendered outside a language."""
    phrases = _interface_phrases(language)
    assert len(phrases) > 100
    pages = {}
    for person in (site["member"], site["group"].people[0], site["group"].facilitator, board_member):
        choose(person, language)
        client = client_for(person)
        for name, url in site["urls"].items():
            pages[f"{name} as {person.username}"] = visible_text(client.get(url))
    facilitator = client_for(site["group"].facilitator)
    for name, url in {
        "dashboard": "/admin/",
        "queue": "/admin/moderation/",
        "account": "/admin/account/",
        "decisions": "/admin/workinggroups/boarddecision/",
    }.items():
        pages[name] = visible_text(facilitator.get(url))
    pages["login"] = visible_text(Client(headers={"cookie": f"django_language={language}"}).get("/login/"))
    # Page titles and the site's name are content, written once in French by editors (content
    # translation is out of scope): the home page is titled "Intranet des sociétaires".
    from wagtail.models import Page, Site

    content = set(Page.objects.values_list("title", flat=True)) | set(
        Site.objects.values_list("site_name", flat=True)
    )
    phrases = [phrase for phrase in phrases if phrase not in content]
    left = {name: [p for p in phrases if p in text] for name, text in pages.items()}
    assert {name: found for name, found in left.items() if found} == {}


def test_dates_and_numbers_follow_the_language(site):
    expected = {"fr": "12 octobre 2017", "nl": "12 oktober 2017", "en": "Oct. 12, 2017"}
    member = site["group"].people[0]  # a group member sees the minutes with their size
    for language, date in expected.items():
        choose(member, language)
        client = client_for(member)
        assert date in visible_text(client.get(site["urls"]["report"])), language
        group_page = visible_text(client.get(site["urls"]["group"]))
        size = size_in(language, site["minutes"].file_size)
        assert " ".join(size.split()) in group_page, language
    assert "octets" in size_in("fr", 900) and "bytes" in size_in("en", 900)
    assert size_in("fr", 1_300_000) == "1,2\xa0Mo" and size_in("en", 1_300_000) == "1.2\xa0MB"
    assert size_in("nl", 1_300_000) == "1,2\xa0MB"


def size_in(language, size):
    with translation.override(language):
        return human_size(size)


def test_the_switcher_saves_the_choice_for_the_person(site):
    member = site["member"]
    client = client_for(member)
    group_url = site["urls"]["group"]
    assert 'lang="fr"' in client.get(group_url).content.decode()
    response = client.post("/langue/", {"language": "nl", "next": group_url})
    assert response.status_code == 302 and response["Location"] == group_url
    assert UserProfile.get_for_user(member).preferred_language == "nl"
    assert "Zoeken" in visible_text(client.get(group_url))
    # On another device, with no cookie: still Dutch, because it is the person's choice.
    elsewhere = client_for(member)
    assert "django_language" not in elsewhere.cookies
    assert 'lang="nl"' in elsewhere.get(group_url).content.decode()


def test_the_switcher_refuses_what_it_should(site):
    member = site["member"]
    client = client_for(member)
    assert client.get("/langue/").status_code == 405
    response = client.post("/langue/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert UserProfile.get_for_user(member).preferred_language == ""
    assert 'lang="fr"' in client.get("/").content.decode()
    response = client.post("/langue/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post("/langue/", {"language": "nl", "next": "/"}).status_code == 403
    assert UserProfile.get_for_user(member).preferred_language == "en"


def test_the_login_page_switches_language_before_login(db):
    client = Client()
    assert "Identifiant" in visible_text(client.get("/login/"))
    response = client.post("/langue/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    page = visible_text(client.get("/login/"))
    assert in_language("en", "Identifiant") in page and "Identifiant" not in page
    browser_dutch = Client(headers={"accept-language": "nl-BE,nl;q=0.9"})
    assert 'lang="nl"' in browser_dutch.get("/login/").content.decode()


def test_a_language_chosen_on_the_login_page_is_kept_for_the_person(site):
    member = site["member"]
    client = Client()
    client.post("/langue/", {"language": "en", "next": "/login/"})
    assert client.post("/login/", {"username": member.username, "password": PASSWORD}).status_code == 302
    assert UserProfile.get_for_user(member).preferred_language == "en"
    assert 'lang="en"' in client_for(member).get("/").content.decode()  # another device, no cookie
    # Someone who already chose keeps their choice.
    dutch = UserFactory(username="nederlands")
    choose(dutch, "nl")
    client = Client()
    client.post("/langue/", {"language": "en", "next": "/login/"})
    client.post("/login/", {"username": dutch.username, "password": PASSWORD})
    assert UserProfile.get_for_user(dutch).preferred_language == "nl"
    assert 'lang="nl"' in client.get("/").content.decode()


def test_a_cached_page_is_never_served_in_another_language(site, settings):
    settings.PAGE_CACHE_SECONDS = 600
    french, dutch = site["member"], UserFactory(username="lezer")  # the same rights
    choose(dutch, "nl")
    url = site["urls"]["group"]
    first = client_for(french).get(url)
    assert 'lang="fr"' in first.content.decode()
    second = client_for(dutch).get(url)
    assert 'lang="nl"' in second.content.decode()
    assert client_for(french).get(url)["X-Page-Cache"] == "hit"
    client = client_for(french)
    client.post("/langue/", {"language": "en", "next": url})
    assert 'lang="en"' in client.get(url).content.decode()


def test_the_admin_follows_the_persons_language(site):
    facilitator = site["group"].facilitator
    choose(facilitator, "nl")
    response = client_for(facilitator).get("/admin/")
    assert 'lang="nl"' in response.content.decode()
    dashboard = visible_text(response) + response.content.decode()
    assert "Pages à relire" not in dashboard
    # The menu is JSON for Wagtail's sidebar; the panels are HTML.
    assert "Te herlezen pagina" in dashboard


def test_access_request_emails_are_in_each_recipients_language(site, board_member):
    facilitator = site["group"].facilitator
    second_board = BoardMemberFactory(username="conseil-2")
    choose(facilitator, "nl")
    choose(board_member, "en")  # second_board chose nothing: French
    requester = site["member"]
    choose(requester, "en")
    client = client_for(requester)
    mail.outbox.clear()
    response = client.post(
        "/documents/acces/demander/",
        {
            "groupe": site["group"].pk,
            "document": site["minutes"].pk,
            "reason": "For a newsletter.",
            "next": "/",
        },
    )
    assert response.status_code == 302
    by_person = {message.to[0].split("@")[0]: message for message in mail.outbox}
    assert set(by_person) >= {facilitator.username, board_member.username, second_board.username}
    subject_msgid = _msgid_of("documents/emails/request_received_subject.txt")
    for person, language in ((facilitator, "nl"), (board_member, "en"), (second_board, "fr")):
        message = by_person[person.username]
        words = _first_words(subject_msgid, language)
        assert words in message.subject, (language, message.subject)
        html_part = message.alternatives[0][0]
        assert f'lang="{language}"' in html_part or language == "fr"
        if language != "fr":
            assert _first_words(subject_msgid, "fr") not in message.subject


def test_moderation_emails_are_in_the_recipients_language(site, editor, board_member):
    facilitator = site["group"].facilitator
    choose(facilitator, "nl")
    choose(editor, "en")
    mail.outbox.clear()
    report = draft_report_in_admin(client_for(editor), site["group"], title="Beta meeting")
    (message,) = [m for m in mail.outbox if facilitator.email in m.to]
    task = in_language("nl", "Relecture par l'animation du groupe")
    assert task != "Relecture par l'animation du groupe"
    assert task in message.subject and task in message.body
    html_part = message.alternatives[0][0]
    assert 'lang="nl"' in html_part and task in html_part
    assert "Relecture par l'animation" not in message.body + html_part
    mail.outbox.clear()
    act(client_for(facilitator), report, "reject", comment="Please add the date.")
    (rejected,) = [m for m in mail.outbox if editor.email in m.to]
    html_part = rejected.alternatives[0][0]
    assert 'lang="en"' in html_part and "Please add the date." in rejected.body
    assert "Modifications demandées" not in rejected.subject + rejected.body + html_part


def test_password_reset_email_is_in_the_persons_language(db):
    person = UserFactory(username="dutch", email="dutch@example.org")
    choose(person, "nl")
    mail.outbox.clear()
    assert Client().post("/mot-de-passe/oublie/", {"email": "dutch@example.org"}).status_code == 302
    (message,) = mail.outbox
    with translation.override("nl"):
        from django.template.loader import render_to_string

        subject = render_to_string("registration/password_reset_subject.txt", {"site_name": "x"}).strip()
    first_words = subject.split()[0]
    assert first_words in message.subject
    with translation.override("fr"):
        french = render_to_string("registration/password_reset_subject.txt", {"site_name": "x"}).strip()
    assert french.split()[0] not in message.subject


def _msgid_of(template_name):
    """The msgid of the first blocktranslate in a template (an email subject)."""
    source = (Path(__file__).resolve().parent.parent / "templates" / template_name).read_text()
    body = re.search(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source, re.S).group(1)
    return re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", " ".join(body.split()))


def _first_words(msgid, language):
    text = in_language(language, msgid)
    return text.split("%(")[0].strip() or text.split(")s", 1)[1].strip()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_french_content_is_marked_as_french_on_dutch_and_english_pages(site, language):
    """A screen reader reads titles, texts, tags and names with a French voice (WCAG 3.1.2)."""
    choose(site["member"], language)
    client = client_for(site["member"])
    report = client.get(site["urls"]["report"]).content.decode()
    assert f'<html lang="{language}"' in report
    assert re.search(r'<h1 lang="fr">', report)
    assert re.search(r'<div class="rich-text" lang="fr">', report)
    tracker = client.get(site["urls"]["tracker"]).content.decode()
    assert re.search(r'<a href="[^"]+" lang="fr">Alpha proposal</a>', tracker)
    group = client.get(site["urls"]["group"]).content.decode()
    assert re.search(r'<dd lang="fr">', group)  # the facilitator's name


def test_french_pages_carry_no_extra_language_marks(site):
    choose(site["member"], "fr")
    html = client_for(site["member"]).get(site["urls"]["report"]).content.decode()
    assert 'lang="fr"' in html and html.count('lang="fr"') == html.count('<html lang="fr"') + html.count(
        'value="fr" lang="fr"'
    )
