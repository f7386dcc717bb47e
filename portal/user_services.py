"""Every write to portal users: invitations, passwords, sign-up, two factor authentication.

Mail goes through the brand's own SMTP (portal.mail). Links are one-time: the set-password token
is made from the password hash and the last log-in, so it stops working once used; the sign-up
link is signed and refused once its customer exists.
"""

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.two_factor import matching_step
from carriers.models import Carrier
from connexcs import audit
from connexcs.choices import AuditAction
from customers.models import Contact, Customer

from . import mail
from .models import CustomerPortal, PortalDomain, PortalUser

SIGNUP_SALT = "portal.signup"
SIGNUP_MAX_AGE = 2 * 24 * 3600  # seconds a sign-up link stays valid
_DUMMY_HASH = make_password("portal-dummy-password")  # equal work for unknown addresses


class _Tokens(PasswordResetTokenGenerator):
    key_salt = "portal.site_auth.tokens"

    def _make_hash_value(self, user, timestamp):
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}{user.password}{login}{timestamp}{user.email}{user.domain_id}"


tokens = _Tokens()


def normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    return email


def site_url(brand: PortalDomain, path: str) -> str:
    """An absolute link on the brand's own domain (never the request's Host)."""
    scheme = "https" if settings.HTTPS else "http"
    port = f":{settings.PORTAL_LINK_PORT}" if settings.PORTAL_LINK_PORT else ""
    return f"{scheme}://{brand.domain}{port}{path}"


def set_password_url(user: PortalUser) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "portal_site:set_password",
        urlconf="portal.site_urls",
        kwargs={"uid": uid, "token": tokens.make_token(user)},
    )
    return site_url(user.domain, path)


def _send_set_password(user: PortalUser, key: str) -> None:
    """One of the set-password messages (an invitation, a reset): a link that works once."""
    context = {"user": {"name": user.name, "email": user.email}, "link": set_password_url(user)}
    mail.send_message(user.domain, key, context, [user.email])


def _snapshot(user: PortalUser) -> dict:
    return {
        "email": user.email,
        "domain": user.domain.domain,
        "customer": user.contact.customer_id if user.contact_id else None,
        "carrier": user.carrier_id,
    }


@transaction.atomic
def portal_user_invite(*, actor: User, contact: Contact) -> PortalUser:
    """Invite a customer's contact to the customer's brand: mail a one-time set-password link."""
    link = CustomerPortal.objects.select_related("domain").filter(customer_id=contact.customer_id).first()
    if link is None:
        raise ValidationError(f"{contact.customer} has no portal domain: choose one under Edit > Config.")
    brand = link.domain
    if not brand.verified:
        raise ValidationError(f"{brand.domain} has not passed its CNAME check yet.")
    user = PortalUser.objects.select_for_update().filter(contact=contact).first()
    if user is None:
        if PortalUser.objects.filter(domain=brand, email=contact.email.lower()).exists():
            raise ValidationError(f"{contact.email} already logs in on {brand.domain} for someone else.")
        user = PortalUser(contact=contact)
    user.domain, user.name, user.email = brand, contact.name, contact.email.lower()
    user.invited_at = timezone.now()
    user.is_active = True
    user.save()
    _send_set_password(user, "portal_customer_invite")
    audit.record(actor=actor, action=AuditAction.PORTAL_USER_INVITE, obj=user, after=_snapshot(user))
    return user


