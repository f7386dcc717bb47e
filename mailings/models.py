"""Customers > Send: one message to the contacts of several customers, each customer's own copy."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from .choices import Channel, MailingStatus, ResultStatus


class Mailing(models.Model):
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    include_rate_card = models.BooleanField("Include Customer Rate Cards", default=False)
    customer_ids = ArrayField(models.BigIntegerField())
    status = models.CharField(max_length=10, choices=MailingStatus.choices, default=MailingStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        what = self.subject or self.body[:40]
        return f"{self.get_channel_display()}: {what}"

    def get_absolute_url(self):
        return reverse("mailings:mailing_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status != MailingStatus.DONE


class MailingResult(models.Model):
    """What happened for one customer of a mailing; made before sending, so a retry never sends twice."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="results")
    customer = models.ForeignKey(
        "customers.Customer", null=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+"
    )
    customer_name = models.CharField("Customer", max_length=150)
    status = models.CharField(max_length=10, choices=ResultStatus.choices, default=ResultStatus.SENDING)
    recipients = models.TextField(blank=True)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "customer"], name="mailing_result_once_per_customer")
        ]

    def __str__(self):
        return f"{self.customer_name}: {self.get_status_display()}"
