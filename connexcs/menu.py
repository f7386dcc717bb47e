"""The operator panel's left menu, in the seeds' words.

Items point at URL names; an item whose app has not registered its URL yet is shown disabled,
and an item the user may not read is hidden.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .permissions import can


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    icon: str
    area: str | None = None
    # Shown instead of hiding the item when the area is missing (one's own pages need no area).
    fallback_url_name: str | None = None
    sublabel: str = ""  # under the label, so "Setup > Config > Templates" reads as in the seeds


MENU: list[tuple[str | None, list[Item]]] = [
    (None, [Item("Dashboard", "dashboard", "speedometer2")]),
    (
        "Management",
        [
            Item("Customers", "customers:customer_list", "people", "customer"),
            Item("Carriers", "carriers:carrier_list", "diagram-3", "carrier"),
            Item("Rate Cards", "ratecards:index", "table", "card"),
            Item("Routing", "routing:simulator", "signpost-split", "routing"),
        ],
    ),
    (
        "Report",
        [
            Item("CDR", "cdr:cdr_list", "telephone", "cdr"),
            Item("Breakout", "cdr:breakout", "bar-chart-line", "report"),
        ],
    ),
    (
        "Setup",
        [
            Item("Settings", "servers:server_list", "hdd-network", "server"),
            Item("Integrations", "portal:domain_list", "globe", "portal"),
            Item("Config", "packages:package_list", "box-seam", "customer", sublabel="Packages"),
            Item("Config", "notices:template_list", "envelope-paper", "account", sublabel="Templates"),
            Item("Information", "audit_log", "journal-text", "log"),
            Item(
                "Information",
                "certificates:certificate_list",
                "shield-lock",
                "portal",
                sublabel="Certificate",
            ),
            Item("My Account", "accounts:my_account", "person-gear", "account", "accounts:profile"),
        ],
    ),
]

# Sub-labels shown under a menu entry, so "Setup > Settings > Servers" reads as in the seeds.
SUBLABELS = {
    "Settings": "Servers",
    "Integrations": "Portal",
    "Information": "Audit Log",
}

NOTIFICATIONS = [
    ("Verify Email", "accounts:verify_email", "email_verified_at"),
    ("Verify Mobile", "accounts:verify_mobile", "mobile_verified_at"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    sections = []
    for title, items in MENU:
        entries = []
        for item in items:
            url_name = item.url_name
            if item.area and not can(user, item.area):
                if not item.fallback_url_name:
                    continue
                url_name = item.fallback_url_name
            url = _url(url_name)
            section_url = _url(item.url_name)
            active = bool(url) and (path == url if url == "/" else path.startswith(section_url or url))
            entries.append(
                {
                    "label": item.label,
                    "sublabel": item.sublabel or SUBLABELS.get(item.label, ""),
                    "url": url,
                    "icon": item.icon,
                    "active": active,
                }
            )
        if entries:
            sections.append({"title": title, "items": entries})
    notifications = [
        {"label": label, "url": _url(url_name)}
        for label, url_name, verified_field in NOTIFICATIONS
        if not getattr(user, verified_field, None)
    ]
    return {"menu_sections": sections, "notifications": notifications}
