"""Generic staff views that apps configure by class attributes (after NetBox's generic views).

    class CustomerListView(ObjectListView):
        area = Area.CUSTOMER
        selector = customers.selectors.customer_list     # or queryset = Customer.objects.all()
        table = CustomerTable
        filterset = CustomerFilterSet

Edit views call `create_service(actor=..., **cleaned_data)` or
`update_service(actor=..., instance=obj, **cleaned_data)`; a ValidationError from the service is
shown on the form against the field it names. Action views are POST-only and call
`service(actor=..., instance=obj, ...)`. Child views show or edit the rows of a parent object taken
from the URL. docs/ARCHITECTURE.md walks through adding a list, a tab and an action.
"""

import copy
import inspect
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .constraints import explain
from .dryrun import add_first_submit_errors
from .paging import DEFAULT_PAGE_SIZE, PanelRequestConfig
from .permissions import AreaPermissionMixin
from .tabs import ViewTab, register


def get_scoped_object(queryset, **lookup):
    """The one place a row missing from the actor's scope becomes a 404."""
    return get_object_or_404(queryset, **lookup)


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


class TabsMixin:
    """A page of an object with tabs: `tab_group` names the group, `tab` (a ViewTab) is this page's.

    Pages that belong to a tab without being it (an add form under Authentication) set `active_tab`.
    """

    tab_group: str = ""
    tab: ViewTab | None = None
    active_tab: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("tab") is not None:
            register(cls.tab_group, cls.tab, area=getattr(cls, "area", None))

    def get_active_tab(self) -> str:
        return self.tab.label if self.tab is not None else self.active_tab

    def get_tab_object(self):
        return self.object

    def get_tab_kwargs(self) -> dict:
        return {"pk": self.get_tab_object().pk}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_tab"] = self.get_active_tab()
        return context


class ParentMixin:
    """The parent object named in the URL (`parent_url_kwarg`), read through its scoped queryset.

    `parent_field` is the children's foreign key to it; `parent_context_name` its name in templates.
    """

    parent_queryset = None
    parent_selector = None
    parent_url_kwarg = "pk"
    parent_field = ""
    parent_context_name = "parent"
    parent_list_label = ""
    parent_list_url_name = ""

    def get_parent_queryset(self):
        if self.parent_selector is not None:
            return type(self).parent_selector(actor=self.request.user)
        return self.parent_queryset.all()

    @cached_property
    def parent(self):
        return get_scoped_object(self.get_parent_queryset(), pk=self.kwargs[self.parent_url_kwarg])

    def get_children(self):
        return self.queryset.filter(**{self.parent_field: self.parent})

    def get_tab_object(self):
        return self.parent

    def parent_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return [
            (self.parent_list_label, reverse(self.parent_list_url_name)),
            (str(self.parent), self.parent.get_absolute_url()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.parent_context_name] = self.parent
        return context


class StaffView(AreaPermissionMixin, BreadcrumbMixin, TemplateView):
    """A plain staff page guarded by an area."""


class ObjectListView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, SingleTableMixin, FilterView):
    template_name = "generic/object_list.html"
    table = None
    filterset = None
    paginate_by = DEFAULT_PAGE_SIZE
    add_url_name: str | None = None
    add_label = ""
    # Bulk Edit and Delete buttons over a table with a TickColumn (connexcs/bulk.py)
    bulk_edit_url_name = ""
    bulk_delete_url_name = ""

    def get_table_class(self):
        if self.table is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `table`.")
        return self.table

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs(), **kwargs)
        return PanelRequestConfig(self.request, paginate=self.get_table_pagination(table)).configure(table)

    def get_filterset_class(self):
        return self.filterset

    def get_add_url(self) -> str | None:
        return reverse(self.add_url_name) if self.add_url_name else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url"] = self.get_add_url()
        context["add_label"] = self.add_label
        context["bulk_edit_url"] = reverse(self.bulk_edit_url_name) if self.bulk_edit_url_name else None
        context["bulk_delete_url"] = reverse(self.bulk_delete_url_name) if self.bulk_delete_url_name else None
        return context


