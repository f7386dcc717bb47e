import django_tables2 as tables

from .models import PortalDomain


class DomainTable(tables.Table):
    domain = tables.LinkColumn("portal:domain_edit", args=[tables.A("pk")])
    brand_name = tables.Column(verbose_name="Brand")
    dns_status = tables.Column(verbose_name="CNAME")
    certificate_status = tables.Column(verbose_name="Certificate", orderable=False, empty_values=())
    customer_count = tables.Column(verbose_name="Customers", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = PortalDomain
        fields = [
            "domain",
            "brand_name",
            "dns_status",
            "dns_checked_at",
            "certificate_status",
            "customer_count",
        ]
        order_by = "domain"
        empty_text = "No portal domains yet."

    def render_certificate_status(self, record):
        return record.certificate_status
