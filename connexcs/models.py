from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from .choices import AuditAction


class AuditEvent(models.Model):
    """Who changed what: one row per service write, with the object's state before and after."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(max_length=255, blank=True)
    # An actor who is not a panel user (a portal contact): which row, kept apart from `actor` because
    # connexcs may not know the apps' models. The label in actor_repr outlives the row.
    actor_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_object_id = models.CharField(max_length=64, blank=True)
    actor_object = GenericForeignKey("actor_content_type", "actor_object_id")
    action = models.CharField(max_length=100, db_index=True, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    # Where the change came from: the client of the request that made it (behind a trusted proxy,
    # its X-Forwarded-For), empty for background work.
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def get_absolute_url(self):
        return reverse("audit_event", kwargs={"pk": self.pk})


class OutboxMessage(models.Model):
    """A Celery task written in the same transaction as the change that needs it (see connexcs.outbox)."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class Version(models.Model):
    """A change counter per cached data set (see connexcs.versioning); bumped after each commit."""

    name = models.CharField(primary_key=True, max_length=64)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} v{self.value}"
