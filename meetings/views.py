"""The members' side of meetings: a meeting's page, answering, the month's calendar."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from privacy.ids import parse_id

from .rules import visible_meetings


@require_safe
def meeting_page(request, meeting_id):
    pk = parse_id(meeting_id)
    meetings = visible_meetings(request).select_related("group", "report")
    meeting = meetings.filter(pk=pk).first() if pk else None
    if meeting is None:
        raise Http404
    return render(request, "meetings/meeting_page.html", {"meeting": meeting})
