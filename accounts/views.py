"""Setup > My Account: tabs Config, Current User, Security, SMTP, Users, Groups; and verification."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from connexcs.permissions import AreaPermissionMixin, can
from connexcs.tabs import ViewTab
from connexcs.views import (
    BreadcrumbMixin,
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ServiceFormMixin,
    StaffView,
    TabsMixin,
    add_service_errors,
)

from . import forms, selectors, services, two_factor, verification
from .choices import Area, Channel
from .filters import GroupFilterSet, UserFilterSet
from .models import AccountSettings, PermissionGroup, User, VerificationCode
from .tables import GroupTable, UserTable


class MyAccountMixin(BreadcrumbMixin, TabsMixin):
    """A page under Setup > My Account. Its tabs are declared on the views below; a tab whose view
    needs the Account area is offered only to people who have it."""

    tab_group = "accounts.my_account"

    def get_tab_kwargs(self):
        return {}

    def get_breadcrumbs(self):
        # Without the Account area, My Account's Config page would refuse them; no link to it.
        home = reverse("accounts:my_account") if can(self.request.user, Area.ACCOUNT) else None
        crumbs = [("My Account", home)]
        return [*crumbs, (self.get_title(), None)] if self.get_title() != "My Account" else crumbs


class SelfServiceMixin(LoginRequiredMixin):
    """Pages about one's own login (profile, password, 2FA, verification): any signed-in staff member.

    They read and write only `request.user`, so no permission area applies.
    """


class AccountView(MyAccountMixin, StaffView):
    area = Area.ACCOUNT


# --- Config --------------------------------------------------------------------------------------


class ConfigView(AccountView):
    tab = ViewTab("Config", "accounts:my_account", weight=10)
    template_name = "accounts/config.html"
    title = "My Account"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settings_row"] = AccountSettings.load()
        return context


class SettingsEditView(MyAccountMixin, ObjectEditView):
    """Edit part of the one AccountSettings row through account_settings_update."""

    area = Area.ACCOUNT
    template_name = "accounts/edit.html"
    service = services.account_settings_update
    success_url_name = "accounts:my_account"

    def setup_object(self):
        self.object = AccountSettings.load()

    def get_service_kwargs(self, form):
        return dict(form.cleaned_data)

    def get_title(self):
        return self.title


class CompanyEditView(SettingsEditView):
    form = forms.CompanyForm
    title = "Company Information"
    active_tab = "Config"


class GeneralEditView(SettingsEditView):
    form = forms.GeneralForm
    title = "General Information"
    active_tab = "Config"


# --- SMTP ----------------------------------------------------------------------------------------


class SmtpView(AccountView):
    tab = ViewTab("SMTP", "accounts:smtp", weight=40)
    template_name = "accounts/smtp.html"
    title = "SMTP Details"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settings_row"] = AccountSettings.load()
        context["result"] = self.request.session.pop("smtp_result", None)
        return context


class SmtpEditView(SettingsEditView):
    form = forms.SmtpForm
    service = services.account_smtp_update
    title = "Edit SMTP Details"
    active_tab = "SMTP"
    success_url_name = "accounts:smtp"

    def dispatch(self, request, *args, **kwargs):
        # Where reset links are mailed decides who can take over an account: Administrators only.
        if request.user.is_authenticated and not request.user.is_admin:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SmtpTestEmailView(AreaPermissionMixin, View):
    area = Area.ACCOUNT

    def post(self, request):
        ok, answer = services.smtp_test(actor=request.user, to=request.user.email)
        request.session["smtp_result"] = {"ok": ok, "what": "Test Email", "answer": answer}
        return redirect("accounts:smtp")


class SmtpTestMobileView(AreaPermissionMixin, View):
    area = Area.ACCOUNT

    def post(self, request):
        ok, answer = services.sms_test(actor=request.user)
        request.session["smtp_result"] = {"ok": ok, "what": "Test Mobile", "answer": answer}
        return redirect("accounts:smtp")


# --- Current User --------------------------------------------------------------------------------


class ProfileView(SelfServiceMixin, MyAccountMixin, TemplateView):
    tab = ViewTab("Current User", "accounts:profile", weight=20)
    template_name = "accounts/profile.html"
    title = "Current User"


class SelfFormView(SelfServiceMixin, MyAccountMixin, ServiceFormMixin, FormView):
    template_name = "accounts/edit.html"
    active_tab = "Current User"

    def get_success_url(self):
        return reverse("accounts:profile")


class ProfileEditView(SelfFormView):
    form_class = forms.ProfileForm
    title = "Edit Personal Information"
    service = services.user_update_profile

    def get_initial(self):
        return {"name": self.request.user.name, "email": self.request.user.email}


class PasswordChangeView(SelfFormView):
    form_class = forms.OwnPasswordForm
    title = "Change Password"
    service = services.user_change_own_password
    success_message = "Your password was changed."

    def get_service_kwargs(self, form):
        return form.service_kwargs()

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "result", None) is not None:
            update_session_auth_hash(self.request, self.result)  # stay logged in here only
        return response


# --- Security (2FA) ------------------------------------------------------------------------------


class TwoFactorView(SelfServiceMixin, MyAccountMixin, TemplateView):
    tab = ViewTab("Security", "accounts:two_factor", weight=30)
    template_name = "accounts/two_factor.html"
    title = "Two Factor Authentication"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["enabled"] = two_factor.is_enabled(user)
        context["remaining"] = two_factor.remaining_recovery_codes(user)
        context["recovery_codes"] = self.request.session.pop("recovery_codes", None)
        context["required"] = bool(self.request.session.get(two_factor_session_flag()))
        context["disable_form"] = forms.PasswordConfirmForm()
        return context


def two_factor_session_flag() -> str:
    from .middleware import MUST_ENROL

    return MUST_ENROL


class TwoFactorEnableView(SelfServiceMixin, MyAccountMixin, FormView):
    """GET starts enrolment (new secret, QR code); POST confirms it with a code from the app."""

    template_name = "accounts/two_factor_enable.html"
    form_class = forms.TwoFactorCodeForm
    title = "Enable Two Factor Authentication"
    active_tab = "Security"

    def get(self, request, *args, **kwargs):
        if two_factor.is_enabled(request.user):
            return redirect("accounts:two_factor")
        two_factor.two_factor_begin(actor=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = getattr(self.request.user, "two_factor", None)
        if record is not None:
            uri = two_factor.provisioning_uri(self.request.user, record.secret)
            context["secret"] = record.secret
            context["qr_svg"] = two_factor.qr_svg(uri)
        return context

    def form_valid(self, form):
        try:
            codes = two_factor.two_factor_confirm(actor=self.request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        self.request.session.cycle_key()
        two_factor.mark_verified(self.request.session)
        self.request.session.pop(two_factor_session_flag(), None)
        self.request.session["recovery_codes"] = codes
        messages.success(self.request, "Two factor authentication is on.")
        return redirect("accounts:two_factor")


class TwoFactorDisableView(SelfServiceMixin, View):
    def post(self, request):
        form = forms.PasswordConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({"password": "Enter your password."})
            two_factor.two_factor_disable(actor=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("accounts:two_factor")
        messages.success(request, "Two factor authentication is off.")
        return redirect("accounts:two_factor")


# --- Users ---------------------------------------------------------------------------------------


class UserListView(MyAccountMixin, ObjectListView):
    area = Area.ACCOUNT
    selector = selectors.user_list
    table = UserTable
    filterset = UserFilterSet
    title = "Users"
    tab = ViewTab("Users", "accounts:user_list", weight=50)
    template_name = "accounts/list.html"
    add_url_name = "accounts:user_add"
    add_label = "Add User"


class UserEditView(MyAccountMixin, ObjectEditView):
    area = Area.ACCOUNT
    queryset = User.objects.all()
    title = "Add User"
    active_tab = "Users"
    template_name = "accounts/edit.html"

    create_service = services.user_create
    update_service = services.user_update
    success_url_name = "accounts:user_list"

    def get_form_class(self):
        return forms.UserEditForm if self.object is not None else forms.UserCreateForm


class UserPasswordView(MyAccountMixin, ObjectEditView):
    area = Area.ACCOUNT
    queryset = User.objects.all()
    form = forms.SetPasswordForm
    active_tab = "Users"
    template_name = "accounts/edit.html"
    success_message = "Password changed."

    update_service = services.user_set_password
    success_url_name = "accounts:user_list"

    def get_title(self):
        return f"Change Password of {self.object}"

    def get_service_kwargs(self, form):
        return {"instance": self.object, "password": form.cleaned_data["password"]}


class UserDisableView(ObjectActionView):
    """Disable a user, ending their sessions."""

    area = Area.ACCOUNT
    queryset = User.objects.all()
    service = services.user_disable
    success_message = "Disabled {obj}."
    success_url_name = "accounts:user_list"

    def get_success_url_kwargs(self):
        return {}


class UserEnableView(UserDisableView):
    service = services.user_enable
    success_message = "Enabled {obj}."


class UserDeleteView(MyAccountMixin, ObjectDeleteView):
    area = Area.ACCOUNT
    queryset = User.objects.all()
    service = services.user_delete
    success_url_name = "accounts:user_list"
    active_tab = "Users"


# --- Groups --------------------------------------------------------------------------------------


class GroupListView(MyAccountMixin, ObjectListView):
    area = Area.ACCOUNT
    selector = selectors.group_list
    table = GroupTable
    filterset = GroupFilterSet
    title = "Groups"
    tab = ViewTab("Groups", "accounts:group_list", weight=60)
    template_name = "accounts/list.html"
    add_url_name = "accounts:group_add"
    add_label = "Add Group"


class GroupEditView(MyAccountMixin, ObjectEditView):
    area = Area.ACCOUNT
    queryset = PermissionGroup.objects.all()
    form = forms.GroupForm
    title = "Add Group"
    active_tab = "Groups"
    template_name = "accounts/group_edit.html"

    create_service = services.group_create
    update_service = services.group_update
    success_url_name = "accounts:group_list"

    def get_service_kwargs(self, form):
        kwargs = form.service_kwargs()
        return {**kwargs, "instance": self.object} if self.object is not None else kwargs


class GroupDeleteView(MyAccountMixin, ObjectDeleteView):
    area = Area.ACCOUNT
    queryset = PermissionGroup.objects.all()
    service = services.group_delete
    success_url_name = "accounts:group_list"
    active_tab = "Groups"


# --- Verification --------------------------------------------------------------------------------


class VerifyView(SelfServiceMixin, BreadcrumbMixin, FormView):
    """Verify Email / Verify Mobile: send a code, then type it and click Verify."""

    template_name = "accounts/verify.html"
    form_class = forms.CodeForm
    channel = Channel.EMAIL

    def get_title(self):
        return f"Verify {self.channel.label}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["channel"] = self.channel
        context["target"] = verification.target_of(user, self.channel)
        context["verified_at"] = getattr(user, verification.VERIFIED_FIELD[self.channel])
        context["pending"] = VerificationCode.objects.filter(
            user=user, channel=self.channel, superseded=False, used_at__isnull=True
        ).first()
        return context

    def form_valid(self, form):
        try:
            verification.verification_check(
                actor=self.request.user, channel=self.channel, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Your {self.channel.label.lower()} is verified.")
        return redirect(self.request.path)


class VerifyEmailView(VerifyView):
    channel = Channel.EMAIL


class VerifyMobileView(VerifyView):
    channel = Channel.MOBILE


class VerifySendView(SelfServiceMixin, View):
    def post(self, request, channel):
        channel = Channel(channel)
        back = "accounts:verify_email" if channel == Channel.EMAIL else "accounts:verify_mobile"
        try:
            row = verification.verification_send(actor=request.user, channel=channel)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"A verification code is on its way to {row.target}.")
        return redirect(back)


class VerifyMobileEditView(SelfServiceMixin, BreadcrumbMixin, ServiceFormMixin, FormView):
    template_name = "accounts/edit_plain.html"
    form_class = forms.MobileForm
    title = "Edit Mobile"
    success_message = "Mobile number saved."

    def get_initial(self):
        return {"mobile": self.request.user.mobile}

    def call_service(self, form):
        return verification.user_set_mobile(
            actor=self.request.user, user=self.request.user, mobile=form.cleaned_data["mobile"]
        )

    def get_success_url(self):
        return reverse("accounts:verify_mobile")
