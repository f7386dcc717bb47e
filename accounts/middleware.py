from django.shortcuts import redirect
from django.urls import reverse

MUST_ENROL = "accounts.must_enrol_2fa"


class TwoFactorEnrolmentMiddleware:
    """While the account requires 2FA and this login has none yet, every page leads to enrolment.

    The flag is set at login (see PanelLoginView), so this costs no query per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_ENROL) and request.user.is_authenticated:
            allowed = (
                reverse("accounts:two_factor"),
                reverse("accounts:logout"),
                "/static/",
            )
            if not request.path.startswith(allowed):
                return redirect("accounts:two_factor")
        return self.get_response(request)
