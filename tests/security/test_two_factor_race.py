"""Issue 9.4: parallel TOTP guesses. The lock and the count are checked and moved in one step."""

import pyotp
import pytest
from django.conf import settings

from accounts.models import TwoFactor
from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .conftest import enrol
from .http import at_once, cookie_dict, csrf_token, post_form, session

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = ["000000", "111111", "222222", "333333", "444444", "555555",
         "666666", "777777", "888888", "999999", "123456", "654321"]  # fmt: skip


def pending_login(base_url, user):
    """A client that gave the right password and now stands at the code step; its cookies and token."""
    client = session(base_url)
    response = post_form(client, "/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.headers["location"] == "/accounts/login/two-factor/"
    token = csrf_token(client.get("/accounts/login/two-factor/").text)
    return cookie_dict(client), token


def send_code(base_url, cookies, token, code):
    with session(base_url, cookies) as client:
        response = client.post(
            "/accounts/login/two-factor/", data={"csrfmiddlewaretoken": token, "code": code}
        )
        return response.status_code, cookie_dict(client)


def logged_in(base_url, cookies) -> bool:
    with session(base_url, cookies) as client:
        return client.get("/").status_code == 200


def test_parallel_wrong_codes_lock_the_code_step_even_for_the_right_code(live_server, clock):
    user = UserFactory()
    secret = enrol(user, clock)
    cookies, token = pending_login(live_server.url, user)

    results = at_once([lambda c=c: send_code(live_server.url, cookies, token, c) for c in WRONG])
    assert all(not isinstance(r, Exception) for r in results), results
    # Exactly the limit was counted, no lost update; the rest were refused without a check.
    two_factor = TwoFactor.objects.get(user=user)
    assert two_factor.failed_attempts == settings.AXES_FAILURE_LIMIT
    assert two_factor.locked_until is not None

    status, after = send_code(live_server.url, cookies, token, pyotp.TOTP(secret).now())
    assert status in (302, 403, 429)
    assert not logged_in(live_server.url, {**cookies, **after})

    # Once the cool-off has passed, the owner logs in with password and code as usual.
    clock.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)
    cookies, token = pending_login(live_server.url, user)
    status, after = send_code(live_server.url, cookies, token, pyotp.TOTP(secret).now())
    assert status == 302 and logged_in(live_server.url, {**cookies, **after})


def test_the_right_code_in_a_burst_wins_only_if_checked_before_the_lock(live_server, clock):
    user = UserFactory()
    secret = enrol(user, clock)
    cookies, token = pending_login(live_server.url, user)
    right = pyotp.TOTP(secret).now()
    codes = [*WRONG[:6], right, *WRONG[6:]]

    results = at_once([lambda c=c: send_code(live_server.url, cookies, token, c) for c in codes])
    assert all(not isinstance(r, Exception) for r in results), results
    passed = AuditEvent.objects.filter(action=AuditAction.USER_TWO_FACTOR_PASSED, object_id=str(user.pk))
    locked = AuditEvent.objects.filter(action=AuditAction.USER_TWO_FACTOR_LOCKED, object_id=str(user.pk))
    if passed.exists():
        # The right code was checked while fewer than the limit of wrong ones had been counted.
        assert not locked.filter(pk__lt=passed.get().pk).exists()
    else:
        assert locked.exists()
    assert TwoFactor.objects.get(user=user).failed_attempts <= settings.AXES_FAILURE_LIMIT
