"""The messages the panel sends, as shipped: each one's stock wording and the variables it gets.

Setup > Config > Templates shows one template per entry; an operator may reword it (Handlebars) and
Reset it to these words. `sample` is what the preview and the save check render with; the senders
pass data of the same shape (dicts, lists, text, numbers and dates only).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Stock:
    name: str
    used_for: str
    subject: str
    text: str
    sample: dict
    html: str = ""
    sms: str = ""
    channels: tuple[str, ...] = field(default=("email",))


_WHEN = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
_USER = {"name": "Ann Operator", "email": "ann@example.com"}
_BRAND = {"name": "Acme Voice", "domain": "portal.acme.example"}
_SERVER = {
    "name": "sip-lon-1",
    "ip": "203.0.113.10",
    "url": "https://panel.example.com/servers/7/",
    "last_heartbeat_at": _WHEN,
    "expires_at": _WHEN,
}
_PORTAL_USER = {"name": "Bob Customer", "email": "bob@customer.example"}
_LINK_ONCE = (
    "\n\n{{link}}\n\nThe link works once. If you did not expect this email, ignore it.\n\n{{brand.name}}\n"
)

STOCK: dict[str, Stock] = {
    "user_password_reset": Stock(
        name="Password Reset",
        used_for="A panel user asked to reset their password.",
        subject="Reset your connexcs password",
        text=(
            "Hello {{user.name}},\n\nSomeone asked to reset the password of your connexcs account. "
            "To choose a new password, open:\n\n{{link}}\n\n"
            "If it was not you, ignore this message; your password stays as it is.\n"
        ),
        sample={"user": _USER, "link": "https://panel.example.com/accounts/reset/MQ/abc-123/"},
    ),
    "user_verification_code": Stock(
        name="Verification Code",
        used_for="Verify Email and Verify Mobile: the code a panel user types (the SMS text for a mobile).",
        subject="Your connexcs verification code",
        text=(
            "Hello {{user.name}},\n\nYour connexcs verification code is {{code}}.\n\n"
            "Type it on the Verify Email page, or open this link to verify your address:\n{{link}}\n\n"
            "The code expires in 10 minutes. If you did not ask for it, ignore this message.\n"
        ),
        sms="Your connexcs verification code is {{code}}",
        sample={
            "user": _USER,
            "code": "482913",
            "link": "https://panel.example.com/accounts/verify/5/482913/",
        },
        channels=("email", "sms"),
    ),
    "user_login_alert": Stock(
        name="Login Alert",
        used_for="Someone logged in to the panel as a user who asked to be told.",
        subject="New login to connexcs",
        text=(
            "Hello {{user.name}},\n\nSomeone logged in to connexcs as {{user.email}} at "
            "{{dateFormat when 'YYYY-MM-DD HH:mm'}} UTC from "
            "{{#if ip_address}}{{ip_address}}{{else}}an unknown address{{/if}}.\n\n"
            "If that was not you, change your password now and tell your administrator.\n"
        ),
        sample={"user": _USER, "when": _WHEN, "ip_address": "198.51.100.23"},
    ),
    "portal_customer_invite": Stock(
        name="Customer Portal Invitation",
        used_for="A customer's contact was given a login to the customer portal.",
        subject="Your {{brand.name}} portal account",
        text=(
            "Hello {{user.name}},\n\nYou have been invited to the {{brand.name}} customer portal. "
            "Choose your password here:" + _LINK_ONCE
        ),
        sample={
            "user": _PORTAL_USER,
            "brand": _BRAND,
            "link": "https://portal.acme.example/set-password/x/y/",
        },
    ),
    "portal_carrier_invite": Stock(
        name="Carrier Portal Invitation",
        used_for="A carrier's contact was given a login to the carrier portal.",
        subject="Your {{brand.name}} carrier portal account",
        text=(
            "Hello {{user.name}},\n\nYou have been invited to the {{brand.name}} carrier portal. "
            "Choose your password here:" + _LINK_ONCE
        ),
        sample={
            "user": _PORTAL_USER,
            "brand": _BRAND,
            "link": "https://portal.acme.example/set-password/x/y/",
        },
    ),
    "portal_password_reset": Stock(
        name="Portal Password Reset",
        used_for="A portal user asked to reset their password.",
        subject="Reset your {{brand.name}} portal password",
        text=(
            "Hello {{user.name}},\n\nSomeone (hopefully you) asked to reset your portal password. "
            "Choose a new one here:" + _LINK_ONCE
        ),
        sample={
            "user": _PORTAL_USER,
            "brand": _BRAND,
            "link": "https://portal.acme.example/set-password/x/y/",
        },
    ),
    "portal_signup_confirm": Stock(
        name="Portal Sign-up Confirmation",
        used_for="Someone signed up on a portal brand and must confirm their email address.",
        subject="Confirm your {{brand.name}} sign-up",
        text=(
            "Hello {{name}},\n\nConfirm your email address to open your {{brand.name}} account:\n\n"
            "{{link}}\n\nThe link works for two days. If you did not sign up, ignore this email.\n"
        ),
        sample={
            "name": "Carol Newcomer",
            "email": "carol@new.example",
            "company": "Newcomer Telecom",
            "brand": _BRAND,
            "link": "https://portal.acme.example/signup/verify/token/",
        },
    ),
    "payment_confirmation": Stock(
        name="Payment Confirmation",
        used_for="Add Payment with Email Confirmation: to each contact of the customer, once it is Complete.",
        subject="Payment received: {{currencyFormat payment.amount payment.currency}}",
        text=(
            "Hello {{customer.name}},\n\nWe have received your payment of "
            "{{currencyFormat payment.amount payment.currency}}"
            "{{#if payment.description}} ({{payment.description}}){{/if}} and applied it to your account "
            "{{customer.id}} on {{dateFormat payment.date 'll'}}.\n\n"
            "Your balance is now {{currencyFormat customer.balance customer.currency}}.\n\nThank you.\n"
        ),
        sample={
            "customer": {
                "id": 1042,
                "name": "Acme Telecom",
                "currency": "USD",
                "balance": Decimal("1250.50"),
            },
            "payment": {
                "id": 311,
                "description": "Wire 42",
                "amount": Decimal("500.00"),
                "currency": "USD",
                "date": _WHEN,
            },
        },
    ),
    "server_ready": Stock(
        name="Server Running",
        used_for="A deployed server reported for the first time, with its IP address.",
        subject="Server {{server.name}} is running at {{server.ip}}",
        text=(
            "Your server {{server.name}} is running.\n\nIP address: {{server.ip}}\n\n"
            "Point your customers' and carriers' SIP traffic at {{server.ip}}:5060. The address is also "
            "in the server list: {{servers_url}}\n"
        ),
        sample={"server": _SERVER, "servers_url": "https://panel.example.com/servers/"},
    ),
    "server_unreachable": Stock(
        name="Server Unreachable",
        used_for="A server stopped sending heartbeats.",
        subject="Server {{server.name}} is unreachable",
        text=(
            "The server {{server.name}} ({{#if server.ip}}{{server.ip}}{{else}}no IP yet{{/if}}) has not "
            "reported since {{dateFormat server.last_heartbeat_at 'YYYY-MM-DD HH:mm:ss'}} UTC.\n\n"
            "{{server.url}}\n"
        ),
        sample={"server": _SERVER},
    ),
    "server_expired": Stock(
        name="Server Expired",
        used_for="A test server reached its Expires time and stopped taking calls.",
        subject="Server {{server.name}} has expired",
        text=(
            "The test period of server {{server.name}} ({{#if server.ip}}{{server.ip}}{{else}}no IP yet"
            "{{/if}}) ended on {{dateFormat server.expires_at 'YYYY-MM-DD HH:mm'}} UTC: "
            "it takes no more calls.\n\n"
            "To resume, set a later Expires on its page and Re-deploy it:\n{{server.url}}\n"
        ),
        sample={"server": _SERVER},
    ),
}


def variables(sample: dict, prefix: str = "") -> list[tuple[str, str]]:
    """Every variable path of a sample with its example value, as the edit page lists them."""
    out: list[tuple[str, str]] = []
    for key, value in sample.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out += variables(value, f"{path}.")
        else:
            out.append((path, value.isoformat() if isinstance(value, datetime) else str(value)))
    return out
