import django_tables2 as tables

from .models import Certificate


class CertificateTable(tables.Table):
    domain = tables.Column(linkify=True)
    user_provided = tables.BooleanColumn(verbose_name="User Provided", yesno="Yes,No")
    status = tables.TemplateColumn(
        template_name="certificates/inc/status_cell.html", verbose_name="Status", orderable=False
    )
    not_after = tables.DateTimeColumn(format="Y-m-d")
    actions = tables.TemplateColumn(
        template_name="certificates/inc/actions_cell.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Certificate
        fields = ["domain", "user_provided", "status", "names", "issuer", "not_after"]
        empty_text = (
            "No certificates yet. Portal brand domains get theirs automatically once their CNAME is verified."
        )

    def render_names(self, value):
        return ", ".join(value)
