from .comments import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentReport,
    CommentState,
    CommentVersion,
    MutedNotification,
    NotificationKind,
    Reaction,
)
from .community import CADENCE_DAYS, CommunityPage, FiveDStage, MeetingCadence
from .meeting import MeetingActionItem, MeetingFormat, MeetingLinkedPractice, MeetingPage, MeetingPageTag
from .membership import Membership, MembershipRole
from .practice import PRACTICE_SECTIONS, PracticePage, PracticePageTag
from .review import LearningCenterApprovalTask, ReviewReminder

__all__ = [
    "MAX_COMMENT_LENGTH",
    "Comment",
    "CommentReport",
    "CommentState",
    "CommentVersion",
    "MutedNotification",
    "NotificationKind",
    "Reaction",
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
