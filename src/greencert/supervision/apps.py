from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "greencert.supervision"
    verbose_name = "联合监督 joint supervision"

    def ready(self) -> None:
        from greencert.core.projections import register_projection
        from greencert.supervision.credit import (
            rebuild_credit_from_events,
            record_from_certificate_event,
        )

        register_projection(
            "supervision.credit", record_from_certificate_event, rebuild_credit_from_events
        )
