"""Demo data for My Account: company details, through the service. Safe to run again."""

from .models import AccountSettings
from .services import account_settings_update


def seed(*, admin) -> None:
    if AccountSettings.load().company_name:
        return
    account_settings_update(
        actor=admin,
        company_name="Demo Carrier Ltd",
        address_line1="1 Exchange Street",
        city="London",
        county="Greater London",
        country="GB",
        post_code="EC2N 1AA",
        currency="GBP",
        smtp_from="noc@connexcs.local",
        smtp_server="localhost",
        smtp_port=1025,
    )
