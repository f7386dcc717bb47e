"""Reads of the routing app, already shaped for the pages that show them."""

from django.db.models import QuerySet

from ratecards.models import ProfitRule

from .models import ApiToken, IngressRoute


def ingress_routes(*, actor, customer_id: int) -> QuerySet[IngressRoute]:
    return IngressRoute.objects.filter(customer_id=customer_id).select_related("card", "customer")


def api_token_list(*, actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("created_by")


def profit_rule_for(card_id: int, number: str):
    """The card's profit rule whose prefix matches `number` longest (the default rule has none)."""
    rules = ProfitRule.objects.filter(card_id=card_id).only(
        "prefix", "name", "profit_type", "value", "status"
    )
    matching = [r for r in rules if number.startswith(r.prefix)]
    return max(matching, key=lambda r: len(r.prefix), default=None)
