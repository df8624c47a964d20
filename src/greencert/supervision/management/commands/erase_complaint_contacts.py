"""``greencert erase_complaint_contacts``: the daily job erasing complainants' contact details
kept longer than their retention period (supervision/data/complaint_privacy.yaml)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from greencert.supervision.codes import contact_retention_days
from greencert.supervision.complaints import erase_expired_contacts


class Command(BaseCommand):
    help = "Erase the contact details of complaints closed longer ago than they are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        count = erase_expired_contacts()
        self.stdout.write(
            f"{count} complaint(s): contact details erased "
            f"({contact_retention_days()} days after closing)"
        )
