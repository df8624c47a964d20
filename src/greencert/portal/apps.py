from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "greencert.portal"
    verbose_name = "门户 Portal"

    def ready(self) -> None:
        from greencert.core.projections import register_projection
        from greencert.governance.targets import register_target_lookup
        from greencert.portal.indexing import index_event, index_events, rebuild_search_index
        from greencert.portal.tallies import rebuild_tallies, record_event, record_events
        from greencert.portal.targets import describe_target

        # Called by append_event(s) inside each action's transaction (see core.projections).
        register_projection(
            "portal.search", index_event, rebuild_search_index, project_many=index_events
        )
        register_projection(
            "portal.tallies", record_event, rebuild_tallies, project_many=record_events
        )
        register_target_lookup(describe_target)
