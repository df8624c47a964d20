"""The plan's institutions: the working group, the alliance, announcements, recognition agreements."""

from greencert.governance.models.alliance import (
    AllianceDocument,
    AllianceMember,
    DocumentCitation,
    DocumentVersion,
    MembershipChange,
)
from greencert.governance.models.working_group import (
    Decision,
    DecisionTarget,
    DecisionTask,
    JointMeeting,
)

__all__ = [
    "AllianceDocument",
    "AllianceMember",
    "Decision",
    "DecisionTarget",
    "DecisionTask",
    "DocumentCitation",
    "DocumentVersion",
    "JointMeeting",
    "MembershipChange",
]
