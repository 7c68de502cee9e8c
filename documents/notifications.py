"""Emails about access to minutes, both ways, in each recipient's language, plain text and HTML."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from languages.i18n import language_for
from workinggroups.choices import MembershipRole

logger = logging.getLogger(__name__)


def deciders_for(access_request):
    """The group's facilitators and the board: who may grant or refuse this request."""
    User = get_user_model()
    facilitators = User.objects.filter(
        working_group_memberships__page_id=access_request.working_group_id,
        working_group_memberships__role=MembershipRole.FACILITATOR,
    )
    board = User.objects.filter(groups__name=settings.BOARD_GROUP_NAME)
    return (
        (facilitators | board)
        .filter(is_active=True)
        .exclude(email="")
        .distinct()
        .select_related("wagtail_userprofile")  # their language
        .order_by("username")
    )


def _send(template, recipients, context):
    sent = 0
    for user in recipients:
        context = {**context, "user": user, "base_url": settings.WAGTAILADMIN_BASE_URL}
        with translation.override(language_for(user)):
            subject = " ".join(render_to_string(f"documents/emails/{template}_subject.txt", context).split())
            text = render_to_string(f"documents/emails/{template}.txt", context)
            html = render_to_string(f"documents/emails/{template}.html", context)
        message = EmailMultiAlternatives(subject, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
            sent += 1
        except Exception:
            logger.exception("Could not send %s to %s", template, user.email)
    return sent


def notify_request_received(access_request):
    return _send("request_received", deciders_for(access_request), {"access_request": access_request})


def notify_decision(access_request):
    requester = access_request.requester
    if not requester.is_active or not requester.email:
        return 0
    return _send("request_decided", [requester], {"access_request": access_request})
