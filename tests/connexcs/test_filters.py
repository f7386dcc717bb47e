"""Yes/no filters read Any / Yes / No on every list (Django's own select says "Unknown" for "any")."""

import importlib

import django_filters
import pytest
from django.apps import apps
from django.urls import reverse

from connexcs.filters import AnyYesNo

pytestmark = pytest.mark.django_db


def filtersets():
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.filters")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, django_filters.FilterSet):
                yield value


def test_every_yes_no_filter_offers_any():
    found = [
        (filterset.__name__, name)
        for filterset in filtersets()
        for name, field in filterset.base_filters.items()
        if isinstance(field, django_filters.BooleanFilter)
    ]
    assert len(found) >= 6
    for filterset_name, name in found:
        filterset = next(f for f in filtersets() if f.__name__ == filterset_name)
        widget = filterset().form.fields[name].widget
        assert isinstance(widget, AnyYesNo), (filterset_name, name)


def test_a_list_shows_any_and_filters_by_yes(admin_client, admin_user):
    from certificates import services

    services.certificate_create(actor=admin_user, domain="le.example.test")
    url = reverse("certificates:certificate_list")
    page = admin_client.get(url).content.decode()
    assert '<option value="unknown" selected>Any</option>' in page and ">Unknown<" not in page
    assert "le.example.test" not in admin_client.get(url, {"user_provided": "true"}).content.decode()
    assert "le.example.test" in admin_client.get(url, {"user_provided": "false"}).content.decode()
