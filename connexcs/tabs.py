"""Tabs of an object's page, declared on the views that serve them (after NetBox's ViewTab).

    class CustomerAuthView(CustomerTab, ObjectDetailView):
        tab = ViewTab("Authentication", "customers:customer_auth", weight=20)

A view with a `tab` registers it under its `tab_group` (e.g. "customers.customer") when the class is
defined; `{% view_tabs %}` draws the group's tabs for the current page. Another app adds a tab to the
group by declaring a view the same way (routing adds Routing to the customer page).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_resolver, reverse

from .permissions import can


@dataclass(frozen=True)
class ViewTab:
    label: str
    url_name: str
    weight: int = 100


@dataclass(frozen=True)
class _Entry:
    tab: ViewTab
    area: str | None


_registry: dict[str, dict[str, _Entry]] = defaultdict(dict)


def register(group: str, tab: ViewTab, *, area: str | None) -> None:
    # Keyed by label so re-importing a views module (autoreload, tests) replaces rather than repeats.
    _registry[group][tab.label] = _Entry(tab, area)


def _load_views() -> None:
    """Loading the URLconf imports every views module, and so registers every tab."""
    _ = get_resolver().url_patterns


def tabs_for(group: str, user, url_kwargs: dict) -> list[tuple[str, str]]:
    """(label, url) of each tab the user may read, by weight; a tab whose URL is not served is left out."""
    _load_views()
    tabs = []
    for entry in sorted(_registry.get(group, {}).values(), key=lambda e: e.tab.weight):
        if entry.area is not None and not can(user, entry.area):
            continue
        try:
            tabs.append((entry.tab.label, reverse(entry.tab.url_name, kwargs=url_kwargs)))
        except NoReverseMatch:
            continue
    return tabs
