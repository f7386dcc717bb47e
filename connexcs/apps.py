from django.apps import AppConfig


class ConnexcsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "connexcs"
    verbose_name = "Core"
