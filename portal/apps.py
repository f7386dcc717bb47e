from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"

    def ready(self):
        from connexcs.hosts import register_host_resolver

        from .hosts import resolve

        register_host_resolver(resolve)
