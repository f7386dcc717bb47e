from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        # why: these modules import models, which only load once the app registry is ready.
        from django_tables2.columns import library

        from connexcs.permissions import register_grant_source

        from .dates import PanelDateColumn
        from .selectors import user_grant_rows

        library.register(PanelDateColumn)
        register_grant_source(user_grant_rows)
