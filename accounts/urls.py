from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .auth_views import LoginTwoFactorView, PanelLoginView, VerifyLinkView
from .choices import Channel
from .forms import PanelPasswordResetForm, PanelResetPasswordForm

app_name = "accounts"

urlpatterns = [
    path("login/", PanelLoginView.as_view(), name="login"),
    path("login/two-factor/", LoginTwoFactorView.as_view(), name="login_2fa"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PanelPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=PanelResetPasswordForm,
            post_reset_login=False,  # the reset proves the mailbox, not the second factor
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Verification of one's own email and mobile
    path("verify/email/", views.VerifyEmailView.as_view(), name="verify_email"),
    path("verify/mobile/", views.VerifyMobileView.as_view(), name="verify_mobile"),
    path("verify/mobile/edit/", views.VerifyMobileEditView.as_view(), name="verify_mobile_edit"),
    path(
        "verify/email/send/",
        views.VerifySendView.as_view(),
        {"channel": Channel.EMAIL},
        name="verify_email_send",
    ),
    path(
        "verify/mobile/send/",
        views.VerifySendView.as_view(),
        {"channel": Channel.MOBILE},
        name="verify_mobile_send",
    ),
    path("verify/link/<int:code_id>/<str:code>/", VerifyLinkView.as_view(), name="verify_link"),
    # Setup > My Account
    path("my-account/", views.ConfigView.as_view(), name="my_account"),
    path("my-account/company/", views.CompanyEditView.as_view(), name="company_edit"),
    path("my-account/general/", views.GeneralEditView.as_view(), name="general_edit"),
    path("my-account/user/", views.ProfileView.as_view(), name="profile"),
    path("my-account/user/edit/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("my-account/user/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("my-account/security/", views.TwoFactorView.as_view(), name="two_factor"),
    path("my-account/security/enable/", views.TwoFactorEnableView.as_view(), name="two_factor_enable"),
    path("my-account/security/disable/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
    path("my-account/smtp/", views.SmtpView.as_view(), name="smtp"),
    path("my-account/smtp/edit/", views.SmtpEditView.as_view(), name="smtp_edit"),
    path("my-account/smtp/test-email/", views.SmtpTestEmailView.as_view(), name="smtp_test_email"),
    path("my-account/smtp/test-mobile/", views.SmtpTestMobileView.as_view(), name="smtp_test_mobile"),
    path("my-account/users/", views.UserListView.as_view(), name="user_list"),
    path("my-account/users/add/", views.UserEditView.as_view(), name="user_add"),
    path("my-account/users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("my-account/users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("my-account/users/<int:pk>/disable/", views.UserDisableView.as_view(), name="user_disable"),
    path("my-account/users/<int:pk>/enable/", views.UserEnableView.as_view(), name="user_enable"),
    path("my-account/users/<int:pk>/delete/", views.UserDeleteView.as_view(), name="user_delete"),
    path("my-account/groups/", views.GroupListView.as_view(), name="group_list"),
    path("my-account/groups/add/", views.GroupEditView.as_view(), name="group_add"),
    path("my-account/groups/<int:pk>/edit/", views.GroupEditView.as_view(), name="group_edit"),
    path("my-account/groups/<int:pk>/delete/", views.GroupDeleteView.as_view(), name="group_delete"),
]
