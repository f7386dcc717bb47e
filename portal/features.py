"""The seeds' User Access Area: every portal feature a brand can switch on or off.

`available` says whether this product has the feature yet. Features it lacks are still stored and
listed (so an operator sees the whole list), marked "not available yet", and never reach a portal.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    available: bool
    group: str = "Common"
    default: bool = False


NOT_AVAILABLE = "not available yet"

FEATURES: tuple[Feature, ...] = (
    Feature("balance", "Balance", True, default=True),
    Feature("cdr", "Call Detail Record (CDR)", True, default=True),
    Feature("breakout", "Breakout", True),
    Feature("latest_calls", "Latest Calls", False),
    Feature("cli", "CLI", False),
    Feature("customer_acd", "Customer ACD", False),
    Feature("customer_asr", "Customer ASR", False),
    Feature("customer_cps", "Customer CPS", False),
    Feature("customer_channels", "Customer Channels", False),
    Feature("customer_dtmf", "Customer DTMF", False),
    Feature("carrier_cps", "Carrier CPS", False),
    Feature("carrier_channels", "Carrier Channels", False),
    Feature("carrier_dtmf", "Carrier DTMF", False),
    Feature("carrier_portal", "Carrier Portal", True),
    Feature("rate_cards", "Rate Cards", True, default=True),
    Feature("did", "DID", False),
    Feature("did_editable", "DID (Editable)", False),
    Feature("did_destination_lock", "DID Destination Lock", False),
    Feature("did_tags", "DID Tags", False),
    Feature("ip_auth_editable", "IP Auth (Editable)", True),
    Feature("sip_auth_editable", "SIP Auth (Editable)", True),
    Feature("user_registration", "User Registration", False),
    Feature("queue", "Queue", False),
    Feature("audio", "Audio", False),
    Feature("interconnect_info", "Interconnect Info", True),
    Feature("packages", "Packages", True),
    Feature("show_rtp_servers", "Show RTP Servers", False),
    Feature("routes_editable", "Routes (Editable)", True),
    Feature("summary", "Summary", True),
    Feature("data_management", "Data Management (Data Suite)", False),
    Feature("route_public_note", "Allow Route Public Note", False),
    Feature("recording", "Recording", False),
    Feature("download_recording", "Download Recording", False),
    Feature("invoice", "Invoice", True),
    Feature("status", "Status", False),
    Feature("public_status", "Public Status", False),
    Feature("alert", "Alert", True),
    Feature("editable_balance_alert", "Editable Balance Alert", False),
    Feature("payments", "Payments", True, default=True),
    Feature("pending_bank_payments", "Pending Bank Payments", False),
    Feature("block_paypal", "Block PayPal", True),
    Feature("block_stripe", "Block Stripe", True),
    Feature("voucher", "Voucher", False),
    Feature("dialog", "Dialog", False),
    Feature("ai_agent", "AI Agent", False, group="Class 5 Access"),
    Feature("app", "App", False, group="Class 5 Access"),
    Feature("conference", "Conference", False, group="Class 5 Access"),
    Feature("ivr", "IVR", False, group="Class 5 Access"),
    Feature("group", "Group", False, group="Class 5 Access"),
)
BY_KEY = {feature.key: feature for feature in FEATURES}
AVAILABLE = frozenset(feature.key for feature in FEATURES if feature.available)


def default_features() -> dict[str, bool]:
    return {feature.key: feature.default for feature in FEATURES}
