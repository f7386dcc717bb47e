from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

TECH_PREFIX_RE = r"^[0-9*#]{0,20}$"
tech_prefix_validator = RegexValidator(TECH_PREFIX_RE, "Use up to 20 digits, * or #.")


DEFAULT_MAX_DURATION = 2 * 60 * 60  # seconds: a call with a lost BYE is cut after two hours


class IngressRoute(models.Model):
    """How one customer's calls reach a customer card: which calls (tech prefix, dial string) and limits."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="ingress_routes"
    )
    card = models.ForeignKey(
        "ratecards.CustomerCard",
        on_delete=models.PROTECT,
        related_name="ingress_routes",
        verbose_name="Rate Card",
    )
    tech_prefix = models.CharField(
        max_length=20,
        blank=True,
        validators=[tech_prefix_validator],
        help_text="Stripped from the dialled number before matching; tells apart customers sharing an IP.",
    )
    dial_prefixes = models.CharField(
        "Dial String",
        max_length=500,
        blank=True,
        help_text="Only numbers starting with one of these prefixes (comma separated). Empty allows all.",
    )
    dial_pattern = models.CharField(
        "Dial String Regex",
        max_length=200,
        blank=True,
        help_text="Only numbers matching this regular expression, e.g. ^44[0-9]{10}$. Empty allows all.",
    )
    enabled = models.BooleanField(default=True)
    channels = models.PositiveIntegerField(default=0, help_text="Concurrent calls; 0 means unlimited.")
    cps = models.PositiveIntegerField("Flow Speed (CPS)", default=0, help_text="0 means unlimited.")
    max_duration = models.PositiveIntegerField(
        "Max Duration",
        default=DEFAULT_MAX_DURATION,
        help_text="Seconds before a call is cut (missing BYE protection).",
    )
    profit_assurance = models.BooleanField(
        "Profit Assurance",
        default=True,
        help_text="Only offer carriers that cost no more than the sell rate.",
    )
    public_notes = models.TextField("Public Notes", blank=True)
    private_notes = models.TextField("Private Notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "-tech_prefix", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tech_prefix__regex=TECH_PREFIX_RE), name="ingress_tech_prefix_chars"
            ),
        ]

    def __str__(self):
        prefix = f" #{self.tech_prefix}" if self.tech_prefix else ""
        return f"{self.customer} → {self.card}{prefix}"

    def get_absolute_url(self):
        return reverse("routing:customer_routing", kwargs={"pk": self.customer_id})

    def get_edit_url(self):
        return reverse("routing:ingress_route_edit", kwargs={"customer_pk": self.customer_id, "pk": self.pk})

    def prefix_list(self) -> list[str]:
        return [p for p in (s.strip() for s in self.dial_prefixes.replace(" ", ",").split(",")) if p]


class ApiToken(models.Model):
    """A bearer token for the routing API. Only its SHA-256 is stored; the token is shown once."""

    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="First characters, to recognise it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
