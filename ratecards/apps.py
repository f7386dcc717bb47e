from django.apps import AppConfig


class RatecardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratecards"
