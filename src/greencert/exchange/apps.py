from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "greencert.exchange"
    verbose_name = "信息共享与采信 Exchange"

    def ready(self) -> None:
        from greencert.exchange.tlog import hooks
        from greencert.exchange.witness import hooks as witness_hooks

        hooks.register()
        witness_hooks.register()
