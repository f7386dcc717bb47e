import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from connexcs import audit, outbox
from connexcs.choices import AuditAction
from connexcs.hosts import panel_link
from connexcs.unset import UNSET, given

from . import mail, sms, two_factor
from .choices import Access, Area, Level, Role
from .mail import SMTP_TIMEOUT
from .models import AccountSettings, GroupPermission, PermissionGroup, User
from .tasks import send_login_email as send_login_email_task
from .verification import normalize_mobile


def user_send_password_reset(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = panel_link(reverse("accounts:password_reset_confirm", args=[uid, token]))
    mail.send_message("user_password_reset", {"user": mail.user_data(user), "link": link}, [user.email])
    audit.record(actor=None, action=AuditAction.USER_PASSWORD_RESET_SENT, obj=user)


def user_send_login_email(*, user_id: int, ip_address: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": mail.user_data(user), "ip_address": ip_address, "when": timezone.now()}
    mail.send_message("user_login_alert", context, [user.email])
    audit.record(actor=None, action=AuditAction.USER_LOGIN_EMAIL_SENT, obj=user, note=ip_address)


def user_logged_in(*, user: User, ip_address: str) -> None:
    """After a completed login (password and, if on, 2FA): the 'email me at every login' option."""
    if AccountSettings.load().email_on_login:
        outbox.enqueue(send_login_email_task, user.pk, ip_address)


# --- My Account: company, general and SMTP settings -------------------------------------------

COMPANY_FIELDS = ["company_name", "address_line1", "address_line2", "city", "county", "country", "post_code"]
GENERAL_FIELDS = [
    "currency",
    "date_format",
    "phone",
    "mobile",
    "email_on_login",
    "require_two_factor",
    "number_range_start",
    "number_block_size",
]
SMTP_FIELDS = [
    "smtp_from",
    "smtp_username",
    "smtp_password",
    "smtp_server",
    "smtp_port",
    "smtp_tls",
    "sms_from",
]


def _settings_state(row: AccountSettings) -> dict:
    return audit.snapshot(row)


@transaction.atomic
def account_settings_update(
    *,
    actor: User,
    company_name: str = UNSET,
    address_line1: str = UNSET,
    address_line2: str = UNSET,
    city: str = UNSET,
    county: str = UNSET,
    country: str = UNSET,
    post_code: str = UNSET,
    currency: str = UNSET,
    date_format: str = UNSET,
    phone: str = UNSET,
    mobile: str = UNSET,
    email_on_login: bool = UNSET,
    require_two_factor: bool = UNSET,
    number_range_start: int | None = UNSET,
    number_block_size: int | None = UNSET,
) -> AccountSettings:
    """Company and general settings; the others keep their values. SMTP details have their own,
    stricter service below."""
    values = given(
        company_name=company_name,
        address_line1=address_line1,
        address_line2=address_line2,
        city=city,
        county=county,
        country=country,
        post_code=post_code,
        currency=currency,
        date_format=date_format,
        phone=phone,
        mobile=mobile,
        email_on_login=email_on_login,
        require_two_factor=require_two_factor,
        number_range_start=number_range_start,
        number_block_size=number_block_size,
    )
    return _settings_write(actor=actor, allowed=COMPANY_FIELDS + GENERAL_FIELDS, values=values)


@transaction.atomic
def account_smtp_update(
    *,
    actor: User,
    current_password: str,
    authentication_code: str = "",
    smtp_from: str = UNSET,
    smtp_username: str = UNSET,
    smtp_password: str | None = UNSET,
    smtp_server: str = UNSET,
    smtp_port: int = UNSET,
    smtp_tls: bool = UNSET,
    sms_from: str = UNSET,
) -> AccountSettings:
    """The outgoing mail server and From address decide who reads password-reset links, so only an
    Administrator may change them, and only after proving the password (and the code, with 2FA on)
    again in the same form: a stolen session alone cannot redirect security mail. A blank SMTP password
    keeps the stored one."""
    if not actor.is_admin:
        raise ValidationError("Only an Administrator can change the SMTP details.")
    reauthenticate(actor=actor, current_password=current_password, authentication_code=authentication_code)
    values = given(
        smtp_from=smtp_from,
        smtp_username=smtp_username,
        smtp_password=smtp_password,
        smtp_server=smtp_server,
        smtp_port=smtp_port,
        smtp_tls=smtp_tls,
        sms_from=sms_from,
    )
    return _settings_write(
        actor=actor, allowed=SMTP_FIELDS, values=values, action=AuditAction.ACCOUNT_SMTP_UPDATE
    )


def reauthenticate(*, actor: User, current_password: str, authentication_code: str) -> None:
    """A fresh proof from the person at the keyboard: the password, and the code when 2FA is on.
    Wrong codes count towards the same lock as at log-in."""
    if not actor.check_password(current_password or ""):
        raise ValidationError({"current_password": "Your password is not right."})
    if two_factor.is_enabled(actor):
        try:
            passed = two_factor.two_factor_verify(user=actor, code=authentication_code or "")
        except two_factor.TwoFactorLocked:
            passed = False
        if not passed:
            raise ValidationError({"authentication_code": "That code is not right, or it was already used."})


def _settings_write(
    *, actor: User, allowed: list[str], values: dict, action: AuditAction = AuditAction.ACCOUNT_UPDATE
) -> AccountSettings:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not account settings: {sorted(unknown)}")
    row = AccountSettings.load()
    row = AccountSettings.objects.select_for_update().get(pk=row.pk)
    before = _settings_state(row)
    if values.get("smtp_password") in (None, ""):
        values.pop("smtp_password", None)  # a blank password field keeps the stored one
    for name in ("phone", "mobile", "sms_from"):
        if values.get(name):
            values[name] = normalize_mobile(values[name], field=name)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    audit.record(actor=actor, action=action, obj=row, before=before, after=_settings_state(row))
    return row


def smtp_test(*, actor: User, to: str) -> tuple[bool, str]:
    """Send a real message through the saved SMTP details; (ok, what the server answered)."""
    row = AccountSettings.load()
    if not row.smtp_server:
        return False, "Enter the SMTP server first."
    message = EmailMessage()
    message["Subject"] = "connexcs test email"
    message["From"] = row.smtp_from or settings.DEFAULT_FROM_EMAIL
    message["To"] = to
    message.set_content("This is a test message from your connexcs SMTP settings.")
    try:
        ok, answer = True, _smtp_send(row, message)
    except (smtplib.SMTPException, OSError) as exc:
        ok, answer = False, mail.describe_failure(exc, row)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.ACCOUNT_SMTP_TEST,
            obj=row,
            note=f"{'sent' if ok else 'failed'}: {answer}",
        )
    return ok, answer


def _smtp_send(row: AccountSettings, message: EmailMessage) -> str:
    implicit_tls = row.smtp_tls and row.smtp_port == 465
    context = mail.tls_context()
    if implicit_tls:
        client = smtplib.SMTP_SSL(row.smtp_server, row.smtp_port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(row.smtp_server, row.smtp_port, timeout=SMTP_TIMEOUT)
    with client:
        client.ehlo()
        if row.smtp_tls and not implicit_tls:
            client.starttls(context=context)
            client.ehlo()
        if row.smtp_username:
            client.login(row.smtp_username, row.smtp_password)
        sender = message["From"]
        code, reply = client.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = client.rcpt(message["To"])
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({message["To"]: (code, reply)})
        code, reply = client.data(message.as_bytes())
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    return f"{code} {reply.decode(errors='replace')}"


def sms_test(*, actor: User) -> tuple[bool, str]:
    row = AccountSettings.load()
    if not actor.mobile:
        return False, "Add your mobile number first (Current User)."
    try:
        ok, answer = True, sms.send_sms(to=actor.mobile, body="connexcs test SMS", sender=row.sms_from)
        answer = f"Sent to {actor.mobile}" + (f" ({answer})" if answer else "")
    except sms.SmsError as exc:
        ok, answer = False, str(exc)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.ACCOUNT_SMS_TEST,
            obj=row,
            note=f"{'sent' if ok else 'failed'}: {answer}",
        )
    return ok, answer


# --- Users ---------------------------------------------------------------------------------------

USER_FIELDS = ["name", "email", "role", "is_active", "mobile", "mobile_verified_at", "email_verified_at"]


def _check_email(email: str, *, exclude_pk: int | None = None) -> str:
    email = User.objects.normalize_email(email).lower()
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"email": "A user with this email already exists."})
    return email


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _check_role(actor: User, role: str, target: User | None = None) -> None:
    """Only an administrator may make, or change, an administrator (no escalation via Account)."""
    if actor.is_admin:
        return
    if role == Role.ADMIN or (target is not None and target.is_admin):
        raise ValidationError({"role": "Only an administrator can add or change an Administrator."})