class ObjectChildrenView(ParentMixin, TabsMixin, ObjectListView):
    """One tab of a parent's page listing its children (NetBox's ObjectChildrenView)."""

    def get_queryset(self):
        return self.get_children()

    def get_title(self):
        return str(self.parent)

    def get_breadcrumbs(self):
        crumbs = self.parent_breadcrumbs()
        return [*crumbs[:-1], (crumbs[-1][0], None)]

    add_url_kwarg = "pk"  # the add view's URL names the parent by this

    def get_add_url(self):
        if not self.add_url_name:
            return None
        kwargs = {self.add_url_kwarg: self.parent.pk} if self.add_url_kwarg else {}
        return reverse(self.add_url_name, kwargs=kwargs)


class ObjectDetailView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, TabsMixin, DetailView):
    template_name = "generic/object_detail.html"
    list_label = ""
    list_url_name = ""

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        if not self.list_url_name:
            return super().get_breadcrumbs()
        return [(self.list_label, reverse(self.list_url_name)), (str(self.object), None)]


class ServiceFormMixin:
    """Run the service with the form's data; turn its ValidationError into form errors."""

    service = None
    success_message = "Saved."
    # Services that book money return the first record when the same form is posted twice, marked
    # `already_saved`; the person is told that nothing was booked again.
    already_saved_message = "This was already saved; it was not saved again."

    def get_service(self):
        if self.service is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `service`.")
        return type(self).service

    def has_service(self) -> bool:
        try:
            return self.get_service() is not None
        except ImproperlyConfigured:
            return False

    def get_service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data)

    def call_service(self, form):
        return self.get_service()(actor=self.request.user, **self.get_service_kwargs(form))

    def form_invalid(self, form):
        if not getattr(self, "service_ran", False) and self.has_service():
            # A field failed, so the service did not run: show its checks now, not on the next submit.
            add_first_submit_errors(form, lambda: self.call_service(form))
        return super().form_invalid(form)

    def form_valid(self, form):
        self.service_ran = True
        try:
            self.result = self.call_service(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.saved()

    def saved(self):
        """The answer once the service has succeeded (`self.result`): a message and a redirect."""
        if getattr(self.result, "already_saved", False):
            messages.info(self.request, self.already_saved_message)
        elif self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


def add_service_errors(form, exc: ValidationError) -> None:
    exc = explain(exc)
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def takes_instance(form_class) -> bool:
    """ModelForms, and plain forms that take `instance=` for their initial values."""
    return hasattr(form_class, "_meta") or "instance" in inspect.signature(form_class.__init__).parameters


def form_errors_to_messages(request, form) -> None:
    """For pages that redirect after a POST: each field error travels as a message, by label."""
    for field, errors in form.errors.items():
        label = form[field].label if field in form.fields else None
        text = " ".join(errors)
        messages.error(request, f"{label}: {text}" if label else text)


class ObjectEditView(
    AreaPermissionMixin,
    BreadcrumbMixin,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    TabsMixin,
    SingleObjectMixin,
    FormView,
):
    """Create (no pk in the URL) or update (pk in the URL) through `create_service` / `update_service`.

    `success_url_name` (reversed with get_success_url_kwargs()) says where to go after saving; without
    it, the saved object's own page.
    """

    template_name = "generic/object_edit.html"
    requires_write = True
    form = None
    create_service = None
    update_service = None
    success_url_name = ""
    bind_instance = True  # a ModelForm gets the object; False for forms that only read initial data

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.form

    def get_service(self):
        # Read from the class: a function stored on it would otherwise bind as a method.
        chosen = type(self).update_service if self.object is not None else type(self).create_service
        return chosen if chosen is not None else super().get_service()

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
        if self.object is not None and self.bind_instance and takes_instance(self.get_form_class()):
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

    def get_success_url_kwargs(self) -> dict:
        return {}

    def get_success_url(self):
        if self.success_url_name:
            return reverse(self.success_url_name, kwargs=self.get_success_url_kwargs())
        target = getattr(self, "result", None) or self.object
        if hasattr(target, "get_absolute_url"):
            return target.get_absolute_url()
        return self.request.path

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("cancel_url", self.get_cancel_url())
        return context

    def get_cancel_url(self) -> str | None:
        return None


class ObjectChildEditView(ParentMixin, ObjectEditView):
    """Create or edit a row of the parent in the URL (`parent_url_kwarg`), then go back to its tab."""

    parent_url_kwarg = "parent_pk"

    def get_queryset(self):
        return self.get_children()

    def get_service_kwargs(self, form):
        data = super().get_service_kwargs(form)
        if self.object is None:
            data[self.parent_field] = self.parent
        return data

    def get_success_url_kwargs(self):
        return {"pk": self.parent.pk}

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return [*self.parent_breadcrumbs(), (self.get_title(), None)]


class ObjectDeleteView(AreaPermissionMixin, BreadcrumbMixin, ScopedQuerysetMixin, DetailView):
    """GET shows a confirmation; POST calls `service(actor=..., instance=obj)`."""

    template_name = "generic/object_delete.html"
    requires_write = True
    service = None
    success_url_name: str = ""
    list_label = ""
    delete_note = ""
    success_message = "Deleted {obj}."
    error_url_name = ""  # where a refused delete goes back to; this page when empty

    def get_title(self):
        return f"Delete {self.object}"

    def get_breadcrumbs(self):
        if not self.list_label:
            return super().get_breadcrumbs()
        return [
            (self.list_label, reverse(self.success_url_name)),
            (str(self.object), self.object.get_absolute_url()),
            ("Delete", None),
        ]

    def get_success_url_kwargs(self) -> dict:
        return {}

    def get_success_url(self):
        return reverse(self.success_url_name, kwargs=self.get_success_url_kwargs())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            type(self).service(actor=request.user, instance=self.object)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.get_success_url() if self.error_url_name else request.path)
        messages.success(request, self.success_message.format(obj=self.object))
        return redirect(self.get_success_url())


