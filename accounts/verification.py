"""Email and mobile verification codes: send, check, and the emailed link."""

import logging
import secrets
from datetime import timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from connexcs import audit, outbox
from connexcs.choices import AuditAction
from connexcs.hosts import panel_link
from notices import render as notices

from . import mail, sms
from .choices import Channel
from .models import AccountSettings, User, VerificationCode
from .tasks import send_verification_code as send_verification_code_task

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)  # at most one code a minute...
MAX_PER_HOUR = 5  # ...and five an hour, per person and channel

logger = logging.getLogger(__name__)

VERIFIED_FIELD = {Channel.EMAIL: "email_verified_at", Channel.MOBILE: "mobile_verified_at"}


def hash_code(user_id: int, code: str) -> str:
    # Keyed by SECRET_KEY: a leaked table alone does not let anyone try the million codes offline.
    return salted_hmac("accounts.verification", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def normalize_mobile(value: str, field: str = "mobile") -> str:
    """The number in E.164 (+ country code and number, no spaces), or a ValidationError on `field`."""
    value = (value or "").strip()
    kind = "mobile number" if field == "mobile" else "number"
    message = f"Enter the {kind} in E.164 format, e.g. +447911123456."
    if not value.startswith("+"):
        raise ValidationError({field: message})
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError({field: message}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError({field: f"{value} is not a valid phone number. {message}"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def target_of(user: User, channel: str) -> str:
    return user.email if channel == Channel.EMAIL else user.mobile


@transaction.atomic
def user_set_mobile(*, actor: User, user: User, mobile: str) -> User:
    mobile = normalize_mobile(mobile)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, ["mobile", "mobile_verified_at"])
    if mobile != user.mobile:
        user.mobile = mobile
        user.mobile_verified_at = None  # a new number must be proved again
        user.save(update_fields=["mobile", "mobile_verified_at"])
    audit.record(
        actor=actor,
        action=AuditAction.USER_MOBILE_SET,
        obj=user,
        before=before,
        after=audit.snapshot(user, ["mobile", "mobile_verified_at"]),
    )
    return user


@transaction.atomic
def verification_send(*, actor: User, channel: str) -> VerificationCode:
    """Issue a new code for the actor's own email or mobile; a worker sends it."""
    user = User.objects.select_for_update().get(pk=actor.pk)  # serialises double clicks
    target = target_of(user, channel)
    if not target:
        raise ValidationError({"mobile": "Add your mobile number first (click Edit)."})
    now = timezone.now()
    recent = VerificationCode.objects.filter(
        user=user, channel=channel, created_at__gt=now - timedelta(hours=1)
    )
    latest = recent.first()
    if latest is not None and latest.created_at > now - RESEND_AFTER:
        wait = int((latest.created_at + RESEND_AFTER - now).total_seconds()) + 1
        raise ValidationError(
            {"code": f"A code was sent moments ago. Please wait {wait} seconds before sending another."}
        )
    if recent.count() >= MAX_PER_HOUR:
        raise ValidationError({"code": "Too many codes were sent in the last hour. Please try again later."})
    VerificationCode.objects.filter(user=user, channel=channel, used_at__isnull=True).update(superseded=True)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = VerificationCode.objects.create(
        user=user,
        channel=channel,
        target=target,
        code_hash=hash_code(user.pk, code),
        outgoing=code,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    audit.record(actor=actor, action=AuditAction(f"user.{channel}_code_sent"), obj=user, note=f"to {target}")
    outbox.enqueue(send_verification_code_task, row.pk)
    return row


def verification_deliver(*, code_id: int) -> None:
    """Worker side: read the encrypted copy, send it, then forget it."""
    with transaction.atomic():
        row = VerificationCode.objects.select_for_update().select_related("user").filter(pk=code_id).first()
        if row is None or not row.outgoing or row.used_at or row.superseded:
            return
        code = row.outgoing
        row.outgoing = ""
        row.save(update_fields=["outgoing"])
    error = ""
    try:
        if row.channel == Channel.EMAIL:
            link = panel_link(reverse("accounts:verify_link", args=[row.pk, code]))
            context = {"user": mail.user_data(row.user), "code": code, "link": link}
            mail.send_message("user_verification_code", context, [row.target])
        else:
            settings_row = AccountSettings.load()
            context = {"user": mail.user_data(row.user), "code": code}
            text = notices.message("user_verification_code", context).sms
            sms.send_sms(to=row.target, body=text, sender=settings_row.sms_from)
    except sms.SmsError as exc:
        error = str(exc)[:500]
    except OSError as exc:  # smtplib's errors are OSErrors too
        error = (mail.describe_failure(exc) if row.channel == Channel.EMAIL else str(exc))[:500]
    # The page shows a sending error so the person can fix their number and send again.
    VerificationCode.objects.filter(pk=row.pk).update(sent_at=timezone.now(), send_error=error)
    if error:
        logger.warning("Verification code %s not sent: %s", row.pk, error)


def _latest(user: User, channel: str) -> VerificationCode | None:
    return VerificationCode.objects.filter(user=user, channel=channel, superseded=False).first()


def verification_check(*, actor: User, channel: str, code: str, code_id: int | None = None) -> User:
    """Mark the email or mobile verified if `code` is right; otherwise a ValidationError on `code`.

    A wrong guess is counted (in its own transaction, so the count survives the error).
    """
    code = (code or "").strip()
    with transaction.atomic():
        if code_id is not None:
            row = (
                VerificationCode.objects.select_for_update().filter(pk=code_id).select_related("user").first()
            )
        else:
            latest = _latest(actor, channel)
            row = (
                VerificationCode.objects.select_for_update().filter(pk=latest.pk).first() if latest else None
            )
        error = _problem(row, code)
        if error is None and not constant_time_compare(row.code_hash, hash_code(row.user_id, code)):
            row.attempts = F("attempts") + 1
            row.save(update_fields=["attempts"])
            error = "That code is not right. Check it and try again."
    if error:
        raise ValidationError({"code": error})
    return _mark_verified(row=row, actor=actor)


def _problem(row: VerificationCode | None, code: str) -> str | None:
    if row is None:
        return "No code is waiting. Click Send Verification Code first."
    if row.used_at is not None:
        return "That code has already been used."
    if row.superseded:
        return "A newer code was sent; use the newest one."
    if row.expires_at <= timezone.now():
        return "That code has expired. Click Send Verification Code to get a new one."
    if row.attempts >= MAX_ATTEMPTS:
        return "Too many wrong attempts. Click Send Verification Code to get a new one."
    if row.target != target_of(row.user, row.channel):
        return f"That code was sent to {row.target}, which is no longer yours on this account."
    if not (len(code) == CODE_DIGITS and code.isdigit()):
        return f"Enter the {CODE_DIGITS}-digit code."
    return None


@transaction.atomic
def _mark_verified(*, row: VerificationCode, actor) -> User:
    updated = VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not updated:  # a concurrent request used it first
        raise ValidationError({"code": "That code has already been used."})
    user = User.objects.select_for_update().get(pk=row.user_id)
    field = VERIFIED_FIELD[row.channel]
    setattr(user, field, timezone.now())
    user.save(update_fields=[field])
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction(f"user.{row.channel}_verified"),
        obj=user,
        note=row.target,
    )
    return user
