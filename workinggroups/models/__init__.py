from ..choices import AssemblyOutcome, BoardPosition, Fact, FollowUp
from .decisions import BoardDecision, BoardDecisionHistory, FollowUpRecord
from .groups import WorkingGroupMembership, WorkingGroupPage
from .programme import ProgrammePage
from .recommendations import RecommendationPage, RecommendationPageTag, RecommendationSource
from .reports import MeetingReportPage, MeetingReportPageTag
from .tasks import FacilitatorApprovalTask

__all__ = [
    "AssemblyOutcome",
    "BoardDecision",
    "BoardDecisionHistory",
    "BoardPosition",
    "FacilitatorApprovalTask",
    "Fact",
    "FollowUp",
    "FollowUpRecord",
    "MeetingReportPage",
    "MeetingReportPageTag",
    "ProgrammePage",
    "RecommendationPage",
    "RecommendationPageTag",
    "RecommendationSource",
    "WorkingGroupMembership",
    "WorkingGroupPage",
]
