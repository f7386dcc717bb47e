import django_tables2 as tables
from django.utils.safestring import mark_safe

from .models import MessageTemplate


class MessageTemplateTable(tables.Table):
    name = tables.LinkColumn("notices:template_edit", args=[tables.A("pk")])
    used_for = tables.Column(accessor="stock__used_for", verbose_name="Used For", orderable=False)
    channels = tables.Column(accessor="stock__channels", verbose_name="Sent By", orderable=False)
    customised = tables.Column(accessor="pk", verbose_name="Wording", orderable=False)
    updated_at = tables.Column(verbose_name="Updated")

    class Meta:
        model = MessageTemplate
        fields = ["name", "used_for", "subject", "channels", "customised", "updated_at"]
        order_by = "name"
        empty_text = "No templates."

    def render_channels(self, value):
        return ", ".join("SMS" if c == "sms" else c.title() for c in value)

    def render_customised(self, record):
        if record.customised:
            return mark_safe('<span class="badge text-bg-info">Customised</span>')
        return mark_safe('<span class="badge text-bg-light border">Stock</span>')

    def render_updated_at(self, value):
        return f"{value:%Y-%m-%d %H:%M} UTC"
