import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from .models import Cluster, Provider, Server

STATUS_ICONS = {
    "running": ("check-circle-fill", "text-success"),
    "deploying": ("hourglass-split", "text-secondary"),
    "unreachable": ("x-circle-fill", "text-danger"),
    "expired": ("slash-circle", "text-warning"),
    "destroyed": ("trash", "text-muted"),
}


class ServerTable(tables.Table):
    ip = tables.Column(
        verbose_name="IP", empty_values=(), order_by=("ip",), attrs={"td": {"class": "text-nowrap"}}
    )
    name = tables.LinkColumn("servers:server_detail", args=[tables.A("pk")], verbose_name="Name")
    server_type = tables.Column(verbose_name="Type")
    cluster = tables.Column(verbose_name="Cluster", order_by=("cluster__name",))
    channels = tables.Column(verbose_name="Channels", attrs={"td": {"class": "text-end"}}, empty_values=())
    cps = tables.Column(verbose_name="CPS", attrs={"td": {"class": "text-end"}}, empty_values=())
    status = tables.Column(verbose_name="Status")
    expires_at = tables.DateTimeColumn(verbose_name="Expires", format="Y-m-d")
    last_heartbeat_at = tables.DateTimeColumn(verbose_name="Last heartbeat", format="Y-m-d H:i:s")

    link_ip = True

    class Meta:
        model = Server
        fields = [
            "ip",
            "name",
            "server_type",
            "cluster",
            "channels",
            "cps",
            "status",
            "expires_at",
            "last_heartbeat_at",
        ]
        order_by = "name"
        empty_text = "No servers yet."

    def render_ip(self, record):
        icon, colour = STATUS_ICONS.get(record.status, ("question-circle", ""))
        sip = f"{record.sip_latency_ms} ms" if record.sip_latency_ms is not None else "n/a"
        icmp = f"{record.icmp_latency_ms} ms" if record.icmp_latency_ms is not None else "n/a"
        address = record.ip or "(waiting for first heartbeat)"
        if self.link_ip and record.ip:
            address = format_html('<a href="{}">{}</a>', record.get_absolute_url(), address)
        return format_html(
            '<i class="bi bi-{} {}" title="SIP latency {}, ICMP latency {}" aria-label="{}"></i> {}',
            icon,
            colour,
            sip,
            icmp,
            record.get_status_display(),
            address,
        )

    def render_expires_at(self, record, value):
        if value is None:
            return "—"
        text = f"{value:%Y-%m-%d}"
        if record.status == "expired" or value <= timezone.now():
            return format_html(
                '<span class="text-danger fw-semibold" title="Expired">{} (expired)</span>', text
            )
        return text

    def render_channels(self, record):
        return f"{record.channels} / {record.max_channels}"

    def render_cps(self, record):
        return f"{record.cps} / {record.max_cps}"


class MyServerTable(ServerTable):
    """My Account > My Servers: the same columns, read-only."""

    name = tables.Column(verbose_name="Name")
    link_ip = False


class ClusterTable(tables.Table):
    server_count = tables.Column(verbose_name="Servers", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Cluster
        fields = ["name", "server_count", "created_at"]
        order_by = "name"
        empty_text = "No clusters yet."


class ProviderTable(tables.Table):
    server_count = tables.Column(verbose_name="Servers", attrs={"td": {"class": "text-end"}})
    delete = tables.TemplateColumn(
        '<a class="btn btn-sm btn-outline-danger" '
        'href="{% url "servers:provider_delete" record.pk %}">Delete</a>',
        verbose_name="",
        orderable=False,
    )

    class Meta:
        model = Provider
        fields = ["name", "driver", "server_count", "created_at"]
        order_by = "name"
        empty_text = "No cloud providers yet."
