from django.db import models

from connexcs.money import ZERO, CurrencyField, amount_field

from .choices import CustomerStatus


class Customer(models.Model):
    name = models.CharField(max_length=150, unique=True)
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    debit_limit = amount_field(default=ZERO, help_text="How far below zero the balance may go.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
