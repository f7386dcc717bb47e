"""The panel's outbound messages as the operator words them (Setup > Config > Templates)."""

from django.db import models
from django.urls import reverse

from .stock import STOCK


class MessageTemplate(models.Model):
    """One per stock message (made at migrate time); its fields start as the stock wording."""

    key = models.CharField(max_length=50, unique=True, editable=False)
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, help_text="Handlebars, e.g. Welcome to {{brand.name}}.")
    text = models.TextField("Text", help_text="The plain-text email. Handlebars; nothing is escaped.")
    html = models.TextField(
        "HTML",
        blank=True,
        help_text="Optional: sent beside the text for mail programs that show HTML. Values are escaped; "
        "{{{triple}}} braces insert one as is.",
    )
    sms = models.CharField(
        "SMS",
        max_length=480,
        blank=True,
        help_text="Used where the message also goes by SMS (verification codes).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "template"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("notices:template_edit", args=[self.pk])

    @property
    def stock(self):
        return STOCK.get(self.key)

    @property
    def customised(self) -> bool:
        stock = self.stock
        if stock is None:
            return False
        return (self.subject, self.text, self.html, self.sms) != (
            stock.subject,
            stock.text,
            stock.html,
            stock.sms,
        )
