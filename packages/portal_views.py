"""The customer's packages on a brand's portal, shown with the brand's "Packages" feature; included by
portal.site_urls inside the portal_site namespace (portal never imports this app)."""

from django.views.generic import TemplateView

from portal.site_auth import PortalLoginRequired

from .selectors import customer_package_list
from .tables import CustomerPackageTable


class PortalPackageTable(CustomerPackageTable):
    """The panel's columns a customer can use: no actions and no removal date (only staff remove)."""

    class Meta(CustomerPackageTable.Meta):
        exclude = ("actions", "removable")
        sequence = ("package", "start_date", "retail", "setup", "next_billing", "free_minutes")
        empty_text = "You hold no packages."


class PackagesView(PortalLoginRequired, TemplateView):
    feature = "packages"
    template_name = "packages/portal/packages.html"

    def get_context_data(self, **kwargs):
        rows = customer_package_list(actor=None, customer=self.request.portal_customer)
        return {
            **super().get_context_data(**kwargs),
            "title": "Packages",
            "table": PortalPackageTable(rows, orderable=False),
        }
