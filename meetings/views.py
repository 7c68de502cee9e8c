"""The members' side of meetings: a meeting's page, answering, the month's calendar, and starting the
report of a meeting that was held.

These are views of their own, outside the page cache (it keeps only Wagtail's pages and search): what
they show of the person (their answer, the answers' names) is rendered for each request."""

import calendar
import datetime

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from privacy.ids import parse_id
from privacy.rules import can_view, closed_paths, live_and_open
from workinggroups.models import ProgrammePage
from workinggroups.people import person_sort_key

from .choices import Response, Status
from .feeds import calendar_addresses
from .listing import month_bounds, month_grid
from .models import Answer
from .personal import answer_form_context
from .report import start_report
from .rules import may_answer, may_plan, open_groups, sees_who_answers, visible_meetings

#: The calendar's range of months: the programme's first year to a few years ahead.
FIRST_YEAR, YEARS_AHEAD = 2015, 5


def _meeting_or_404(request, meeting_id):
    pk = parse_id(meeting_id)
    meeting = None
    if pk is not None:
        meeting = visible_meetings(request).select_related("group", "report").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


@require_safe
def meeting_page(request, meeting_id):
    meeting = _meeting_or_404(request, meeting_id)
    user = request.user
    now = timezone.now()
    context = {"meeting": meeting, "planner": may_plan(user, meeting.group), "now": now}
    if sees_who_answers(user, meeting):
        answers = meeting.answers.select_related("user")
        answers = sorted(answers, key=lambda answer: person_sort_key(answer.user))
        context["answers"] = [
            (value, label, [answer.user for answer in answers if answer.response == value])
            for value, label in Response.choices
        ]
    else:
        counts = dict(meeting.answers.values_list("response").annotate(count=Count("pk")).order_by())
        context["answer_counts"] = [(label, counts.get(value, 0)) for value, label in Response.choices]
    if may_answer(user, meeting) and not meeting.is_past(now) and meeting.status != Status.CANCELLED:
        mine = meeting.answers.filter(user=user).values_list("response", flat=True).first() or ""
        context["answer_form"] = answer_form_context(request, meeting.pk, mine)
    report = meeting.report
    context["report_visible"] = report is not None and can_view(request, report)
    return render(request, "meetings/meeting_page.html", context)


@require_POST
def answer(request, meeting_id):
    """A member of the meeting's group answers yes, maybe or no; the last answer counts."""
    meeting = _meeting_or_404(request, meeting_id)
    response = request.POST.get("response", "")
    if response not in Response.values:
        return HttpResponseBadRequest(_("Réponse inconnue : choisissez oui, peut-être ou non."))
    if not may_answer(request.user, meeting):
        raise Http404
    if meeting.is_past() or meeting.status == Status.CANCELLED:
        messages.error(request, _("Cette réunion est passée ou annulée : on n'y répond plus."))
        return redirect(_next(request, meeting))
    try:
        with transaction.atomic():
            Answer.objects.update_or_create(
                meeting=meeting,
                user=request.user,
                defaults={"response": response, "answered_at": timezone.now()},
            )
    except IntegrityError:  # two answers at once: the other one was written; write this one over it
        Answer.objects.filter(meeting=meeting, user=request.user).update(
            response=response, answered_at=timezone.now()
        )
    messages.success(
        request,
        _("Votre réponse « %(answer)s » est enregistrée pour « %(title)s ».")
        % {"answer": Response(response).label, "title": meeting.title},
    )
    return redirect(_next(request, meeting))


def _next(request, meeting):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("meetings:meeting", args=[meeting.pk])


@require_POST
def write_report(request, meeting_id):
    """Start the report of a meeting that was held: a draft page, then its editor in the admin."""
    meeting = _meeting_or_404(request, meeting_id)
    if not may_plan(request.user, meeting.group):
        raise Http404
    if meeting.status == Status.CANCELLED or meeting.start > timezone.now():
        messages.error(
            request,
            _("Le compte rendu s'écrit une fois la réunion commencée, et pas pour une réunion annulée."),
        )
        return redirect("meetings:meeting", meeting.pk)
    report = start_report(request.user, meeting)
    return redirect("wagtailadmin_pages:edit", report.pk)


@require_safe
@never_cache  # it shows the person's secret calendar addresses
def calendar_page(request, year=None, month=None):
    """A month of meetings, all groups or one (``?groupe=<id>``), as a table a phone can read and a
    list for screen readers; no JavaScript."""
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (FIRST_YEAR <= year <= today.year + YEARS_AHEAD and 1 <= month <= 12):
        raise Http404
    groups = list(open_groups(closed_paths(request)).order_by("title"))
    chosen = None
    if "groupe" in request.GET:
        chosen = next((group for group in groups if group.pk == parse_id(request.GET["groupe"])), None)
        if chosen is None:
            raise Http404
    first, following = month_bounds(year, month)
    meetings = visible_meetings(request).filter(start__gte=first, start__lt=following).select_related("group")
    if chosen is not None:
        meetings = meetings.filter(group=chosen)
    meetings = list(meetings.order_by("start", "pk"))
    programmes = live_and_open(ProgrammePage.objects.all(), closed_paths(request)).order_by("-start_date")
    previous = (first - datetime.timedelta(days=1)).date().replace(day=1)
    after = following.date()
    context = {
        "month": first,
        "weeks": month_grid(year, month, meetings),
        "weekdays": calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)[0],
        "meetings": meetings,
        "groups": groups,
        "chosen": chosen,
        "previous": previous if previous.year >= FIRST_YEAR else None,
        "following": after if after.year <= today.year + YEARS_AHEAD else None,
        "today": today,
        "query": f"?groupe={chosen.pk}" if chosen else "",
        # The person's secret calendar addresses: this page is never cached (only Wagtail's are).
        "calendar_feeds": calendar_addresses(request.user, [*programmes, *([chosen] if chosen else [])]),
    }
    return render(request, "meetings/calendar_page.html", context)
