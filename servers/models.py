"""Switch servers, the clusters they share limits in, and the cloud accounts they are created on."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from connexcs.fields import EncryptedTextField

from .choices import Driver, Health, ServerStatus, ServerType, Source

# A host-name label (RFC 1123): letters, digits and inner hyphens, at most 63 characters.
HOSTNAME_RE = r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$"
hostname_validator = RegexValidator(
    HOSTNAME_RE, "Letters, digits and hyphens only (a host name), not starting or ending with a hyphen."
)


class Cluster(models.Model):
    """Servers that share customers' channel and CPS limits (and registrations)."""

    name = models.CharField(max_length=63, unique=True, validators=[hostname_validator])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Provider(models.Model):
    """A cloud account servers are created in; its API key is encrypted at rest and never shown."""

    name = models.CharField(max_length=100, unique=True)
    driver = models.CharField(max_length=32, choices=Driver.choices, default=Driver.DIGITALOCEAN)
    api_key = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Server(models.Model):
    name = models.CharField(max_length=63, validators=[hostname_validator])
    server_type = models.CharField(
        "Type", max_length=16, choices=ServerType.choices, default=ServerType.SWITCH
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="servers"
    )
    location = models.CharField("Server Location", max_length=64, blank=True)
    size = models.CharField(max_length=64, blank=True)
    node_id = models.CharField(max_length=64, blank=True, help_text="The provider's id of the machine.")
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.PROTECT, related_name="servers"
    )
    status = models.CharField(max_length=16, choices=ServerStatus.choices, default=ServerStatus.DEPLOYING)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    expires_at = models.DateTimeField("Expires", null=True, blank=True)
    # Reported by the heartbeat
    version = models.CharField(max_length=100, blank=True)
    channels = models.PositiveIntegerField(default=0)
    cps = models.PositiveIntegerField("CPS", default=0)
    health = models.CharField(max_length=16, choices=Health.choices, blank=True)
    sip_latency_ms = models.PositiveIntegerField("SIP latency (ms)", null=True, blank=True)
    icmp_latency_ms = models.PositiveIntegerField("ICMP latency (ms)", null=True, blank=True)
    last_heartbeat_at = models.DateTimeField("Last heartbeat", null=True, blank=True)
    # Limits and config
    max_channels = models.PositiveIntegerField(
        "Channel limit", default=1000, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    max_cps = models.PositiveIntegerField(
        "CPS limit", default=50, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    capacity_failover = models.BooleanField("Capacity Failover", default=False)
    failover_server = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fqdn = models.CharField("FQDN", max_length=253, blank=True, help_text="For TLS and WebRTC certificates.")
    auto_upgrade = models.BooleanField("Auto Upgrade", default=True)
    # Secrets: only hashes are stored
    heartbeat_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    install_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    api_token = models.ForeignKey(
        "routing.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ip_emailed_at = models.DateTimeField(null=True, blank=True)
    unreachable_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=~models.Q(status="destroyed"),
                name="server_name_unique_while_live",
                violation_error_message="A server with this name exists already.",
            ),
            models.CheckConstraint(
                condition=models.Q(source="own_host") | models.Q(provider__isnull=False),
                name="server_cloud_has_provider",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servers:server_detail", kwargs={"pk": self.pk})

    @property
    def live(self) -> bool:
        return self.status != ServerStatus.DESTROYED
