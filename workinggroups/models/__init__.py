from ..choices import DecisionStatus
from .decisions import BoardDecision, BoardDecisionHistory
from .groups import WorkingGroupMembership, WorkingGroupPage
from .programme import ProgrammePage
from .recommendations import RecommendationPage, RecommendationPageTag, RecommendationSource
from .reports import MeetingReportPage, MeetingReportPageTag
from .tasks import FacilitatorApprovalTask

__all__ = [
    "BoardDecision",
    "BoardDecisionHistory",
    "DecisionStatus",
    "FacilitatorApprovalTask",
    "MeetingReportPage",
    "MeetingReportPageTag",
    "ProgrammePage",
    "RecommendationPage",
    "RecommendationPageTag",
    "RecommendationSource",
    "WorkingGroupMembership",
    "WorkingGroupPage",
]