@transaction.atomic
def carrier_user_invite(
    *, actor: User, carrier: Carrier, domain: PortalDomain, name: str, email: str
) -> PortalUser:
    """Invite a carrier's contact to the carrier portal of `domain` (its "Carrier Portal" must be on)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the contact's name."})
    email = normalise_email(email)
    if not (domain.features or {}).get("carrier_portal"):
        raise ValidationError({"domain": f"Switch on Carrier Portal for {domain.domain} first."})
    if not domain.verified:
        raise ValidationError({"domain": f"{domain.domain} has not passed its CNAME check yet."})
    user = PortalUser.objects.select_for_update().filter(domain=domain, email=email).first()
    if user is not None and user.carrier_id != carrier.pk:
        raise ValidationError({"email": f"{email} already logs in on {domain.domain} for someone else."})
    if user is None:
        user = PortalUser(domain=domain, carrier=carrier, email=email)
    user.name, user.invited_at, user.is_active = name, timezone.now(), True
    user.save()
    _send_set_password(user, "portal_carrier_invite")
    audit.record(actor=actor, action=AuditAction.PORTAL_USER_INVITE, obj=user, after=_snapshot(user))
    return user


def authenticate(*, brand: PortalDomain, email: str, password: str) -> PortalUser | None:
    """The portal user of `brand` with this address and password (constant work when unknown)."""
    email = (email or "").strip().lower()
    user = PortalUser.objects.filter(domain=brand, email=email, is_active=True).exclude(password="").first()
    if user is None:
        check_password(password, _DUMMY_HASH)
        return None
    return user if check_password(password, user.password) else None


def user_from_token(*, brand: PortalDomain, uid: str, token: str) -> PortalUser | None:
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = PortalUser.objects.filter(pk=pk, domain=brand, is_active=True).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


def _check_password(user: PortalUser, password: str) -> None:
    try:
        validate_password(password, user=None)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    if user.email.split("@")[0] and user.email.split("@")[0].lower() in password.lower():
        raise ValidationError({"new_password1": "The password is too similar to your email address."})


@transaction.atomic
def portal_user_set_password(*, user: PortalUser, password: str) -> PortalUser:
    """Set (first time, reset, or change) the password; every other session of the user ends."""
    _check_password(user, password)
    user.password = make_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action=AuditAction.PORTAL_USER_PASSWORD_SET, obj=user, note=f"by {user.email}")
    return user


@transaction.atomic
def portal_user_change_password(*, user: PortalUser, current: str, password: str) -> PortalUser:
    if not check_password(current, user.password):
        raise ValidationError({"current_password": "Your current password is not right."})
    return portal_user_set_password(user=user, password=password)


def portal_user_reset_request(*, brand: PortalDomain, email: str) -> None:
    """Mail a reset link if the address logs in on this brand; silent otherwise (no address probing)."""
    email = (email or "").strip().lower()
    user = PortalUser.objects.filter(domain=brand, email=email, is_active=True).first()
    if user is None:
        return
    _send_set_password(user, "portal_password_reset")


@transaction.atomic
def portal_user_profile_update(*, user: PortalUser, name: str, phone: str = "") -> PortalUser:
    """The contact's own details; the Contact row (what the panel shows) changes with them."""
    from customers.services import _e164

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter your name."})
    if user.contact_id:
        phone = _e164(phone)
        Contact.objects.filter(pk=user.contact_id).update(name=name, phone=phone)
    user.name = name
    user.save(update_fields=["name"])
    audit.record(actor=user, action=AuditAction.PORTAL_USER_PROFILE_UPDATE, obj=user, note=f"by {user.email}")
    return user


def logged_in(*, user: PortalUser, ip_address: str) -> None:
    audit.record(
        actor=user, action=AuditAction.PORTAL_USER_LOGIN, obj=user, note=f"{user.email} from {ip_address}"
    )


# Two factor authentication (the panel's TOTP algorithm, accounts.two_factor.matching_step).


@transaction.atomic
def portal_two_factor_begin(*, user: PortalUser) -> str:
    user = PortalUser.objects.select_for_update().get(pk=user.pk)
    if user.two_factor_enabled:
        raise ValidationError({"code": "Two factor authentication is already enabled."})
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def _accept(user: PortalUser, code: str) -> bool:
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    # One conditional UPDATE: a code (time step) is accepted once, even by two parallel requests.
    return bool(
        PortalUser.objects.filter(pk=user.pk)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )


