from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "greencert.core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        from greencert.core.purge import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="greencert-purge-fn")
