import django_tables2 as tables

from accounts.dates import PanelDateColumn
from connexcs.columns import LimitColumn, SecondsColumn

from .models import ApiToken, IngressRoute


class IngressRouteTable(tables.Table):
    card = tables.Column(verbose_name="Rate Card", linkify=lambda record: record.get_edit_url())
    tech_prefix = tables.Column(verbose_name="Tech Prefix", empty_values=(), default="—")
    dial = tables.Column(verbose_name="Dial String", empty_values=(), orderable=False)
    enabled = tables.BooleanColumn()
    channels = LimitColumn(verbose_name="Channels")
    cps = LimitColumn(verbose_name="CPS")
    max_duration = SecondsColumn(verbose_name="Max Duration")
    profit_assurance = tables.BooleanColumn(verbose_name="Profit Assurance")
    actions = tables.TemplateColumn(
        template_name="routing/inc/route_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = IngressRoute
        fields = [
            "card",
            "tech_prefix",
            "dial",
            "enabled",
            "channels",
            "cps",
            "max_duration",
            "profit_assurance",
        ]
        row_attrs = {"class": lambda record: "" if record.enabled else "table-danger"}
        empty_text = "No ingress routes yet: click + to add one."

    def render_tech_prefix(self, value):
        return value or "—"

    def render_dial(self, record):
        parts = [record.dial_prefixes, record.dial_pattern]
        return " / ".join(p for p in parts if p) or "All numbers"


class ApiTokenTable(tables.Table):
    name = tables.Column()
    hint = tables.Column(verbose_name="Token", orderable=False)
    created_by = tables.Column(verbose_name="Created By")
    created_at = PanelDateColumn(verbose_name="Created")
    revoked_at = PanelDateColumn(verbose_name="Revoked", default="—")
    actions = tables.TemplateColumn(
        template_name="routing/inc/token_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = ApiToken
        fields = ["name", "hint", "created_by", "created_at", "revoked_at"]
        empty_text = "No API tokens."

    def render_hint(self, value):
        return f"{value}…"
