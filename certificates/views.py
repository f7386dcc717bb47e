from django.urls import reverse

from connexcs.choices import Area
from connexcs.views import ObjectDeleteView, ObjectEditView, ObjectListView

from . import selectors, services
from .filters import CertificateFilterSet
from .forms import CertificateForm
from .tables import CertificateTable


class CertificateArea:
    # Certificates are for the portal domains visitors reach: the portal area governs them.
    area = Area.PORTAL
    selector = selectors.certificate_list


class CertificateListView(CertificateArea, ObjectListView):
    table = CertificateTable
    filterset = CertificateFilterSet
    title = "Certificate"
    add_url_name = "certificates:certificate_add"
    add_label = "Add Certificate"


class CertificateEditView(CertificateArea, ObjectEditView):
    form = CertificateForm
    create_service = services.certificate_create
    update_service = services.certificate_update
    title = "Add Certificate"
    success_url_name = "certificates:certificate_list"
    success_message = "Certificate saved."

    def get_breadcrumbs(self):
        return [("Certificate", reverse("certificates:certificate_list")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("certificates:certificate_list")


class CertificateDeleteView(CertificateArea, ObjectDeleteView):
    service = services.certificate_delete
    success_url_name = "certificates:certificate_list"
    list_label = "Certificate"
    delete_note = (
        "Afterwards the domain gets a Let's Encrypt certificate only if it is a verified portal domain."
    )
