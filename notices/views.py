from django.core.exceptions import ValidationError
from django.urls import reverse

from connexcs.choices import Area
from connexcs.handlebars import TemplateError
from connexcs.views import ObjectActionView, ObjectEditView, ObjectListView, add_service_errors

from . import selectors, services
from .filters import MessageTemplateFilterSet
from .forms import MessageTemplateForm
from .render import render_fields
from .stock import variables
from .tables import MessageTemplateTable


class TemplateArea:
    # The panel's own wording to its users and customers: an account setting.
    area = Area.ACCOUNT
    selector = selectors.message_template_list


class MessageTemplateListView(TemplateArea, ObjectListView):
    table = MessageTemplateTable
    filterset = MessageTemplateFilterSet
    title = "Templates"


class MessageTemplateEditView(TemplateArea, ObjectEditView):
    """Edit one message's wording; Preview renders the form's text with the sample data unsaved."""

    template_name = "notices/template_edit.html"
    form = MessageTemplateForm
    update_service = services.message_template_update
    success_url_name = "notices:template_list"
    success_message = "Template saved: the next {name} message uses it."

    def get_breadcrumbs(self):
        return [("Templates", reverse("notices:template_list")), (str(self.object), None)]

    def get_cancel_url(self):
        return reverse("notices:template_list")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "sms" not in self.object.stock.channels:
            del form.fields["sms"]  # this message never goes by SMS
        return form

    def post(self, request, *args, **kwargs):
        if "preview" not in request.POST:
            return super().post(request, *args, **kwargs)
        self.setup_object()
        form = self.get_form()
        if form.is_valid():
            try:
                services.check_fields(key=self.object.key, values=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        draft = type(self.object)(key=self.object.key, **form.cleaned_data)
        return self.render_to_response(self.get_context_data(form=form, preview_of=draft))

    def saved(self):
        self.success_message = self.success_message.format(name=self.result.name)
        return super().saved()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stock = self.object.stock
        shown = kwargs.get("preview_of") or self.object
        try:
            context["preview"] = render_fields(shown, stock.sample)
        except TemplateError as exc:
            context["preview_error"] = str(exc)
        context.update(
            stock=stock,
            variables=variables(stock.sample),
            previewing_draft="preview_of" in kwargs,
        )
        return context


class MessageTemplateResetView(TemplateArea, ObjectActionView):
    service = services.message_template_reset
    success_message = "{obj} is back to the stock wording."
    success_url_name = "notices:template_edit"
