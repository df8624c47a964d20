from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "greencert.supervision"
    verbose_name = "联合监督 joint supervision"

    def ready(self) -> None:
        from greencert.certification.orders import OrderHooks, register_order_hooks
        from greencert.certification.restrictions import Restrictions, register_restrictions
        from greencert.core.projections import register_projection
        from greencert.supervision import blacklist, orders
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
        register_order_hooks(
            OrderHooks(
                check=orders.check_cited_order,
                carried_out=orders.mark_carried_out,
                open_for=orders.pending_orders_of,
            )
        )
