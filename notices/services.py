"""Every write of templates: saving the operator's wording, Reset to stock, the stock rows."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.handlebars import TemplateError, render

from .models import MessageTemplate
from .stock import STOCK

FIELDS = ("name", "subject", "text", "html", "sms")


def message_templates_ensure(*, using: str = "default") -> int:
    """A row for each stock message that has none; the number made."""
    have = set(MessageTemplate.objects.using(using).values_list("key", flat=True))
    rows = [
        MessageTemplate(key=key, name=s.name, subject=s.subject, text=s.text, html=s.html, sms=s.sms)
        for key, s in STOCK.items()
        if key not in have
    ]
    MessageTemplate.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def check_fields(*, key: str, values: dict) -> None:
    """Each field must read as Handlebars and render with the message's sample data."""
    stock = STOCK[key]
    errors: dict[str, list[str]] = {}
    for name in ("subject", "text", "html", "sms"):
        source = values.get(name) or ""
        try:
            render(source, stock.sample, escape=name == "html")
        except TemplateError as exc:
            errors[name] = [str(exc)]
    required = ["name", "subject", "text"] + (["sms"] if "sms" in stock.channels else [])
    for name in required:
        if not (values.get(name) or "").strip() and name not in errors:
            errors[name] = ["This field is required."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def message_template_update(
    *,
    actor: AbstractBaseUser | None,
    instance: MessageTemplate,
    name: str,
    subject: str,
    text: str,
    html: str = "",
    sms: str = "",
) -> MessageTemplate:
    values = {"name": name.strip(), "subject": subject, "text": text, "html": html, "sms": sms}
    check_fields(key=instance.key, values=values)
    before = audit.snapshot(instance, FIELDS)
    for field, value in values.items():
        setattr(instance, field, value)
    instance.save()
    after = audit.snapshot(instance, FIELDS)
    audit.record(actor=actor, action=AuditAction.TEMPLATE_UPDATE, obj=instance, before=before, after=after)
    return instance


@transaction.atomic
def message_template_reset(*, actor: AbstractBaseUser | None, instance: MessageTemplate) -> MessageTemplate:
    """Back to the stock wording (the name too)."""
    stock = STOCK[instance.key]
    before = audit.snapshot(instance, FIELDS)
    instance.name, instance.subject, instance.text = stock.name, stock.subject, stock.text
    instance.html, instance.sms = stock.html, stock.sms
    instance.save()
    after = audit.snapshot(instance, FIELDS)
    audit.record(actor=actor, action=AuditAction.TEMPLATE_RESET, obj=instance, before=before, after=after)
    return instance
