"""A meeting's journey, in a real browser: a facilitator plans it in the admin, a member sees it on
the home page, says they will come and downloads the invitation; the facilitator moves it, and the
member's calendar feed gives the new time with a higher SEQUENCE."""

import datetime
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import expect

from meetings.models import Answer, Meeting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
TITLE = "Préparer l'assemblée générale"


def events_of(data, title=TITLE):
    calendar = icalendar.Calendar.from_ical(data)
    return [event for event in calendar.walk("VEVENT") if str(event["SUMMARY"]).endswith(title)]


def test_a_facilitator_plans_a_member_answers_and_their_calendar_follows_a_move(people):
    day = datetime.date.today() + datetime.timedelta(days=12)
    facilitator = people("animateur-ethique").log_in_admin()
    page = facilitator.go("/admin/reunions/new/")
    page.locator("#id_group").select_option(label="Le comité éthique")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_start").fill(f"{day:%Y-%m-%d} 18:30")
    page.locator("#id_end").fill(f"{day:%Y-%m-%d} 20:30")
    page.keyboard.press("Escape")  # the date picker
    page.locator("#id_place").fill("Rue Coenraets 72, 1060 Saint-Gilles")
    page.locator("#id_agenda").fill("Le calendrier de l'assemblée\nLes recommandations à présenter")
    page.get_by_role("button", name="Créer").click()
    page.wait_for_url(re.compile(r"/admin/reunions/$"))
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.start == datetime.datetime.combine(day, datetime.time(18, 30), tzinfo=BRUSSELS)

    member = people("membre-ethique-1").log_in()
    home = member.page
    item = home.locator(".meeting-list li", has_text=TITLE)
    expect(item).to_contain_text("18:30")
    item.get_by_role("button", name="Je viens").click()
    expect(home.get_by_text(f"Votre réponse « je viens » est enregistrée pour « {TITLE} ».")).to_be_visible()
    assert Answer.objects.get(meeting=meeting, user__username="membre-ethique-1").response == "yes"
    expect(
        home.locator(".meeting-list li", has_text=TITLE).get_by_role("button", name="Je viens")
    ).to_have_attribute("aria-pressed", "true")

    home.locator(".meeting-list li", has_text=TITLE).get_by_role("link", name=re.compile(TITLE)).click()
    with home.expect_download() as download:
        home.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
    (invitation,) = events_of(Path(download.value.path()).read_bytes())
    assert invitation["SEQUENCE"] == 0 and invitation.decoded("DTSTART") == meeting.start

    member.go("/reunions/")
    links = home.locator('a[href*="/reunions/agenda/"][href$="mes-reunions.ics"]')
    address = links.first.get_attribute("href")
    # The address is written on WAGTAILADMIN_BASE_URL (the tests' "testserver"): fetch its path here.
    feed = member.base_url + urlsplit(address).path
    before = home.request.get(feed)
    assert before.status == 200
    (event,) = events_of(before.body())
    assert event["SEQUENCE"] == 0 and event["UID"] == invitation["UID"]

    page = facilitator.go(f"/admin/reunions/edit/{meeting.pk}/")
    later = day + datetime.timedelta(days=1)
    page.locator("#id_start").fill(f"{later:%Y-%m-%d} 19:00")
    page.locator("#id_end").fill(f"{later:%Y-%m-%d} 21:00")
    page.keyboard.press("Escape")  # the date picker
    page.get_by_role("button", name="Enregistrer").last.click()
    page.wait_for_url(re.compile(r"/admin/reunions/$"))

    (moved,) = events_of(home.request.get(feed).body())
    assert moved["UID"] == event["UID"] and moved["SEQUENCE"] > event["SEQUENCE"]
    assert moved.decoded("DTSTART") == datetime.datetime.combine(later, datetime.time(19), tzinfo=BRUSSELS)
    member.go("/")
    expect(home.locator(".meeting-list li", has_text=TITLE)).to_contain_text("déplacée")
