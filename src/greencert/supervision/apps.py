from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "greencert.supervision"
    verbose_name = "联合监督 joint supervision"

    def ready(self) -> None:
        from greencert.certification.restrictions import Restrictions, register_restrictions
        from greencert.core.projections import register_projection
        from greencert.supervision import blacklist
        from greencert.supervision.credit import (
            rebuild_credit_from_events,
            record_from_certificate_event,
        )

        register_projection(
            "supervision.credit", record_from_certificate_event, rebuild_credit_from_events
        )
        register_restrictions(
            Restrictions(
                refuse=blacklist.refuse_if_listed,
                refusals=blacklist.refusals_for,
                flagged_ids=blacklist.flagged_certificate_ids,
                flags=blacklist.flags_for,
            )
        )
