"""Reads of the core's own rows, scoped for their pages."""

from django.db.models import QuerySet

from .models import AuditEvent


def audit_event_list(*, actor) -> QuerySet[AuditEvent]:
    """Every audited change, newest first, with what its rows show fetched in a fixed number of queries."""
    return (
        AuditEvent.objects.select_related("content_type")
        .prefetch_related("actor_object")
        .order_by("-created_at", "-id")
    )