class ObjectChildDeleteView(ParentMixin, ObjectDeleteView):
    parent_url_kwarg = "parent_pk"

    def get_queryset(self):
        return self.get_children()

    def get_success_url_kwargs(self):
        return {"pk": self.parent.pk}


class ObjectActionView(AreaPermissionMixin, ScopedQuerysetMixin, SingleObjectMixin, View):
    """POST only: take the object from the scoped queryset, call `service`, say how it went, redirect.

    `service(actor=..., <instance_kwarg>=obj, **get_service_kwargs())`; with no pk in the URL (an
    action on a whole list) the object is left out. A `form_class` validates the POST first; its errors and
    the service's ValidationError become messages (prefixed by `error_prefix`).
    """

    http_method_names = ["post"]
    requires_write = True
    service = None
    instance_kwarg = "instance"
    form_class = None
    success_message = ""
    error_prefix = ""
    success_url_name = ""

    def get_form(self):
        return self.form_class(self.request.POST) if self.form_class is not None else None

    def get_service_kwargs(self) -> dict:
        return dict(self.form.cleaned_data) if self.form is not None else {}

    def get_success_message(self) -> str:
        return self.success_message.format(obj=self.object, result=self.result)

    def get_success_url_kwargs(self) -> dict:
        return {"pk": self.object.pk} if self.object is not None else {}

    def get_success_url(self) -> str:
        return reverse(self.success_url_name, kwargs=self.get_success_url_kwargs())

    def call_service(self):
        kwargs = self.get_service_kwargs()
        if self.object is not None:
            kwargs[self.instance_kwarg] = self.object
        return type(self).service(actor=self.request.user, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if self.pk_url_kwarg in self.kwargs else None
        self.result = None
        self.form = self.get_form()
        if self.form is not None and not self.form.is_valid():
            form_errors_to_messages(request, self.form)
            return self.failed()
        try:
            self.result = self.call_service()
        except ValidationError as exc:
            return self.refused(exc)
        return self.succeeded()

    def refused(self, exc: ValidationError):
        """The service said no: its messages (by field label when a form names the field)."""
        if self.form is not None and hasattr(exc, "error_dict"):
            add_service_errors(self.form, exc)
            form_errors_to_messages(self.request, self.form)
        else:
            for message in exc.messages:
                messages.error(self.request, f"{self.error_prefix}{message}")
        return self.failed()

    def succeeded(self):
        if message := self.get_success_message():
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def failed(self):
        return redirect(self.get_success_url())
