"""Setup > Information > Certificate: TLS certificates for the portal domains Caddy serves."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from connexcs.fields import EncryptedTextField

EXPIRY_WARNING_DAYS = 14


class Certificate(models.Model):
    domain = models.CharField(max_length=253, unique=True)
    user_provided = models.BooleanField(
        "User Provided",
        default=False,
        help_text="No: Let's Encrypt issues and renews it (the domain must point at this panel). "
        "Yes: paste your own; renewing it is yours to do.",
    )
    certificate = models.TextField(blank=True)
    private_key = EncryptedTextField("Key", blank=True)
    ca_certificate = models.TextField("CA Certificate", blank=True)
    names = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    issuer = models.CharField(max_length=300, blank=True)
    not_after = models.DateTimeField("Expires", null=True, blank=True)
    fingerprint = models.CharField("SHA-256 fingerprint", max_length=95, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def get_absolute_url(self):
        return reverse("certificates:certificate_edit", args=[self.pk])

    def problems(self, now=None) -> list[str]:
        """What a person should fix, checked at read time (expiry moves on its own); [] is all passed."""
        if not self.user_provided:
            return []
        now = now or timezone.now()
        if self.not_after is None:
            return ["No certificate stored."]
        if self.not_after <= now:
            return [f"Expired on {self.not_after:%Y-%m-%d}; paste a renewed certificate."]
        days = (self.not_after - now).days
        if days < EXPIRY_WARNING_DAYS:
            return [
                f"Expires in {days} day{'s' if days != 1 else ''} ({self.not_after:%Y-%m-%d}); renew it soon."
            ]
        return []
