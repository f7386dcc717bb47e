from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from connexcs.fields import EncryptedTextField
from customers.models import Customer

from . import choices
from .features import default_features


def _columns(choice_class, default):
    return ArrayField(
        models.CharField(max_length=32, choices=choice_class.choices), default=default, blank=True
    )


def _breakout_default():
    return list(choices.BREAKOUT_CUSTOMER_DEFAULT)


def _cdr_default():
    return list(choices.CDR_CUSTOMER_DEFAULT)


class PortalDomain(models.Model):
    """A brand: one white-labelled portal domain with its own look, features and mail."""

    # Basic
    domain = models.CharField(max_length=253, unique=True)
    brand_name = models.CharField("Brand Name", max_length=100)
    customer_signup = models.BooleanField("Customer Sign up", default=False)
    carrier_signup = models.BooleanField("Carrier Sign up", default=False)
    currencies = ArrayField(models.CharField(max_length=3), default=list, blank=True)
    template_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # User Access Area: feature key -> on/off (features.FEATURES)
    features = models.JSONField(default=default_features)
    # Breakout and CDR
    breakout_customer_columns = _columns(choices.BreakoutColumn, _breakout_default)
    breakout_carrier_columns = _columns(choices.BreakoutColumn, _breakout_default)
    cdr_customer_columns = _columns(choices.CDRColumn, _cdr_default)
    cdr_carrier_columns = _columns(choices.CDRColumn, _cdr_default)
    # Advanced
    javascript = models.TextField(blank=True)
    css = models.TextField("CSS", blank=True)
    logo = models.BinaryField(blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)
    footer = models.CharField(max_length=500, blank=True)
    # SMTP
    smtp_server = models.CharField("Server", max_length=200, blank=True)
    smtp_port = models.PositiveIntegerField("Port", default=587)
    smtp_username = models.CharField("Username", max_length=200, blank=True)
    smtp_password = EncryptedTextField("Password", blank=True)
    smtp_from = models.EmailField("From Email Address", blank=True)
    smtp_tls = models.BooleanField("TLS", default=True)
    # Portal log-in
    require_two_factor = models.BooleanField(
        "Require 2FA", default=False, help_text="Contacts must set up an authenticator app to log in."
    )
    # Ownership: the CNAME check and the certificate
    dns_status = models.CharField(
        max_length=10, choices=choices.DNSStatus.choices, default=choices.DNSStatus.PENDING
    )
    dns_found = models.CharField(max_length=500, blank=True)
    dns_checked_at = models.DateTimeField(null=True, blank=True)
    certificate_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def get_absolute_url(self):
        return reverse("portal:domain_edit", kwargs={"pk": self.pk})

    @property
    def verified(self) -> bool:
        return self.dns_status == choices.DNSStatus.OK

    @property
    def certificate_status(self) -> str:
        if not self.verified:
            return "Waiting for the CNAME"
        if self.certificate_requested_at is None:
            return "Allowed, not requested yet"
        return "Issued on demand"


class CustomerPortal(models.Model):
    """A customer's brand (at most one: the customer is the primary key) and its Portal Access overrides."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True, related_name="+")
    domain = models.ForeignKey(PortalDomain, on_delete=models.CASCADE, related_name="customer_links")
    # feature key -> "show" | "hide"; a feature not listed follows the brand
    overrides = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.customer} @ {self.domain}"


class PortalUser(models.Model):
    """Someone who logs in on one brand's portal domain: a customer's Contact or a carrier's contact.

    Separate from the panel's accounts.User: its own password hash, its own session key (see
    portal.site_auth), and valid only on `domain`. Exactly one of `contact` / `carrier` is set.
    """

    domain = models.ForeignKey(PortalDomain, on_delete=models.CASCADE, related_name="portal_users")
    contact = models.OneToOneField(
        "customers.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="portal_user"
    )
    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.CASCADE, null=True, blank=True, related_name="portal_users"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(help_text="Stored lower-cased: one spelling per address.")
    password = models.CharField(max_length=128, blank=True)  # a Django password hash; empty = not set yet
    is_active = models.BooleanField(default=True)
    # Optional TOTP (accounts.two_factor's algorithm); the secret is encrypted at rest.
    totp_secret = EncryptedTextField(blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    last_login = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "email"], name="portal_user_email_unique_per_domain"),
            models.CheckConstraint(
                condition=(
                    models.Q(contact__isnull=False, carrier__isnull=True)
                    | models.Q(contact__isnull=True, carrier__isnull=False)
                ),
                name="portal_user_contact_xor_carrier",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self):
        """The panel page listing this user: its contact's, or the carrier's Portal page."""
        if self.contact_id:
            return self.contact.get_absolute_url()
        return reverse("portal:carrier_portal", kwargs={"pk": self.carrier_id})

    @property
    def audit_ref(self):
        """The row the audit log links for this user: the customer's Contact, or this carrier user."""
        return self.contact if self.contact_id else self

    @property
    def audit_label(self) -> str:
        """How the audit log names what this user changes: who, and for which tenant."""
        tenant = f"customer: {self.contact.customer}" if self.contact_id else f"carrier: {self.carrier}"
        return f"{self} ({tenant})"

    @property
    def is_carrier(self) -> bool:
        return self.carrier_id is not None

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_confirmed_at is not None
