"""The meetings of the demo groups: their monthly meetings on their own day of the month, their extras
(hearings, visits), and, for each report, the ``Meeting`` it reports on; then the meetings to come,
dated from the day the demo is loaded, and the first answers to them.

Hours, places and agendas are in the data files (meetings.yaml, groups.yaml, moderation.yaml); hours
are Brussels time on the meeting's day (summer or winter time), stored as aware datetimes. Idempotent:
a report's meeting is found by its report, a month's meeting by its group and month, an answer by its
meeting and person; only what is missing or different is written, so a second run raises no SEQUENCE.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

from django.utils import formats, translation
from django.utils.text import slugify

from meetings.choices import Status
from meetings.models import Answer, Meeting
from workinggroups.choices import MeetingKind
from workinggroups.models import MeetingReportPage

from .data import fill_account

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
#: The meetings still to come: told apart from the held ones, which have their report.
COMING = (Status.PLANNED, Status.MOVED)


def nth_weekday(year, month, weekday, week):
    """The ``week``-th ``weekday`` (Monday is 0) of a month."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (week - 1))


def monthly_meetings(group, monthly):
    """The group's meetings of the monthly arc (meetings.yaml), on the group's weekday and week."""
    usual = group.monthly_meeting
    return [
        SimpleNamespace(
            date=nth_weekday(*meeting.month, usual.weekday, usual.week),
            kind="monthly",
            title=meeting.title,
            guests="",
            summary=meeting.summary.format(focus=group.focus),
            decisions=meeting.decisions,
            next_steps=meeting.next_steps,
            tags=group.tags + meeting.tags,
            hours=usual.hours,
            place=usual.place,
            video_link=usual.video_link,
            agenda=[point.format(focus=group.focus) for point in meeting.agenda],
        )
        for meeting in monthly
    ]


def all_meetings(group, monthly):
    """Every meeting of the group, monthly and extra (hearings, visits), by date."""
    return sorted(monthly_meetings(group, monthly) + list(group.extra_meetings), key=lambda m: m.date)


def report_slug(meeting):
    """The slug of a held meeting's report page, under its group."""
    return slugify(f"{meeting.date.isoformat()}-{meeting.title}")[:80]


def moment(day, time):
    """``time`` in Brussels on ``day``, as an aware datetime (UTC+1 in winter, UTC+2 in summer)."""
    return datetime.datetime.combine(day, time, tzinfo=BRUSSELS)


def held_meetings(data, group):
    """(report slug, meeting) for each report of ``group``: its programme's meetings (all_meetings)
    and its follow-up reports waiting in moderation (moderation.yaml), held at the usual hours."""
    usual = group.monthly_meeting
    follow_up = data.follow_up_report
    for meeting in all_meetings(group, data.monthly):
        yield report_slug(meeting), meeting
    for pending in data.pending_reports:
        if pending.group == group.slug:
            yield (
                slugify(pending.title),
                SimpleNamespace(
                    date=pending.date,
                    hours=usual.hours,
                    place=usual.place,
                    video_link=usual.video_link,
                    agenda=[point.format(focus=group.focus) for point in follow_up.agenda],
                ),
            )


def next_monthly_dates(usual, today, count):
    """The group's next ``count`` monthly meeting days after ``today``."""
    dates, year, month = [], today.year, today.month
    while len(dates) < count:
        day = nth_weekday(year, month, usual.weekday, usual.week)
        if day > today:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


