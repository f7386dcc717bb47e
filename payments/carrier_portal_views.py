"""The carrier portal's Payments page: what the operator paid the logged-in carrier and received
from it, the balance, and the history as CSV. Only the carrier's own payments are read; the page is
a 404 for a customer's contact and on a brand without Carrier Portal (portal.site_pages.CarrierPage).
"""

import csv

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from carriers.choices import CarrierPaymentDirection
from portal import site_selectors
from portal.site_pages import CarrierPage
from ratecards.selectors import FORMULA_START

from . import selectors

# The carrier's own point of view, as the page words it.
TYPE_FOR_CARRIER = {
    CarrierPaymentDirection.SENT: "Paid to you",
    CarrierPaymentDirection.RECEIVED: "Paid by you",
}
CSV_HEADER = ["date", "type", "amount", "currency", "reference", "description"]


class CarrierPaymentsView(CarrierPage):
    template_name = "payments/portal/carrier_payments.html"
    title = "Payments"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        carrier = self.request.portal_carrier
        rows = selectors.carrier_portal_payments(carrier=carrier)
        context["page"] = site_selectors.page(rows, self.request.GET.get("page"))
        context["balance"] = selectors.carrier_balance(carrier=carrier)
        return context


def _cell(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


class CarrierPaymentsDownloadView(CarrierPaymentsView):
    def get(self, request, *args, **kwargs):
        payments = selectors.carrier_portal_payments(carrier=request.portal_carrier)

        def rows():
            yield CSV_HEADER
            for p in payments.iterator(chunk_size=2000):
                yield [
                    p.paid_on.isoformat(),
                    TYPE_FOR_CARRIER[p.direction],
                    f"{p.amount}",
                    p.currency,
                    _cell(p.reference),
                    _cell(p.public_description),
                ]

        writer = csv.writer(_Echo(), lineterminator="\n")
        response = StreamingHttpResponse((writer.writerow(r) for r in rows()), content_type="text/csv")
        response["Content-Disposition"] = content_disposition_header(True, "payments.csv")
        return response
