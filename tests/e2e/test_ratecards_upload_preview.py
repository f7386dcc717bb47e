"""Upload: choosing a file shows its first lines (htmx sends the file), then Upload starts the import."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from carriers.models import Carrier
from ratecards import services
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_choosing_a_file_shows_a_preview(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    admin = AdminFactory()
    carrier = Carrier.objects.create(name="Demo Carrier", currency="USD")
    card = services.provider_card_create(actor=admin, name="UK Wholesale", carrier=carrier, currency="USD")
    deck = tmp_path / "deck.csv"
    deck.write_bytes(
        "\ufeffRates;;;;\nprefix;name;cost;connect;billing\n441;UK Landline;0.006;0;1/1\n".encode()
    )
    log_in(page, admin.email, PASSWORD)
    page.goto(live_server.url + reverse("ratecards:provider_upload", args=[card.pk]))
    page.get_by_label("File").set_input_files(str(deck))
    preview = page.get_by_role("table", name="File preview")
    expect(preview.get_by_role("cell", name="UK Landline")).to_be_visible()
    expect(preview.get_by_role("columnheader", name="5 (E)")).to_be_visible()
    expect(page.get_by_text("semicolon delimited")).to_be_visible()
    page.get_by_label("Start row").fill("3")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Status:")).to_be_visible()
