"""TOTP two factor authentication (RFC 6238 via pyotp) with single-use recovery codes."""

import secrets
import time

import pyotp
import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from connexcs import audit

from .models import AccountSettings, RecoveryCode, TwoFactor, User

ISSUER = "connexcs"
STEP = 30
DRIFT = 1  # accept the previous and the next time step too
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def hash_recovery_code(code: str) -> str:
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    return salted_hmac("accounts.recovery", normalized, algorithm="sha256").hexdigest()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, title="Scan with your authenticator app")


def is_enabled(user: User) -> bool:
    return TwoFactor.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (within ±DRIFT) whose code equals `code`, or None."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    now_step = int((time.time() if at is None else at) // STEP)
    for step in range(now_step - DRIFT, now_step + DRIFT + 1):
        if constant_time_compare(totp.at(step * STEP), code):
            return step
    return None


def _accept_step(two_factor: TwoFactor, step: int) -> bool:
    """Record `step` as used unless it (or a newer one) already was. One conditional UPDATE, so two
    concurrent requests with the same code cannot both succeed."""
    return bool(
        TwoFactor.objects.filter(pk=two_factor.pk)
        .filter(Q(last_step__isnull=True) | Q(last_step__lt=step))
        .update(last_step=step)
    )


@transaction.atomic
def two_factor_begin(*, actor: User) -> TwoFactor:
    """Start enrolment with a new secret (or the one already offered); 2FA is off until confirmed."""
    existing = TwoFactor.objects.select_for_update().filter(user=actor).first()
    if existing is not None and existing.is_enabled:
        raise ValidationError({"code": "Two factor authentication is already enabled."})
    if existing is not None:
        return existing  # keep the secret, so reloading the page does not void a scanned QR code
    two_factor = TwoFactor.objects.create(user=actor, secret=pyotp.random_base32())
    audit.record(actor=actor, action="user.2fa_enrolment_started", obj=actor)
    return two_factor


@transaction.atomic
def two_factor_confirm(*, actor: User, code: str) -> list[str]:
    """Turn 2FA on once a code from the app matches; returns the recovery codes (shown once)."""
    two_factor = TwoFactor.objects.select_for_update().filter(user=actor).first()
    if two_factor is None:
        raise ValidationError({"code": "Start again: click Enable Two Factor Authentication."})
    if two_factor.is_enabled:
        raise ValidationError({"code": "Two factor authentication is already enabled."})
    step = matching_step(two_factor.secret, code)
    if step is None or not _accept_step(two_factor, step):
        raise ValidationError(
            {"code": "That code does not match. Check the time on your phone and try again."}
        )
    two_factor.confirmed_at = timezone.now()
    two_factor.save(update_fields=["confirmed_at"])
    codes = _replace_recovery_codes(actor)
    audit.record(actor=actor, action="user.2fa_enabled", obj=actor)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=hash_recovery_code(c)) for c in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, password: str) -> None:
    if not actor.check_password(password):
        raise ValidationError({"password": "Your password is not right."})
    TwoFactor.objects.filter(user=actor).delete()
    RecoveryCode.objects.filter(user=actor).delete()
    audit.record(actor=actor, action="user.2fa_disabled", obj=actor)


def two_factor_verify(*, user: User, code: str) -> bool:
    """The login step: a current TOTP code (never one already used) or an unused recovery code."""
    two_factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if two_factor is None:
        return False
    step = matching_step(two_factor.secret, code)
    if step is not None:
        accepted = _accept_step(two_factor, step)
        if accepted:
            audit.record(actor=user, action="user.2fa_passed", obj=user)
        return accepted
    used = RecoveryCode.objects.filter(
        user=user, code_hash=hash_recovery_code(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        audit.record(actor=user, action="user.2fa_recovery_code_used", obj=user)
    return bool(used)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_required() -> bool:
    return AccountSettings.load().require_two_factor
