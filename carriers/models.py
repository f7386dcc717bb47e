from django.db import models

from connexcs.money import CurrencyField

from .choices import CarrierStatus


class Carrier(models.Model):
    name = models.CharField(max_length=150, unique=True)
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=CarrierStatus.choices, default=CarrierStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
