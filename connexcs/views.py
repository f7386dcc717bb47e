"""Generic staff views that apps configure by class attributes (after NetBox's generic views).

    class CustomerListView(ObjectListView):
        area = Area.CUSTOMER
        queryset = Customer.objects.all()     # or selector = customers.selectors.customer_list
        table = CustomerTable
        filterset = CustomerFilterSet

Edit views call a service `service(actor=..., **cleaned_data)` (create) or
`service(actor=..., instance=obj, **cleaned_data)` (update); a ValidationError from the service is
shown on the form against the field it names.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .permissions import AreaPermissionMixin


class BreadcrumbMixin:
    """`breadcrumbs` is a list of (label, url or None); subclasses extend get_breadcrumbs()."""

    title: str = ""

    def get_title(self) -> str:
        return self.title

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return [(self.get_title(), None)] if self.get_title() else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", self.get_title())
        context.setdefault("breadcrumbs", self.get_breadcrumbs())
        return context


class ScopedQuerysetMixin:
    """Use `selector(actor=user)` when given, so reads are scoped the same way everywhere."""

    selector = None

    def get_queryset(self):
        if self.selector is not None:
            return type(self).selector(actor=self.request.user)
        return super().get_queryset()


class StaffView(AreaPermissionMixin, BreadcrumbMixin, TemplateView):
    """A plain staff page guarded by an area."""


class ObjectListView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, SingleTableMixin, FilterView):
    template_name = "generic/object_list.html"
    table = None
    filterset = None
    paginate_by = 25
    add_url_name: str | None = None
    add_label = ""

    def get_table_class(self):
        if self.table is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `table`.")
        return self.table

    def get_filterset_class(self):
        return self.filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url_name"] = self.add_url_name
        context["add_label"] = self.add_label
        return context


class ObjectDetailView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, DetailView):
    template_name = "generic/object_detail.html"
    tabs: list[tuple[str, str]] = []  # (label, url name taking the object's pk)

    def get_title(self):
        return str(self.object)


class ServiceFormMixin:
    """Run the service with the form's data; turn its ValidationError into form errors."""

    service = None
    success_message = "Saved."

    def get_service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data)

    def call_service(self, form):
        if self.service is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `service`.")
        return type(self).service(actor=self.request.user, **self.get_service_kwargs(form))

    def form_valid(self, form):
        try:
            self.result = self.call_service(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ObjectEditView(
    AreaPermissionMixin,
    BreadcrumbMixin,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    SingleObjectMixin,
    FormView,
):
    """Create (no pk in the URL) or update (pk in the URL) through a service."""

    template_name = "generic/object_edit.html"
    requires_write = True
    form = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.form

    def setup_object(self):
        if self.kwargs.get(self.pk_url_kwarg) is not None:
            self.object = self.get_object()

    def get(self, request, *args, **kwargs):
        self.setup_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is not None and getattr(self.form, "_meta", None):
            # A ModelForm writes cleaned values onto its instance; give it a copy so the service
            # still sees the stored state (for its audit "before").
            kwargs["instance"] = copy.copy(self.object)
        return kwargs

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        if self.object is not None:
            data["instance"] = self.object
        return data

    def get_title(self):
        return f"Edit {self.object}" if self.object is not None else self.title

    def get_success_url(self):
        target = getattr(self, "result", None) or self.object
        if hasattr(target, "get_absolute_url"):
            return target.get_absolute_url()
        return self.request.path


class ObjectDeleteView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, DetailView):
    """GET shows a confirmation; POST calls `service(actor=..., instance=obj)`."""

    template_name = "generic/object_delete.html"
    requires_write = True
    service = None
    success_url_name: str | None = None

    def get_title(self):
        return f"Delete {self.object}"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            type(self).service(actor=request.user, instance=self.object)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, f"Deleted {self.object}.")
        return redirect(self.success_url_name)