@transaction.atomic
def user_create(
    *, actor: User, name: str, email: str, password: str, role: str, groups: Iterable[PermissionGroup] = ()
) -> User:
    _check_role(actor, role)
    email = _check_email(email)
    user = User(name=name, email=email, role=role)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.permission_groups.set(groups)
    audit.record(
        actor=actor, action=AuditAction.USER_CREATE, obj=user, after=audit.snapshot(user, USER_FIELDS)
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    instance: User,
    name: str,
    email: str,
    role: str,
    groups: Iterable[PermissionGroup] | None = None,
    current_password: str = "",
    authentication_code: str = "",
) -> User:
    user = User.objects.select_for_update().get(pk=instance.pk)
    _check_role(actor, role, user)
    before = audit.snapshot(user, USER_FIELDS)
    email = _check_email(email, exclude_pk=user.pk)
    if user.is_admin and email != user.email:
        # An Administrator's address receives their reset links: moving it needs a fresh proof.
        reauthenticate(
            actor=actor, current_password=current_password, authentication_code=authentication_code
        )
    if user.pk == actor.pk and role != user.role:
        raise ValidationError({"role": "You cannot change your own role."})
    if email != user.email:
        user.email_verified_at = None  # the new address has not been proved yet
    user.name, user.email, user.role = name, email, role
    user.full_clean(exclude=["password"])
    user.save()
    if groups is not None:
        user.permission_groups.set(groups)
    if before["role"] != role:
        audit.record(
            actor=actor,
            action=AuditAction.USER_ROLE_CHANGE,
            obj=user,
            before={"role": before["role"]},
            after={"role": role},
        )
    audit.record(
        actor=actor,
        action=AuditAction.USER_UPDATE,
        obj=user,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, instance: User, password: str) -> User:
    user = User.objects.select_for_update().get(pk=instance.pk)
    if user.pk != actor.pk:
        _check_role(actor, user.role, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.USER_PASSWORD_CHANGE, obj=user)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, password: str) -> User:
    """The emailed reset link, used by `actor` (its holder is taken to be the user). It changes the
    password only: 2FA stays on, and nobody is logged in by it, so the code step still follows."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = end_sessions(user)
    audit.record(
        actor=user, action=AuditAction.USER_PASSWORD_RESET, obj=user, note=f"{ended} session(s) ended"
    )
    return user


@transaction.atomic
def user_change_own_password(*, actor: User, old_password: str, password: str) -> User:
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": "Your current password is not right."})
    return user_set_password(actor=actor, instance=actor, password=password)


@transaction.atomic
def user_update_profile(
    *, actor: User, name: str, email: str, current_password: str = "", authentication_code: str = ""
) -> User:
    """The Current User tab: a person edits their own name and email."""
    return user_update(
        actor=actor,
        instance=actor,
        name=name,
        email=email,
        role=actor.role,
        current_password=current_password,
        authentication_code=authentication_code,
    )


def end_sessions(user: User) -> int:
    """Delete every session of `user` (database sessions)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_disable(*, actor: User, instance: User) -> User:
    if instance.pk == actor.pk:
        raise ValidationError({"is_active": "You cannot disable yourself."})
    _check_role(actor, instance.role, instance)
    user = User.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    audit.record(
        actor=actor,
        action=AuditAction.USER_DISABLE,
        obj=user,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
        note=f"{ended} session(s) ended",
    )
    return user


