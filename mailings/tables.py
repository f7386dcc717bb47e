import django_tables2 as tables

from .models import Mailing, MailingResult


class MailingTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name="Sent", format="Y-m-d H:i", linkify=True)
    created_by = tables.Column(verbose_name="By")
    channel = tables.Column()
    subject = tables.Column(verbose_name="Subject / Text", empty_values=(), orderable=False)
    total = tables.Column(verbose_name="Customers", attrs={"td": {"class": "text-end"}})
    sent = tables.Column(attrs={"td": {"class": "text-end"}})
    skipped = tables.Column(attrs={"td": {"class": "text-end"}})
    failed = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Mailing
        fields = [
            "created_at",
            "created_by",
            "channel",
            "subject",
            "total",
            "sent",
            "skipped",
            "failed",
            "status",
        ]
        empty_text = "Nothing sent yet. Tick customers on the Customers page and click Send."

    def render_subject(self, record):
        return record.subject or record.body[:60]


class MailingResultTable(tables.Table):
    status = tables.TemplateColumn(template_name="mailings/inc/result_status.html")
    recipients = tables.Column(verbose_name="To", attrs={"td": {"class": "text-break"}})
    detail = tables.Column(verbose_name="Detail")

    class Meta:
        model = MailingResult
        fields = ["customer_name", "status", "recipients", "detail"]
        empty_text = "No customer handled yet."
