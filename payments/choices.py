from django.db import models


class GatewayKind(models.TextChoices):
    PAYPAL = "paypal", "PayPal"
    STRIPE = "stripe", "Stripe"


class GatewayMode(models.TextChoices):
    LIVE = "live", "Live"
    SANDBOX = "sandbox", "Sandbox"


class CheckStatus(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked"
    OK = "ok", "OK"
    FAILED = "failed", "Failed"

    @property
    def colour(self) -> str:
        return {"ok": "success", "failed": "danger"}.get(self.value, "secondary")
