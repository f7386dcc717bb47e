"""Customers > Send: every write. `mailing_create` checks and queues; `mailing_run` (in the worker)
sends each customer its own copy: an email to all its contacts (with its rate cards attached when
asked), or an SMS to each contact's mobile. One customer's contacts never see another customer's."""

import csv
import io
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import mail, sms
from accounts.models import AccountSettings, User
from connexcs import audit, outbox
from connexcs.choices import AuditAction
from connexcs.handlebars import TemplateError, render
from customers.models import Customer
from customers.selectors import customer_balance
from portal.site_selectors import card_rows_for_export, customer_cards

from .choices import Channel, MailingStatus, ResultStatus
from .models import Mailing, MailingResult
from .tasks import run_mailing as run_mailing_task

SMS_MAX = 480
SAMPLE = {"customer": {"id": 1042, "name": "Acme Telecom", "currency": "USD", "balance": Decimal("1250.50")}}
_SPACES = re.compile(r"\s+")


def _check_text(errors: dict, field: str, text: str, *, required: bool) -> None:
    if required and not text.strip():
        errors[field] = ["This field is required."]
        return
    try:
        render(text, SAMPLE, escape=False)
    except TemplateError as exc:
        errors[field] = [str(exc)]


@transaction.atomic
def mailing_create(
    *,
    actor: User,
    customers: list[Customer],
    channel: str,
    subject: str = "",
    body: str,
    include_rate_card: bool = False,
) -> Mailing:
    errors: dict[str, list[str]] = {}
    if not customers:
        errors["customers"] = ["Choose at least one customer."]
    if channel not in Channel.values:
        errors["channel"] = ["Choose Email or SMS."]
    email = channel == Channel.EMAIL
    _check_text(errors, "subject", subject, required=email)
    _check_text(errors, "body", body, required=True)
    if not email and len(body) > SMS_MAX:
        errors["body"] = [f"An SMS is at most {SMS_MAX} characters; this is {len(body)}."]
    if include_rate_card and not email:
        errors["include_rate_card"] = ["Rate cards can only be attached to an email."]
    if errors:
        raise ValidationError(errors)
    mailing = Mailing.objects.create(
        channel=channel,
        subject=subject.strip() if email else "",
        body=body,
        include_rate_card=include_rate_card,
        customer_ids=sorted({c.pk for c in customers}),
        total=len({c.pk for c in customers}),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.MAILING_SEND,
        obj=mailing,
        after=audit.snapshot(mailing),
        note=f"{mailing.total} customers",
    )
    outbox.enqueue(run_mailing_task, mailing.pk)
    return mailing


def _context(customer: Customer) -> dict:
    return {
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "currency": customer.currency,
            "balance": customer_balance(customer),
        }
    }


def _rate_card_files(customer: Customer) -> list[tuple[str, bytes, str]]:
    files = []
    for card in customer_cards(customer=customer):
        if not card.current_revision_id:
            continue
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(card_rows_for_export(card=card))
        name = re.sub(r"[^\w .-]+", " ", card.name).strip() or f"rate-card-{card.pk}"
        files.append((f"{name}.csv", out.getvalue().encode(), "text/csv"))
    return files


def _email(mailing: Mailing, customer: Customer) -> tuple[str, str, str]:
    """(status, recipients, detail) for one customer's email."""
    to = sorted(customer.contacts.values_list("email", flat=True))
    if not to:
        return ResultStatus.SKIPPED, "", "No contacts to email."
    context = _context(customer)
    subject = _SPACES.sub(" ", render(mailing.subject, context, escape=False)).strip()
    files = _rate_card_files(customer) if mailing.include_rate_card else []
    mail.send(subject, render(mailing.body, context, escape=False), to, attachments=tuple(files))
    attached = f"; attached {', '.join(name for name, _, _ in files)}" if files else ""
    if mailing.include_rate_card and not files:
        attached = "; no published rate card to attach"
    return ResultStatus.SENT, ", ".join(to), f"Emailed{attached}."


def _sms(mailing: Mailing, customer: Customer) -> tuple[str, str, str]:
    phones = sorted({p for p in customer.contacts.values_list("phone", flat=True) if p})
    if not phones:
        return ResultStatus.SKIPPED, "", "No contact has a mobile number."
    text = render(mailing.body, _context(customer), escape=False).strip()
    sender = AccountSettings.load().sms_from
    failed = []
    for phone in phones:
        try:
            sms.send_sms(to=phone, body=text, sender=sender)
        except sms.SmsError as exc:
            failed.append(f"{phone}: {exc}")
    if failed:
        return ResultStatus.FAILED, ", ".join(phones), "; ".join(failed)[:500]
    return ResultStatus.SENT, ", ".join(phones), f"{len(phones)} SMS sent."


def mailing_run(*, mailing_id: int) -> Mailing | None:
    """Send to every customer not handled yet. A customer whose send was cut off (a worker died
    mid-send) is marked failed, not sent again: a duplicate is worse than a gap the page shows."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status == MailingStatus.DONE:
            return mailing
        Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENDING)
        MailingResult.objects.filter(mailing=mailing, status=ResultStatus.SENDING).update(
            status=ResultStatus.FAILED,
            detail="Interrupted while sending; not sent again (it may have arrived).",
        )
    handled = set(mailing.results.values_list("customer_id", flat=True))
    send = _email if mailing.channel == Channel.EMAIL else _sms
    customers = Customer.objects.filter(pk__in=mailing.customer_ids).exclude(pk__in=handled).order_by("name")
    for customer in customers.iterator(chunk_size=200):
        result, made = MailingResult.objects.get_or_create(
            mailing=mailing, customer=customer, defaults={"customer_name": customer.name}
        )
        if not made:
            continue  # another worker has it
        try:
            status, recipients, detail = send(mailing, customer)
        except OSError as exc:  # smtplib's errors are OSErrors
            status, recipients, detail = ResultStatus.FAILED, "", mail.describe_failure(exc)[:500]
        except (sms.SmsError, TemplateError) as exc:
            status, recipients, detail = ResultStatus.FAILED, "", str(exc)[:500]
        MailingResult.objects.filter(pk=result.pk).update(status=status, recipients=recipients, detail=detail)
    missing = mailing.total - mailing.results.count()
    Mailing.objects.filter(pk=mailing.pk).update(
        status=MailingStatus.DONE, finished_at=timezone.now(), total=F("total") - missing
    )
    mailing.refresh_from_db()
    return mailing
