from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "greencert.certification"
    verbose_name = "认证实施 Certification"

    def ready(self) -> None:
        from greencert.certification import links, public_document
        from greencert.core.projections import register_projection

        # Called by append_event(s) inside each action's transaction: an upstream certificate
        # leaving force by any path (office, API, import, expiry) tells its downstream parties.
        register_projection(
            "certification.supply_chain_notices", links.notify_downstream, links.rebuild_nothing
        )
        # The public document of each certificate (what the certificate API sends as stored).
        register_projection(
            "certification.public_documents",
            public_document.project_event,
            public_document.rebuild_documents,
            project_many=public_document.project_events,
        )
