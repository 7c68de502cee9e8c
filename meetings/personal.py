"""A person's answer to each meeting listed on a member page, filled into every response (cached or
not) for the person who asked, never stored in the page cache (DESIGN §11b).

Templates leave ``<!--intranet:answer:MEETING_ID:DJANGO_GROUP_ID-->`` where it goes (the Django group
of the meeting's working group, which holds its members: workinggroups/roles.py keeps it so);
sitewide/page_cache.py calls ``fill`` on each HTML response. A person in none of those groups costs
no query (their groups are read once per request already); a member, one query for every meeting of
the page: their answers, and their membership read again from the memberships themselves."""

import logging
import re

from django.db import DatabaseError
from django.db.models import Exists, OuterRef, Subquery
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from privacy.rules import user_group_ids
from workinggroups.models import WorkingGroupMembership

from .choices import Response, Status
from .models import Answer, Meeting

logger = logging.getLogger(__name__)

ANSWER_SLOT = re.compile(rb"<!--intranet:answer:([0-9]{1,18}):([0-9]{0,18})-->")


def fill(request, content):
    if not ANSWER_SLOT.search(content):
        return content
    user = getattr(request, "user", None)
    mine = user_group_ids(user) if user is not None else frozenset()
    pks = {int(pk) for pk, group in ANSWER_SLOT.findall(content) if group and int(group) in mine}
    try:
        states = answer_states(user, pks) if pks else {}
    except DatabaseError:
        logger.warning("Answers to meetings left out: the database did not answer", exc_info=True)
        states = {}
    return ANSWER_SLOT.sub(lambda match: _render(request, int(match.group(1)), states), content)


def answer_states(user, meetings):
    """``{meeting pk: (may answer, response or "")}`` for ``user`` and the meetings' pks, in one query."""
    if not user.is_authenticated:
        return {}
    rows = (
        Meeting.objects.filter(pk__in=meetings)
        .exclude(status=Status.CANCELLED)
        .filter(end__gte=timezone.now())
        .annotate(
            mine=Subquery(Answer.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]),
            member=Exists(WorkingGroupMembership.objects.filter(page_id=OuterRef("group_id"), user=user)),
        )
        .values_list("pk", "member", "mine")
    )
    return {pk: (member, mine or "") for pk, member, mine in rows}


def _render(request, pk, states):
    member, mine = states.get(pk, (False, ""))
    if not member:
        return b""
    context = answer_form_context(request, pk, mine)
    return render_to_string("meetings/slots/answer.html", context).encode()


def answer_form_context(request, pk, mine):
    return {
        "meeting_id": pk,
        "mine": mine,
        "choices": Response.choices,
        "csrf_token": get_token(request),
        "next": request.get_full_path(),
    }
