"""Reads of templates."""

from django.db.models import QuerySet

from .models import MessageTemplate
from .stock import STOCK


def message_template_list(*, actor) -> QuerySet[MessageTemplate]:
    """The templates of the messages this release sends (a row left by an older one is hidden)."""
    return MessageTemplate.objects.filter(key__in=list(STOCK)).order_by("name")
