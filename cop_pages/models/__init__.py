from .community import CADENCE_DAYS, CommunityPage, FiveDStage, MeetingCadence
from .meeting import MeetingActionItem, MeetingFormat, MeetingLinkedPractice, MeetingPage, MeetingPageTag
from .membership import Membership, MembershipRole
from .practice import PRACTICE_SECTIONS, PracticePage, PracticePageTag
from .review import LearningCenterApprovalTask, ReviewReminder

__all__ = [
    "CADENCE_DAYS",
    "PRACTICE_SECTIONS",
    "CommunityPage",
    "LearningCenterApprovalTask",
    "FiveDStage",
    "MeetingActionItem",
    "MeetingCadence",
    "MeetingFormat",
    "MeetingLinkedPractice",
    "MeetingPage",
    "MeetingPageTag",
    "Membership",
    "MembershipRole",
    "PracticePage",
    "PracticePageTag",
    "ReviewReminder",
]
