from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "greencert.portal"
    verbose_name = "门户 Portal"

    def ready(self) -> None:
        from greencert.core.projections import register_projection
        from greencert.portal.indexing import index_event, rebuild_search_index
        from greencert.portal.tallies import rebuild_tallies, record_event

        # Called by append_event inside each action's transaction (see core.projections).
        register_projection("portal.search", index_event, rebuild_search_index)
        register_projection("portal.tallies", record_event, rebuild_tallies)
