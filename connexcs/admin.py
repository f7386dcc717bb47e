from django.contrib import admin
from django.utils.html import format_html

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "who", "action", "object_repr"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):
        # One query per kind of actor row, however many events the page shows.
        return super().get_queryset(request).prefetch_related("actor_object")

    @admin.display(description="Actor", ordering="actor_repr")
    def who(self, event: AuditEvent):
        """The actor's label, linked to the panel page of the portal contact who made the change."""
        row = event.actor_object
        url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else ""
        return format_html('<a href="{}">{}</a>', url, event.actor_repr) if url else event.actor_repr

    def has_add_permission(self, _request):
        return False

    def has_change_permission(self, _request, _obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit log is append-only, for admins too
