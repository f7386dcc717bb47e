from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))


class PanelPasswordResetForm(PasswordResetForm):
    """Sends the reset mail from a worker; the link is built from PANEL_URL, never the Host header."""

    def save(self, **kwargs):
        from .tasks import send_password_reset_email

        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(lambda pk=user.pk: send_password_reset_email.delay(pk))