@transaction.atomic
def portal_two_factor_confirm(*, user: PortalUser, code: str) -> None:
    user = PortalUser.objects.select_for_update().get(pk=user.pk)
    if not user.totp_secret or user.two_factor_enabled:
        raise ValidationError({"code": "Start again: click Enable Two Factor Authentication."})
    if not _accept(user, code):
        raise ValidationError(
            {"code": "That code does not match. Check the time on your phone and try again."}
        )
    PortalUser.objects.filter(pk=user.pk).update(totp_confirmed_at=timezone.now())
    audit.record(actor=user, action=AuditAction.PORTAL_USER_TWO_FACTOR, obj=user, note="enabled")


@transaction.atomic
def portal_two_factor_disable(*, user: PortalUser, password: str) -> None:
    if user.domain.require_two_factor:
        raise ValidationError({"password": f"{user.domain.brand_name} requires two factor authentication."})
    if not check_password(password, user.password):
        raise ValidationError({"password": "Your password is not right."})
    PortalUser.objects.filter(pk=user.pk).update(totp_secret="", totp_confirmed_at=None, totp_last_step=None)
    audit.record(actor=user, action=AuditAction.PORTAL_USER_TWO_FACTOR, obj=user, note="disabled")


def portal_two_factor_verify(*, user: PortalUser, code: str) -> bool:
    """The log-in step: a current code from the app, never one already used."""
    return user.two_factor_enabled and _accept(user, code)


# Sign-up: the form's data travels signed in the verification link; nothing is stored before.


def signup_request(
    *, brand: PortalDomain, company: str, currency: str, name: str, email: str, password: str
) -> str:
    """Check a sign-up and mail its verification link; returns the link (for the page's own tests)."""
    if not brand.customer_signup:
        raise ValidationError("Sign-up is not open on this portal.")
    company, name = (company or "").strip(), (name or "").strip()
    errors = {}
    if not company:
        errors["company"] = "Enter your company name."
    elif Customer.objects.filter(name__iexact=company).exists():
        errors["company"] = "That company name is taken; choose another."
    if not name:
        errors["name"] = "Enter your name."
    if brand.currencies and currency not in brand.currencies:
        errors["currency"] = f"Choose one of {', '.join(brand.currencies)}."
    try:
        email = normalise_email(email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    payload = {
        "b": brand.pk,
        "c": company,
        "cur": currency,
        "n": name,
        "e": email,
        "p": make_password(password),
    }
    token = signing.dumps(payload, salt=SIGNUP_SALT, compress=True)
    link = site_url(
        brand, reverse("portal_site:signup_verify", urlconf="portal.site_urls", kwargs={"token": token})
    )
    context = {"name": name, "email": email, "company": company, "link": link}
    mail.send_message(brand, "portal_signup_confirm", context, [email])
    return link


@transaction.atomic
def signup_verify(*, brand: PortalDomain, token: str) -> PortalUser:
    """Open the account of a verified sign-up: a customer from the Template Customer, its contact
    and the contact's portal user with the password chosen at sign-up."""
    from .services import customer_signup

    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError("This link is not valid or has expired: sign up again.") from exc
    if data.get("b") != brand.pk:
        raise ValidationError("This link is for another portal.")
    if Customer.objects.filter(name__iexact=data["c"]).exists():
        raise ValidationError("This sign-up was already confirmed: log in.")
    try:
        # Nobody logs in as this person yet: the audit names them as the sign-up did.
        person = audit.Named(f"{data['n']} <{data['e']}> (sign-up: {data['c']})")
        customer = customer_signup(
            actor=person,
            domain=brand,
            name=data["c"],
            currency=data["cur"],
            contact_name=data["n"],
            contact_email=data["e"],
        )
        contact = customer.contacts.get()
        user = PortalUser.objects.create(
            domain=brand, contact=contact, name=contact.name, email=contact.email, password=data["p"]
        )
    except IntegrityError as exc:  # the same link confirmed twice at the same moment
        raise ValidationError("This sign-up was already confirmed: log in.") from exc
    audit.record(actor=user, action=AuditAction.PORTAL_USER_SIGNUP, obj=user, after=_snapshot(user))
    return user
