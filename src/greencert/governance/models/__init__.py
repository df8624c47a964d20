"""The plan's institutions: the working group, the alliance, announcements, recognition agreements."""

from greencert.governance.models.alliance import (
    AllianceDocument,
    AllianceMember,
    DocumentCitation,
    DocumentVersion,
    MembershipChange,
)
from greencert.governance.models.announcements import Announcement, AnnouncementItem
from greencert.governance.models.recognition import (
    AgreementDocument,
    AgreementParty,
    Recognition,
    RecognitionAgreement,
)
from greencert.governance.models.working_group import (
    Decision,
    DecisionTarget,
    DecisionTask,
    JointMeeting,
)

__all__ = [
    "AgreementDocument",
    "AgreementParty",
    "AllianceDocument",
    "AllianceMember",
    "Announcement",
    "AnnouncementItem",
    "Decision",
    "DecisionTarget",
    "DecisionTask",
    "DocumentCitation",
    "DocumentVersion",
    "JointMeeting",
    "MembershipChange",
    "Recognition",
    "RecognitionAgreement",
]
