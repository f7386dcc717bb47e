"""Who is logged in on a portal domain, and the guards every portal page uses.

A portal user (portal.models.PortalUser) is not a panel user: the session holds its own key
(SESSION_KEY, never Django's `_auth_user_id`), the cookie has its own name on portal hosts
(portal.sessions), and the key names the brand it was made on, so a session is worth nothing on
another brand's domain or on the panel.

Pages use `PortalLoginRequired` (class-based) or `feature_required(...)` (functions). Both give
`request.brand`, `request.portal_user`, `request.portal_contact`, `request.portal_customer`,
`request.portal_carrier` and `request.portal_features`. A page whose feature is hidden is a 404,
and so is a customer page for a carrier contact and the other way round.
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import PortalDomain, PortalUser
from .selectors import portal_session_user, verified_domain
from .site_csp import brand_context, content_security_policy

SESSION_KEY = "portal.user"
CUSTOMER, CARRIER = "customer", "carrier"


def brand_for(request) -> PortalDomain:
    """The verified brand this request's host belongs to (cached on the request), else 404."""
    brand = getattr(request, "brand", None)
    if brand is None:
        domain, _port = split_domain_port(request.get_host())
        brand = verified_domain(host=domain)
        if brand is None:  # unverified since the host check: refuse as an unknown host would be
            raise Http404("Unknown portal.")
        request.brand = brand
    return brand


def _session_hash(user: PortalUser) -> str:
    # Changes when the password does, so a password change or reset ends every other session.
    return salted_hmac("portal.session", user.password, algorithm="sha256").hexdigest()


def login(request, user: PortalUser) -> None:
    """Start a portal session for `user` on its brand (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"id": user.pk, "domain": user.domain_id, "hash": _session_hash(user)}
    PortalUser.objects.filter(pk=user.pk).update(last_login=timezone.now())


def logout(request) -> None:
    request.session.flush()


def current_user(request) -> PortalUser | None:
    """The portal user of this session if it was made on this brand and is still allowed in."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    brand = brand_for(request)
    if data.get("domain") != brand.pk:
        return None
    user = portal_session_user(user_id=data.get("id"), brand=brand)
    if user is None or not constant_time_compare(data.get("hash", ""), _session_hash(user)):
        return None
    return user


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    feature: str | None
    audience: str | None  # None: both kinds of portal user


# Shown in this order when the feature is in the effective set and the URL name exists (so a page
# another app adds, like Make Payment, appears once its URL is included in portal.site_urls).
MENU: tuple[MenuItem, ...] = (
    MenuItem("Dashboard", "portal_site:dashboard", None, CUSTOMER),
    MenuItem("Rate Cards", "portal_site:rate_cards", "rate_cards", CUSTOMER),
    MenuItem("CDR", "portal_site:cdr", "cdr", CUSTOMER),
    MenuItem("Breakout", "portal_site:breakout", "breakout", CUSTOMER),
    MenuItem("Authentication", "portal_site:authentication", None, CUSTOMER),
    MenuItem("Routes", "portal_site:routes", None, CUSTOMER),
    MenuItem("Payments", "portal_site:payments", "payments", CUSTOMER),
    MenuItem("Make Payment", "portal_site:make_payment", "payments", CUSTOMER),
    MenuItem("Packages", "portal_site:packages", "packages", CUSTOMER),
    MenuItem("Interconnect Info", "portal_site:interconnect", "interconnect_info", CUSTOMER),
    MenuItem("Rate Cards", "portal_site:carrier_rate_cards", "carrier_portal", CARRIER),
    MenuItem("Traffic", "portal_site:carrier_traffic", "carrier_portal", CARRIER),
    MenuItem("Payments", "portal_site:carrier_payments", "carrier_portal", CARRIER),
    MenuItem("Profile", "portal_site:profile", None, None),
)


def url_exists(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def menu(request) -> list[dict]:
    audience = CARRIER if request.portal_carrier is not None else CUSTOMER
    current = request.resolver_match.view_name if request.resolver_match else ""
    return [
        {"label": item.label, "url": reverse(item.url_name), "active": item.url_name == current}
        for item in MENU
        if item.audience in (audience, None)
        and (item.feature is None or item.feature in request.portal_features)
        and url_exists(item.url_name)
    ]


def _attach(request) -> bool:
    """Fill the request's portal attributes; False when nobody (valid) is logged in."""
    brand_for(request)
    user = current_user(request)
    if user is None:
        return False
    request.portal_user = user
    request.portal_contact = user.contact
    request.portal_customer = user.contact.customer if user.contact_id else None
    request.portal_carrier = user.carrier
    request.portal_features = user.features
    return True


def _to_login(request):
    return redirect(f"{reverse('portal_site:login')}?{urlencode({'next': request.get_full_path()})}")


def may_log_in(user: PortalUser) -> bool:
    """A customer's contact while the customer is on this brand; a carrier's while it shows Carrier Portal."""
    allowed = portal_session_user(user_id=user.pk, brand=user.domain)
    return allowed is not None and (not allowed.is_carrier or "carrier_portal" in allowed.features)


def check(request, *, features=(), audience: str | None = CUSTOMER, enrolling: bool = False):
    """None when the page may be shown, else the response to give (a redirect to log in), or 404."""
    if not _attach(request):
        return _to_login(request)
    if request.brand.require_two_factor and not request.portal_user.two_factor_enabled and not enrolling:
        return redirect("portal_site:two_factor")
    if audience is not None and (audience == CUSTOMER) != (request.portal_customer is not None):
        raise Http404("Not a page of this portal.")
    missing = [key for key in features if key not in request.portal_features]
    if missing:
        raise Http404("Not available on this portal.")
    return None


def _secure(request, response):
    response["Content-Security-Policy"] = content_security_policy(request.brand)
    response.setdefault("Cache-Control", "private, no-store")
    return response


class PortalLoginRequired:
    """Mixin for portal pages: log-in on this brand, the right audience and `feature` (str or tuple)."""

    feature: str | tuple[str, ...] | None = None
    audience: str | None = CUSTOMER  # None: customer and carrier contacts alike
    enrolling = False  # the 2FA set-up page itself is open to a user who must still enrol

    def dispatch(self, request, *args, **kwargs):
        features = (self.feature,) if isinstance(self.feature, str) else tuple(self.feature or ())
        refusal = check(request, features=features, audience=self.audience, enrolling=self.enrolling)
        if refusal is not None:
            return refusal
        return _secure(request, super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(portal_context(self.request))
        return context


def portal_context(request) -> dict:
    return {
        **brand_context(request.brand),
        "portal_user": request.portal_user,
        "portal_customer": request.portal_customer,
        "portal_carrier": request.portal_carrier,
        "portal_features": request.portal_features,
        "portal_menu": menu(request),
    }


def feature_required(*features: str, audience: str | None = CUSTOMER):
    """Decorator for function views: logged in on this brand, with every one of `features` shown."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check(request, features=features, audience=audience)
            if refusal is not None:
                return refusal
            return _secure(request, view(request, *args, **kwargs))

        return wrapped

    return decorator
