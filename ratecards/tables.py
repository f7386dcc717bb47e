import django_tables2 as tables

from .models import (
    BuildJob,
    CustomerCard,
    CustomerCardRate,
    CustomerCardRevision,
    ExchangeRate,
    ProfitRule,
    ProviderCard,
    ProviderCardRevision,
    ProviderRate,
)


class ProviderCardTable(tables.Table):
    name = tables.Column(linkify=True)
    carrier = tables.Column()
    current_revision = tables.Column(verbose_name="Revision", empty_values=())
    rows = tables.Column(accessor="current_revision__row_count", verbose_name="Rows", default=0)

    class Meta:
        model = ProviderCard
        fields = ("name", "carrier", "currency", "status", "current_revision", "rows")
        attrs = {"class": "table table-sm table-hover"}

    def render_current_revision(self, record):
        return f"r{record.current_revision.number}" if record.current_revision else "—"


class CustomerCardTable(tables.Table):
    name = tables.Column(linkify=True)
    providers = tables.Column(verbose_name="Carrier Cards", orderable=False, empty_values=())
    stale = tables.BooleanColumn(verbose_name="Stale")
    current_revision = tables.Column(verbose_name="Revision", empty_values=())

    class Meta:
        model = CustomerCard
        fields = ("name", "currency", "rate_compact", "providers", "current_revision", "stale")
        attrs = {"class": "table table-sm table-hover"}

    def render_providers(self, record):
        return ", ".join(p.name for p in record.providers.all())

    def render_current_revision(self, record):
        return f"r{record.current_revision.number}" if record.current_revision else "—"


class ProviderRateTable(tables.Table):
    actions = tables.TemplateColumn(
        template_name="ratecards/_row_actions.html", verbose_name="", orderable=False, empty_values=()
    )

    class Meta:
        model = ProviderRate
        fields = ("prefix", "name", "cost", "connect_cost", "billing", "blocked")
        sequence = ("prefix", "name", "cost", "connect_cost", "billing", "blocked", "actions")
        attrs = {"class": "table table-sm"}
        row_attrs = {"id": lambda record: f"rate-{record.pk}"}

    billing = tables.Column(accessor="mcd", verbose_name="Billing")

    def render_billing(self, record):
        return record.billing


class ProviderRevisionTable(tables.Table):
    number = tables.Column(verbose_name="Revision")
    actions = tables.TemplateColumn(
        template_name="ratecards/_revision_actions.html", verbose_name="", orderable=False, empty_values=()
    )

    class Meta:
        model = ProviderCardRevision
        fields = ("number", "state", "published_by", "published_at", "row_count", "note")
        attrs = {"class": "table table-sm"}


class CustomerRateTable(tables.Table):
    carriers = tables.Column(accessor="providers", verbose_name="Carriers (cheapest first)", orderable=False)

    class Meta:
        model = CustomerCardRate
        fields = ("prefix", "name", "rate", "connect_cost", "mcd", "pulse", "blocked")
        attrs = {"class": "table table-sm"}

    def render_carriers(self, value):
        return ", ".join(f"{p['prefix']} @ {p['cost']}" for p in value)


class CustomerRevisionTable(tables.Table):
    class Meta:
        model = CustomerCardRevision
        fields = ("number", "created_by", "created_at", "row_count", "note")
        attrs = {"class": "table table-sm"}


class ProfitRuleTable(tables.Table):
    prefix = tables.Column(linkify=("ratecards:profit_edit", {"pk": tables.A("pk")}), empty_values=())
    value = tables.Column(verbose_name="Cost")

    class Meta:
        model = ProfitRule
        fields = ("prefix", "name", "profit_type", "value", "apply_to", "mcd", "pulse", "precision", "status")
        attrs = {"class": "table table-sm"}

    def render_prefix(self, value):
        return value or "Default"


class ExchangeRateTable(tables.Table):
    from_currency = tables.Column(linkify=("ratecards:exchange_rate_edit", {"pk": tables.A("pk")}))

    class Meta:
        model = ExchangeRate
        fields = ("from_currency", "to_currency", "rate", "updated_at")
        attrs = {"class": "table table-sm"}


class BuildJobTable(tables.Table):
    class Meta:
        model = BuildJob
        fields = ("pk", "status", "progress", "message", "created_at")
