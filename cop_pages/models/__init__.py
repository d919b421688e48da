from .community import CADENCE_DAYS, CommunityPage, FiveDStage, MeetingCadence
from .meeting import MeetingActionItem, MeetingFormat, MeetingLinkedPractice, MeetingPage, MeetingPageTag
from .membership import Membership, MembershipRole
from .practice import PRACTICE_SECTIONS, PracticePage, PracticePageTag

__all__ = [
    "CADENCE_DAYS",
    "PRACTICE_SECTIONS",
    "CommunityPage",
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
]
