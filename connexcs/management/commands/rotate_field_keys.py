"""Re-encrypt every stored secret under the newest key in FIELD_ENCRYPTION_KEYS.

Put the new key first, keep the old ones after it, run this, then drop the old keys.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from connexcs.fields import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    @transaction.atomic
    def handle(self, *args, **options):
        total = 0
        for model, field in encrypted_fields():
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
                **{f"{field.attname}__isnull": True}
            )
            for pk, value in rows.values_list("pk", field.attname).iterator():
                # Reading decrypts with any known key; writing encrypts with the newest one.
                model._base_manager.filter(pk=pk).update(**{field.attname: value})
                total += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} secret(s)."))
