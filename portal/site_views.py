"""Pages a customer sees on their brand's portal domain.

The brand's CSS and JavaScript are served from the brand's own paths with their content types and
allowed only here, by a Content-Security-Policy naming 'self' (and the https scripts the brand
references); the panel never links them.
"""

from django import forms
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.views.generic import FormView

from .selectors import verified_domain
from .validation import split_javascript


def _brand(request):
    domain, _port = split_domain_port(request.get_host())
    brand = verified_domain(host=domain)
    if brand is None:  # unverified since the host check: refuse as an unknown host would be
        raise Http404("Unknown portal.")
    return brand


def content_security_policy(brand) -> str:
    external, _raw = split_javascript(brand.javascript)
    scripts = " ".join(["'self'", *dict.fromkeys(external)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


class LoginForm(forms.Form):
    email = forms.EmailField(label="Email")
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)


class LoginView(FormView):
    template_name = "portal/site/login.html"
    form_class = LoginForm

    def dispatch(self, request, *args, **kwargs):
        self.brand = _brand(request)
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(self.brand)
        return response

    def form_valid(self, form):
        # Contacts' sign-in comes with the customer portal pages; until then say so plainly.
        form.add_error(None, "Customer sign-in is not open on this portal yet.")
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        external, raw = split_javascript(self.brand.javascript)
        context.update(
            brand=self.brand, external_scripts=external, has_js=bool(raw), has_css=bool(self.brand.css)
        )
        return context


def _text(content: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def brand_css(request):
    return _text(_brand(request).css, "text/css; charset=utf-8")


def brand_js(request):
    _external, raw = split_javascript(_brand(request).javascript)
    return _text(raw, "text/javascript; charset=utf-8")


def brand_logo(request):
    brand = _brand(request)
    if not brand.logo_type:
        raise Http404("No logo.")
    response = HttpResponse(bytes(brand.logo), content_type=brand.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(_request):
    return HttpResponse("ok", content_type="text/plain")
