"""A meeting and its report: the facts of the meeting on the report's page, and a report started from
the meeting (its title, day, kind and guests, its agenda as the summary's first draft, and as
attendees those who said they would come)."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from workinggroups.models import MeetingReportPage

from .choices import Response, Status
from .models import Meeting


def report_context(request, report):
    """The ``meeting_report_context`` hook: the meeting the report is about, if it has one."""
    return {"meeting": Meeting.objects.filter(report=report).first()}


def start_report(user, meeting):
    """The meeting's report: the existing one, or a new draft under the meeting's group (not published:
    it goes through the moderation workflow like any report). Twice at once makes one report."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
        if meeting.report_id:
            return meeting.report
        report = MeetingReportPage(
            title=meeting.title,
            date=timezone.localtime(meeting.start).date(),
            kind=meeting.kind,
            guests="\n".join(meeting.guest_list()),
            summary=render_to_string("meetings/report_first_draft.html", {"meeting": meeting}),
            owner=user,
            live=False,
        )
        # Set before the page is first saved: a parental many-to-many is written with the page.
        report.attendees.set(
            answer.user for answer in meeting.answers.filter(response=Response.YES).select_related("user")
        )
        meeting.group.specific.add_child(instance=report)
        report.save_revision(user=user, log_action=True)
        meeting.report = report
        if meeting.status != Status.CANCELLED:
            meeting.status = Status.HELD
        meeting.save()
        return report