@transaction.atomic
def user_enable(*, actor: User, instance: User) -> User:
    user = User.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action=AuditAction.USER_ENABLE,
        obj=user,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_delete(*, actor: User, instance: User) -> None:
    if instance.pk == actor.pk:
        raise ValidationError({"email": "You cannot delete yourself."})
    _check_role(actor, instance.role, instance)
    before = audit.snapshot(instance, USER_FIELDS)
    end_sessions(instance)
    audit.record(actor=actor, action=AuditAction.USER_DELETE, obj=instance, before=before)
    instance.delete()


# --- Groups --------------------------------------------------------------------------------------


def _group_state(group: PermissionGroup) -> dict:
    return {
        "name": group.name,
        "members": sorted(group.members.values_list("email", flat=True)),
        "permissions": {p.area: f"{p.level}/{p.access}" for p in group.permissions.all()},
    }


Levels = dict[str, tuple[str, str]]  # area -> (level, access)


def _set_levels(group: PermissionGroup, levels: Levels) -> None:
    for area, (level, access) in levels.items():
        if area not in Area.values or level not in Level.values or access not in Access.values:
            raise ValidationError({f"level_{area}": "Choose Select, Allow or Deny."})
        GroupPermission.objects.update_or_create(
            group=group, area=area, defaults={"level": level, "access": access}
        )


def _check_group_name(name: str, exclude_pk: int | None = None) -> None:
    taken = PermissionGroup.objects.filter(name__iexact=name.strip())
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": "A group with this name already exists."})


@transaction.atomic
def group_create(
    *, actor: User, name: str, members: Iterable[User] = (), levels: Levels | None = None
) -> PermissionGroup:
    _check_group_name(name)
    group = PermissionGroup.objects.create(name=name.strip())
    group.members.set(members)
    _set_levels(group, levels or {})
    audit.record(actor=actor, action=AuditAction.GROUP_CREATE, obj=group, after=_group_state(group))
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    instance: PermissionGroup,
    name: str,
    members: Iterable[User] = (),
    levels: Levels | None = None,
) -> PermissionGroup:
    group = PermissionGroup.objects.select_for_update().get(pk=instance.pk)
    before = _group_state(group)
    _check_group_name(name, exclude_pk=group.pk)
    group.name = name.strip()
    group.save(update_fields=["name"])
    group.members.set(members)
    _set_levels(group, levels or {})
    audit.record(
        actor=actor, action=AuditAction.GROUP_UPDATE, obj=group, before=before, after=_group_state(group)
    )
    return group


@transaction.atomic
def group_delete(*, actor: User, instance: PermissionGroup) -> None:
    audit.record(actor=actor, action=AuditAction.GROUP_DELETE, obj=instance, before=_group_state(instance))
    instance.delete()
