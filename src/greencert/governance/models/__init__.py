"""The plan's institutions: the working group, the alliance, announcements, recognition agreements."""

from greencert.governance.models.announcements import Announcement, AnnouncementItem
from greencert.governance.models.recognition import (
    AgreementDocument,
    AgreementParty,
    Recognition,
    RecognitionAgreement,
)

__all__ = [
    "AgreementDocument",
    "AgreementParty",
    "Announcement",
    "AnnouncementItem",
    "Recognition",
    "RecognitionAgreement",
]
