"""General Information > Date Format decides how the panel shows dates."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from accounts import services
from accounts.choices import DateFormat
from accounts.dates import panel_date
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

VERIFIED = datetime(2026, 3, 4, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "date_format, shown",
    [
        (DateFormat.ISO, "2026-03-04 09:15"),
        (DateFormat.EUROPEAN, "04/03/2026 09:15"),
        (DateFormat.AMERICAN, "03/04/2026 09:15"),
    ],
)
def test_users_list_shows_dates_in_the_saved_format(client, date_format, shown):
    admin = AdminFactory()
    UserFactory(email="verified@example.test", email_verified_at=VERIFIED)
    client.force_login(admin)
    response = client.post("/accounts/my-account/general/", {"currency": "USD", "date_format": date_format})
    assert response.status_code == 302
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert shown in page
    others = {"2026-03-04", "04/03/2026", "03/04/2026"} - {shown.split()[0]}
    assert not any(other in page for other in others)


def test_a_plain_date_has_no_time():
    services.account_settings_update(actor=AdminFactory(), date_format=DateFormat.EUROPEAN)
    assert panel_date(date(2026, 12, 25)) == "25/12/2026"


def test_the_format_is_read_once_per_page(admin_client, django_assert_max_num_queries):
    def rows(n):
        UserFactory.create_batch(n, email_verified_at=VERIFIED)

    rows(3)
    with django_assert_max_num_queries(100) as small:
        admin_client.get(reverse("accounts:user_list"))
    rows(6)
    with django_assert_max_num_queries(100) as large:
        admin_client.get(reverse("accounts:user_list"))
    assert len(small.captured_queries) == len(large.captured_queries)
