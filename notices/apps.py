from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure(using="default", **kwargs):
    from .services import message_templates_ensure

    message_templates_ensure(using=using)


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "Templates"

    def ready(self):
        # Every stock message has its row, including ones a newer release adds.
        post_migrate.connect(_ensure, sender=self, dispatch_uid="notices.ensure")
