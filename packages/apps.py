from django.apps import AppConfig


class PackagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "packages"

    def ready(self):
        from connexcs import hooks

        from .services import customer_packages_copy_from_template

        # portal's sign-up copies the brand's template customer; it cannot import this app (same layer).
        hooks.register("customer_signed_up", customer_packages_copy_from_template)
