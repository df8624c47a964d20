from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "greencert.exchange"
    verbose_name = "信息共享与采信 Exchange"

    def ready(self) -> None:
        from greencert.certification.foreign import register_foreign_finder
        from greencert.exchange.replication.answers import FINDER
        from greencert.exchange.tlog import hooks
        from greencert.exchange.witness import hooks as witness_hooks

        hooks.register()
        witness_hooks.register()
        register_foreign_finder(FINDER)
