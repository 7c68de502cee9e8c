"""Dates, sizes, people and tags as each language writes and orders them (languages/formats.py)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import translation

from languages.formats import accentless_key, human_date, human_size, natural_key

from .factories import PASSWORD, MeetingReportPageFactory, UserFactory, add_membership

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.mark.parametrize(
    "language, first, twelfth",
    [
        ("fr", "1er septembre 2017", "12 septembre 2017"),
        ("nl", "1 september 2017", "12 september 2017"),
        ("en", "Sept. 1, 2017", "Sept. 12, 2017"),
    ],
)
def test_the_first_of_the_month_is_written_as_each_language_writes_it(language, first, twelfth):
    with translation.override(language):
        assert human_date(datetime.date(2017, 9, 1)) == first
        assert human_date(datetime.date(2017, 9, 12)) == twelfth
    with translation.override("fr"):
        assert human_date(datetime.datetime(2017, 9, 1, 14, 30), "DATETIME_FORMAT").startswith(
            "1er septembre"
        )
        assert human_date(None) == ""


@pytest.mark.parametrize(
    "language, sizes",
    [
        ("fr", ["512\u00a0octets", "820\u00a0ko", "1,5\u00a0Mo", "25,0\u00a0Mo"]),
        ("nl", ["512\u00a0bytes", "820\u00a0kB", "1,5\u00a0MB", "25,0\u00a0MB"]),
        ("en", ["512\u00a0bytes", "820\u00a0kB", "1.5\u00a0MB", "25.0\u00a0MB"]),
    ],
)
def test_sizes_use_each_languages_units_and_decimal_mark(language, sizes):
    with translation.override(language):
        assert [human_size(n) for n in (512, 820 * 1024, 1536 * 1024, 25 * 1024 * 1024)] == sizes


def test_people_and_tags_sort_as_they_are_read():
    names = ["Membre 10", "membre 2", "Membre 1", "Émile", "Eva", "Zoé"]
    assert sorted(names, key=natural_key) == ["Émile", "Eva", "Membre 1", "membre 2", "Membre 10", "Zoé"]
    tags = ["finances", "éthique", "déontologie", "Économie", "zèle"]
    assert sorted(tags, key=accentless_key) == ["déontologie", "Économie", "éthique", "finances", "zèle"]


def test_a_report_on_the_first_of_the_month_says_1er(group_a, member, as_user):
    report = MeetingReportPageFactory(
        parent=group_a, title="Réunion de rentrée", date="2017-09-01", live=False
    )
    report.save_revision().publish()
    html = as_user(member).get(report.url).content.decode()
    assert "1er septembre 2017" in html and ">1 septembre 2017<" not in html


def test_tags_are_listed_by_their_letters_accents_aside(group_a, programme, member, as_user):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion", live=False)
    report.tags.add("zèle", "éthique", "finances", "déontologie")
    report.save_revision().publish()
    listing = as_user(member).get(programme.url + programme.reverse_subpage("reports")).content.decode()
    options = re.findall(r'<option value="[^"]*"[^>]*>([^<(]+) \(\d+\)</option>', listing)
    assert options == ["déontologie", "éthique", "finances", "zèle"]
    page = as_user(member).get(report.url).content.decode()
    shown = re.findall(r'class="tag"[^>]*>([^<]+)</a>', page)
    assert shown == ["déontologie", "éthique", "finances", "zèle"]


def test_the_attendees_to_tick_are_in_natural_order(group_a, editor, as_user):
    for number in (10, 2):
        person = UserFactory(
            username=f"presence-{number}", first_name="Membre", last_name=f"Présent {number}"
        )
        add_membership(group_a, person)
    html = (
        as_user(editor)
        .get(f"/admin/pages/add/workinggroups/meetingreportpage/{group_a.pk}/")
        .content.decode()
    )
    assert html.index("Membre Présent 2") < html.index("Membre Présent 10")


def test_the_login_error_is_in_plain_words(member):
    response = Client().post("/login/", {"username": member.username, "password": PASSWORD + "x"})
    html = response.content.decode()
    assert "Identifiant ou mot de passe incorrect." in html
    assert "nom d&#x27;utilisateur" not in html and "casse" not in html
