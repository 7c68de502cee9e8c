from .groups import WorkingGroupMembership, WorkingGroupPage
from .programme import ProgrammePage
from .recommendations import RecommendationPage, RecommendationPageTag
from .reports import MeetingReportPage, MeetingReportPageTag

__all__ = [
    "MeetingReportPage",
    "MeetingReportPageTag",
    "ProgrammePage",
    "RecommendationPage",
    "RecommendationPageTag",
    "WorkingGroupMembership",
    "WorkingGroupPage",
]
