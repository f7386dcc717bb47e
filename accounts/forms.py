from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from connexcs import outbox

from .choices import Access, Area, Level, Role
from .models import AccountSettings, PermissionGroup, User
from .services import COMPANY_FIELDS, GENERAL_FIELDS, SMTP_FIELDS, user_reset_password
from .tasks import send_password_reset_email as send_password_reset_email_task
from .verification import CODE_DIGITS


def current_password_field(*, required: bool, help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Your Current Password",
        required=required,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=help_text,
    )


def authentication_code_field() -> forms.CharField:
    return forms.CharField(
        label="Your Authentication Code",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, if two factor authentication is on.",
    )


ADMIN_EMAIL_HELP = "Needed only to change an Administrator's email address."


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))


class PanelPasswordResetForm(PasswordResetForm):
    """Sends the reset mail from a worker; the link is built from PANEL_URL, never the Host header."""

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            outbox.enqueue(send_password_reset_email_task, user.pk)


class PanelResetPasswordForm(SetPasswordForm):
    """The reset link's form: saves through user_reset_password, so the reset is audited."""

    def save(self, commit=True):  # noqa: ARG002 - Django's signature; the service always saves
        self.user = user_reset_password(actor=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Verification Code",
        max_length=CODE_DIGITS,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label="Phone Number",
        max_length=20,
        help_text="E.164 format: + country code and number, e.g. +447911123456",
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class CompanyForm(forms.ModelForm):
    class Meta:
        model = AccountSettings
        fields = COMPANY_FIELDS


class GeneralForm(forms.ModelForm):
    class Meta:
        model = AccountSettings
        fields = GENERAL_FIELDS


class SmtpForm(forms.ModelForm):
    smtp_password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave blank to keep the saved password.",
    )
    # Re-authentication: these settings decide where password-reset mail goes.
    current_password = current_password_field(
        required=True, help_text="Changing where the panel's email goes needs your password again."
    )
    authentication_code = authentication_code_field()

    class Meta:
        model = AccountSettings
        fields = SMTP_FIELDS


class ProfileForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email")
    current_password = current_password_field(required=False, help_text=ADMIN_EMAIL_HELP)
    authentication_code = authentication_code_field()


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(label="Current Password", strip=False, widget=forms.PasswordInput)
    password = forms.CharField(label="New Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirm Password", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data

    def service_kwargs(self):
        return {"old_password": self.cleaned_data["old_password"], "password": self.cleaned_data["password"]}


class SetPasswordForm(forms.Form):
    password = forms.CharField(label="New Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirm Password", strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class GroupsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=PermissionGroup.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Groups",
            **kwargs,
        )


class UserCreateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.USER)
    email = forms.EmailField(label="Email")
    groups = GroupsField()


class UserEditForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    email = forms.EmailField(label="Email")
    groups = GroupsField()
    current_password = current_password_field(required=False, help_text=ADMIN_EMAIL_HELP)
    authentication_code = authentication_code_field()

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "role": instance.role,
                "email": instance.email,
                "groups": list(instance.permission_groups.all()),
            }
        super().__init__(*args, **kwargs)


class GroupForm(forms.Form):
    """Name, members, and one Select/Allow/Deny level (with read or read & write) per area."""

    name = forms.CharField(label="Name", max_length=100)
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Members"
    )

    def __init__(self, *args, instance=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        current = {}
        if instance is not None:
            initial.setdefault("name", instance.name)
            initial.setdefault("members", list(instance.members.all()))
            current = {p.area: p for p in instance.permissions.all()}
        super().__init__(*args, **kwargs)
        for area, label in Area.choices:
            perm = current.get(area)
            self.fields[f"level_{area}"] = forms.ChoiceField(
                label=label, choices=Level.choices, initial=perm.level if perm else Level.SELECT
            )
            self.fields[f"access_{area}"] = forms.ChoiceField(
                label=f"{label} access", choices=Access.choices, initial=perm.access if perm else Access.WRITE
            )

    def area_rows(self):
        """(area label, level field, access field) for the permissions table."""
        return [(label, self[f"level_{area}"], self[f"access_{area}"]) for area, label in Area.choices]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "members": data["members"],
            "levels": {area: (data[f"level_{area}"], data[f"access_{area}"]) for area in Area.values},
        }
