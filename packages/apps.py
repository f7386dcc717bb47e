from django.apps import AppConfig


class PackagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "packages"

    def ready(self):
        from connexcs import hooks

        from .freeminutes import free_seconds_for_calls
        from .services import customer_packages_copy_from_template

        # portal's sign-up and cdr's rating live on this app's layer and cannot import it: they call
        # these through named hooks.
        hooks.register("customer_signed_up", customer_packages_copy_from_template)
        hooks.register("free_seconds_for_calls", free_seconds_for_calls)
