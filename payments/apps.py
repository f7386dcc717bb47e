from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = "Online payments"

    def ready(self):
        from connexcs import hooks

        from .selectors import carrier_balance_annotation

        # The carrier list (carriers app, a lower layer) shows each carrier's balance, which counts
        # call costs from the cdr app: it asks through this hook.
        hooks.register("carrier_list_annotations", carrier_balance_annotation)
