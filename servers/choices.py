from django.db import models


class ServerType(models.TextChoices):
    SWITCH = "switch", "Switch"
    DISPATCHER = "dispatcher", "Dispatcher"


class ServerStatus(models.TextChoices):
    DEPLOYING = "deploying", "Deploying"
    RUNNING = "running", "Running"
    UNREACHABLE = "unreachable", "Unreachable"
    EXPIRED = "expired", "Expired"
    DESTROYED = "destroyed", "Destroyed"


class Source(models.TextChoices):
    CLOUD = "cloud", "Cloud provider"
    OWN_HOST = "own_host", "Own host"


class Driver(models.TextChoices):
    """libcloud compute drivers the panel can deploy on (libcloud's Provider constant values)."""

    DIGITALOCEAN = "digitalocean", "DigitalOcean"


class Health(models.TextChoices):
    OK = "ok", "OK"
    DEGRADED = "degraded", "Degraded"
    DOWN = "down", "Down"
