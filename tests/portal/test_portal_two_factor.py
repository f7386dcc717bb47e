"""Optional TOTP for portal users, required when the brand says so."""

import re
import time

import pyotp
import pytest

from portal.models import PortalUser
from tests.portal.factories import PASSWORD, VerifiedDomainFactory, portal_customer, portal_login

pytestmark = pytest.mark.django_db
HOST = "tfa.brand.test"


@pytest.fixture
def brand():
    return VerifiedDomainFactory(domain=HOST, brand_name="TFA Tel")


def _enrol(client) -> str:
    page = client.get("/profile/two-factor/", HTTP_HOST=HOST).content.decode()
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', page).group(1)
    response = client.post("/profile/two-factor/", {"code": pyotp.TOTP(secret).now()}, HTTP_HOST=HOST)
    assert response.status_code == 302
    return secret


def test_enrolled_user_needs_a_fresh_code_to_log_in(client, brand):
    _customer, user = portal_customer(brand)
    portal_login(client, user)
    secret = _enrol(client)
    assert PortalUser.objects.get(pk=user.pk).two_factor_enabled
    fresh = type(client)()
    step = fresh.post("/", {"email": user.email, "password": PASSWORD}, HTTP_HOST=HOST)
    assert step["Location"] == "/login/code/"
    assert fresh.get("/dashboard/", HTTP_HOST=HOST).status_code == 302  # not logged in yet
    wrong = fresh.post("/login/code/", {"code": "000000"}, HTTP_HOST=HOST)
    assert "not right" in wrong.content.decode()
    # The code used at enrolment is spent: the next time step's code is needed.
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    assert fresh.post("/login/code/", {"code": next_code}, HTTP_HOST=HOST).status_code == 302
    assert fresh.get("/dashboard/", HTTP_HOST=HOST).status_code == 200


def test_brand_requiring_2fa_sends_the_user_to_enrol_first(client, brand):
    brand.require_two_factor = True
    brand.save()
    _customer, user = portal_customer(brand)
    response = portal_login(client, user)
    assert response["Location"] == "/profile/two-factor/"
    assert client.get("/dashboard/", HTTP_HOST=HOST)["Location"] == "/profile/two-factor/"
    _enrol(client)
    assert client.get("/dashboard/", HTTP_HOST=HOST).status_code == 200
    # It cannot be switched off while the brand requires it.
    refused = client.post("/profile/two-factor/", {"password": PASSWORD}, HTTP_HOST=HOST)
    assert "requires two factor" in refused.content.decode()
    assert PortalUser.objects.get(pk=user.pk).two_factor_enabled


def test_require_2fa_is_on_the_domain_form(admin_client):
    from django.urls import reverse

    from portal.models import PortalDomain
    from tests.portal.test_views import domain_post

    admin_client.post(reverse("portal:domain_add"), domain_post(require_two_factor="on"))
    assert PortalDomain.objects.get().require_two_factor
    assert "Require 2FA" in admin_client.get(reverse("portal:domain_add")).content.decode()
