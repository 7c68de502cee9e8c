"""Admin integration: the meetings' planning screens, and a report's meeting on the report's page."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin import MeetingViewSet, PlanningPolicy
from .models import Meeting
from .report import report_context

register_permission_policy(Meeting, PlanningPolicy(Meeting))


@hooks.register("register_admin_viewset")
def register_meetings():
    return MeetingViewSet()


hooks.register("meeting_report_context", report_context)