class MeetingsLoader:
    """Writes the demo's meetings and answers; ``count(what)`` is told of each row it creates."""

    def __init__(self, data, accounts, groups, today, count):
        self.data, self.accounts, self.groups, self.count = data, accounts, groups, count
        self.places = {place.name: place.address for place in data.places}
        self.today = today
        # "After today": from the midnight that ends it, in Brussels.
        self.horizon = moment(today + datetime.timedelta(days=1), datetime.time(0, 0))

    def run(self):
        for group_data in self.data.groups:
            group = self.groups[group_data.slug]
            facilitator = self.accounts[group_data.facilitator]
            self.held(group, group_data, facilitator)
            self.monthly(group, group_data, facilitator)
        self.hearing(self.data.upcoming.hearing)
        for group_data in self.data.groups:
            self.answers(self.groups[group_data.slug], group_data)

    def where(self, meeting):
        return {"place": self.places[meeting.place], "video_link": meeting.video_link}

    def hours(self, day, hours):
        return {"start": moment(day, hours[0]), "end": moment(day, hours[1])}

    # The meetings held, one per report

    def held(self, group, group_data, facilitator):
        reports = {report.slug: report for report in MeetingReportPage.objects.child_of(group)}
        existing = {
            meeting.report_id: meeting for meeting in Meeting.objects.filter(report__in=reports.values())
        }
        for slug, meeting in held_meetings(self.data, group_data):
            report = reports.get(slug)
            if report is None:
                continue  # not written by this demo (the data changed since): nothing to attach
            fields = {
                "group_id": group.pk,
                "kind": report.kind,
                "title": report.title,
                **self.hours(meeting.date, meeting.hours),
                "time_known": True,
                **self.where(meeting),
                "agenda": "\n".join(meeting.agenda),
                "guests": report.guests,
                "status": Status.HELD,
            }
            found = existing.get(report.pk)
            if found is None:
                Meeting(report=report, created_by=facilitator, **fields).save()
                self.count("réunions")
            elif any(getattr(found, name) != value for name, value in fields.items()):
                # Made by the data migration (a whole day, no place), or by an earlier demo.
                for name, value in fields.items():
                    setattr(found, name, value)
                found.save()
                self.count("réunions complétées")

    # The meetings to come

    def monthly(self, group, group_data, facilitator):
        """The group's next monthly meetings, those of the months that have none yet: planned, one
        moved to other hours and one cancelled unless the group already has such a meeting to come."""
        upcoming, usual = self.data.upcoming, group_data.monthly_meeting
        dates = next_monthly_dates(usual, self.today, upcoming.count)
        first_day = dates[0].replace(day=1)
        mine = Meeting.objects.filter(
            group=group, kind=MeetingKind.MONTHLY, report=None, start__gte=moment(first_day, datetime.time(0))
        )
        taken = {
            (start.year, start.month)
            for start in (s.astimezone(BRUSSELS) for s in mine.values_list("start", flat=True))
        }
        coming = mine.filter(start__gte=self.horizon)
        has_moved = coming.filter(status=Status.MOVED).exists()
        has_cancelled = coming.filter(status=Status.CANCELLED).exists()
        for position, day in enumerate(dates, 1):
            if (day.year, day.month) in taken:
                continue
            with translation.override("fr"):
                month = formats.date_format(day, "F Y")
            agendas = upcoming.agendas
            meeting = Meeting(
                group=group,
                kind=MeetingKind.MONTHLY,
                title=upcoming.title.format(month=month),
                **self.hours(day, usual.hours),
                **self.where(usual),
                agenda="\n".join(
                    p.format(focus=group_data.focus) for p in agendas[(day.month - 1) % len(agendas)]
                ),
                status=Status.PLANNED,
                created_by=facilitator,
            )
            meeting.save()
            self.count("réunions")
            if position == upcoming.moved.position or (position > upcoming.moved.position and not has_moved):
                # Saved again at other hours: the model marks it moved and raises its SEQUENCE.
                moved = self.hours(day, upcoming.moved.hours)
                meeting.start, meeting.end = moved["start"], moved["end"]
                meeting.save()
                has_moved = True
            elif position == upcoming.cancelled.position or (
                position > upcoming.cancelled.position and not has_cancelled
            ):
                meeting.status = Status.CANCELLED
                meeting.save()
                has_cancelled = True

    def hearing(self, hearing):
        group_data = next(group for group in self.data.groups if group.slug == hearing.group)
        group = self.groups[hearing.group]
        mine = Meeting.objects.filter(group=group, kind=MeetingKind.HEARING, report=None, title=hearing.title)
        if mine.filter(start__gte=self.horizon).exists():
            return
        day = self.today + datetime.timedelta(weeks=hearing.weeks_ahead)
        day += datetime.timedelta(days=(hearing.weekday - day.weekday()) % 7)
        Meeting(
            group=group,
            kind=MeetingKind.HEARING,
            title=hearing.title,
            **self.hours(day, hearing.hours),
            **self.where(hearing),
            agenda="\n".join(hearing.agenda),
            guests=hearing.guests,
            status=Status.PLANNED,
            created_by=self.accounts[group_data.facilitator],
        ).save()
        self.count("réunions")

    def answers(self, group, group_data):
        """A few members answered the group's next meeting; nobody answered the later ones."""
        following = Meeting.objects.filter(group=group, status__in=COMING, start__gte=self.horizon)
        meeting = following.order_by("start", "pk").first()
        if meeting is None:
            return
        names = {
            answer.member: fill_account(
                self.data.member, group=group_data.slug, short=group_data.short, index=answer.member
            ).username
            for answer in self.data.upcoming.answers
        }
        users = {user.username: user for user in map(self.accounts.get, names.values()) if user}
        answered = set(meeting.answers.values_list("user__username", flat=True))
        for answer in self.data.upcoming.answers:
            username = names[answer.member]
            if username in users and username not in answered:
                Answer.objects.create(meeting=meeting, user=users[username], response=answer.response)
                self.count("réponses aux réunions")


def load_meetings(data, accounts, groups, today, count):
    """The demo's meetings (see the module's docstring). ``groups``: the group pages by slug;
    ``count(what)``: told of each row created."""
    MeetingsLoader(data, accounts, groups, today, count).run()
