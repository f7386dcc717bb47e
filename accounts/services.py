from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from connexcs import audit

from .models import User


def panel_link(path: str) -> str:
    """An absolute link into the panel, from configuration only (never a request's Host)."""
    return f"{settings.PANEL_URL}{path}"


def user_send_password_reset(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = panel_link(reverse("accounts:password_reset_confirm", args=[uid, token]))
    body = render_to_string("registration/password_reset_email.txt", {"user": user, "link": link})
    send_mail("Reset your connexcs password", body, None, [user.email])
    audit.record(actor=None, action="user.password_reset_sent", obj=user)
