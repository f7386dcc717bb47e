from django.apps import apps
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """A text column whose value is Fernet-encrypted in the database.

    Not searchable or orderable (each encryption differs); keep a separate hash column when a
    lookup is needed.
    """

    def from_db_value(self, value, _expression, _connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


def encrypted_fields():
    """Every (model, field) pair that stores an encrypted secret."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
