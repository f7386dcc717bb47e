"""The effective feature set, once per feature: brand switch, customer Show/Hide, availability."""

import pytest

from portal import selectors, services
from portal.features import FEATURES
from tests.factories import CustomerFactory
from tests.portal.factories import PortalDomainFactory

pytestmark = pytest.mark.django_db


def effective(admin_user, *, brand_on: bool, override: str = ""):
    customer = CustomerFactory()
    brand = PortalDomainFactory(features={f.key: brand_on for f in FEATURES})
    services.customer_portal_set(
        actor=admin_user, customer=customer, domain=brand, overrides={f.key: override for f in FEATURES}
    )
    return selectors.effective_features(customer=customer)


@pytest.mark.parametrize("feature", FEATURES, ids=[f.key for f in FEATURES])
def test_each_feature_follows_brand_then_override(admin_user, feature):
    expected = {feature.key} if feature.available else set()
    assert effective(admin_user, brand_on=True) & {feature.key} == expected
    assert effective(admin_user, brand_on=False) & {feature.key} == set()
    assert effective(admin_user, brand_on=False, override="show") & {feature.key} == expected
    assert effective(admin_user, brand_on=True, override="hide") & {feature.key} == set()


def test_customer_without_a_brand_has_no_features():
    assert selectors.effective_features(customer=CustomerFactory()) == frozenset()


def test_one_selector_call_is_two_queries_at_most(admin_user, django_assert_max_num_queries):
    customer = CustomerFactory()
    services.customer_portal_set(
        actor=admin_user, customer=customer, domain=PortalDomainFactory(), overrides={}
    )
    with django_assert_max_num_queries(1):
        selectors.effective_features(customer=customer)
