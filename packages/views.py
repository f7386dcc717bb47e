from django.urls import reverse

from accounts.choices import Area
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectChildDeleteView,
    ObjectChildEditView,
    ObjectChildrenView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
)
from customers.selectors import customer_list
from customers.views import TAB_GROUP as CUSTOMER_TABS

from . import selectors, services
from .filters import CustomerPackageFilterSet, PackageFilterSet
from .forms import PackageAssignForm, PackageForm
from .models import CustomerPackage, Package
from .tables import CustomerPackageTable, PackageTable


class PackageArea:
    # Packages are what customers are billed for: the customer area governs them.
    area = Area.CUSTOMER


class PackageListView(PackageArea, ObjectListView):
    selector = selectors.package_list
    table = PackageTable
    filterset = PackageFilterSet
    title = "Packages"
    add_url_name = "packages:package_add"
    add_label = "Add Package"


class PackageEditView(PackageArea, ObjectEditView):
    queryset = Package.objects.all()
    form = PackageForm
    create_service = services.package_create
    update_service = services.package_update
    title = "Add Package"
    success_url_name = "packages:package_list"
    success_message = "Package saved."

    def get_breadcrumbs(self):
        return [("Packages", reverse("packages:package_list")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("packages:package_list")


class PackageDeleteView(PackageArea, ObjectDeleteView):
    queryset = Package.objects.all()
    service = services.package_delete
    success_url_name = "packages:package_list"
    list_label = "Packages"


class CustomerPackages(PackageArea):
    """The customer page's Packages tab and its pages, under /customers/<pk>/packages/."""

    tab_group = CUSTOMER_TABS
    queryset = CustomerPackage.objects.filter(removed_at__isnull=True).select_related("package", "customer")
    parent_selector = customer_list
    parent_field = "customer"
    parent_context_name = "customer"
    parent_list_label = "Customers"
    parent_list_url_name = "customers:customer_list"
    add_url_kwarg = "customer_pk"
    active_tab = "Packages"


class CustomerPackagesView(CustomerPackages, ObjectChildrenView):
    tab = ViewTab("Packages", "packages:customer_packages", weight=47)
    table = CustomerPackageTable
    filterset = CustomerPackageFilterSet
    template_name = "customers/customer_child_list.html"
    add_url_name = "packages:customer_package_assign"
    add_label = "Assign Package"

    def get_children(self):
        return selectors.customer_package_list(actor=self.request.user, customer=self.parent)


class CustomerPackageAssignView(CustomerPackages, ObjectChildEditView):
    parent_url_kwarg = "customer_pk"
    template_name = "customers/customer_child_edit.html"
    form = PackageAssignForm
    create_service = services.customer_package_assign
    title = "Assign Package"
    success_url_name = "packages:customer_packages"
    success_message = "Package assigned; its Setup Retail is on the customer's ledger."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}


class CustomerPackageRemoveView(CustomerPackages, ObjectChildDeleteView):
    parent_url_kwarg = "customer_pk"
    service = services.customer_package_remove
    success_url_name = "packages:customer_packages"
    success_message = "Removed {obj}."

    def get_title(self):
        return f"Remove {self.object}"
