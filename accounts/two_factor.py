"""TOTP two factor authentication (RFC 6238 via pyotp) with single-use recovery codes."""

import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from connexcs import audit
from connexcs.choices import AuditAction

from .models import AccountSettings, RecoveryCode, TwoFactor, User

ISSUER = "connexcs"
STEP = 30
DRIFT = 1  # accept the previous and the next time step too
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
# Set on a session that proved a code (at log-in or at enrolment); the Django admin asks for it.
VERIFIED_SESSION_KEY = "accounts.two_factor_verified"


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


def mark_verified(session) -> None:
    session[VERIFIED_SESSION_KEY] = True


def session_verified(request) -> bool:
    """This login passed the code step and the user still has 2FA on."""
    return bool(request.session.get(VERIFIED_SESSION_KEY)) and is_enabled(request.user)


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
    audit.record(actor=actor, action=AuditAction.USER_TWO_FACTOR_ENROLMENT_STARTED, obj=actor)
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
    audit.record(actor=actor, action=AuditAction.USER_TWO_FACTOR_ENABLED, obj=actor)
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
    audit.record(actor=actor, action=AuditAction.USER_TWO_FACTOR_DISABLED, obj=actor)


class TwoFactorLocked(Exception):
    """Too many wrong codes: the code step is closed for this user until the cool-off ends."""


def is_locked(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, locked_until__gt=timezone.now()).exists()


@transaction.atomic
def two_factor_verify(*, user: User, code: str) -> bool:
    """The login step: a current TOTP code (never one already used) or an unused recovery code.

    The user's row stays locked from the lock check to the count, so parallel guesses are taken one
    at a time: the limit is exact, and once it is reached no code is even looked at.
    """
    two_factor = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if two_factor is None:
        return False
    now = timezone.now()
    if two_factor.locked_until is not None:
        if two_factor.locked_until > now:
            raise TwoFactorLocked
        two_factor.locked_until, two_factor.failed_attempts = None, 0  # the cool-off is over
    accepted = _check_code(two_factor, user, code)
    if accepted:
        two_factor.failed_attempts = 0
    else:
        two_factor.failed_attempts += 1
        if two_factor.failed_attempts >= settings.AXES_FAILURE_LIMIT:
            two_factor.locked_until = now + settings.AXES_COOLOFF_TIME
            audit.record(actor=user, action=AuditAction.USER_TWO_FACTOR_LOCKED, obj=user)
    two_factor.save(update_fields=["failed_attempts", "locked_until"])
    return accepted


def _check_code(two_factor: TwoFactor, user: User, code: str) -> bool:
    step = matching_step(two_factor.secret, code)
    if step is not None:
        accepted = _accept_step(two_factor, step)
        if accepted:
            audit.record(actor=user, action=AuditAction.USER_TWO_FACTOR_PASSED, obj=user)
        return accepted
    used = RecoveryCode.objects.filter(
        user=user, code_hash=hash_recovery_code(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        audit.record(actor=user, action=AuditAction.USER_TWO_FACTOR_RECOVERY_CODE_USED, obj=user)
    return bool(used)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_required() -> bool:
    return AccountSettings.load().require_two_factor
