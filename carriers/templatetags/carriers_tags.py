from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

TABS = [
    ("Main", "carriers:carrier_detail"),
    ("Authentication", "carriers:carrier_auth"),
    ("Rate Cards", "ratecards:carrier_cards"),
]


@register.simple_tag
def carrier_tabs(carrier) -> list[tuple[str, str]]:
    tabs = []
    for label, name in TABS:
        try:
            tabs.append((label, reverse(name, kwargs={"pk": carrier.pk})))
        except NoReverseMatch:
            continue
    return tabs
