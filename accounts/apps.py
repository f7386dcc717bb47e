from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from django_tables2.columns import library

        from .dates import PanelDateColumn

        library.register(PanelDateColumn)
