"""Management > Rate Cards, configured on the generic bases in connexcs.views."""

import csv

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from accounts.choices import Area
from carriers.models import Carrier
from carriers.views import TAB_GROUP as CARRIER_TABS
from connexcs.paging import configure_table
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectActionView,
    ObjectChildEditView,
    ObjectChildrenView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    StaffView,
)

from . import parsing, selectors, services
from .choices import RevisionState
from .filters import (
    CustomerCardFilterSet,
    ExchangeRateFilterSet,
    ProviderCardFilterSet,
    RateFilterSet,
    RevisionFilterSet,
)
from .forms import (
    CustomerCardForm,
    ExchangeRateForm,
    ProfitRuleForm,
    ProviderCardForm,
    RateRowForm,
    UploadForm,
)
from .models import (
    BuildJob,
    CustomerCard,
    CustomerCardRevision,
    ExchangeRate,
    ImportJob,
    ProfitRule,
    ProviderCard,
    ProviderCardRevision,
    ProviderRate,
)
from .tables import (
    CustomerCardTable,
    CustomerRateTable,
    CustomerRevisionTable,
    ExchangeRateTable,
    ProfitRuleTable,
    ProviderCardTable,
    ProviderRateTable,
    ProviderRevisionTable,
)

PROVIDER_TABS = "ratecards.providercard"
CUSTOMER_TABS = "ratecards.customercard"
SHEET_PAGE_SIZE = 50


class CardArea:
    area = Area.CARD


class IndexView(CardArea, StaffView):
    title = "Rate Cards"
    template_name = "ratecards/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        pf = ProviderCardFilterSet(get, selectors.provider_card_list(), prefix="p")
        cf = CustomerCardFilterSet(
            get, selectors.customer_card_list().prefetch_related("providers"), prefix="c"
        )
        context.update(provider_filter=pf, customer_filter=cf, stale_count=cf.qs.filter(stale=True).count())
        context["provider_table"] = configure_table(self.request, ProviderCardTable(pf.qs, prefix="p-"))
        context["customer_table"] = configure_table(self.request, CustomerCardTable(cf.qs, prefix="c-"))
        return context


class CarrierCardsView(CardArea, ObjectChildrenView):
    """The carrier page's Rate Cards tab."""

    tab_group = CARRIER_TABS
    tab = ViewTab("Rate Cards", "ratecards:carrier_cards", weight=30)
    template_name = "ratecards/carrier_cards.html"
    queryset = selectors.provider_card_list()
    parent_queryset = Carrier.objects.all()
    parent_field = "carrier"
    parent_context_name = "carrier"
    parent_list_label = "Carriers"
    parent_list_url_name = "carriers:carrier_list"
    table = ProviderCardTable
    filterset = ProviderCardFilterSet
    add_url_name = "ratecards:provider_add"
    add_url_kwarg = None
    add_label = "Add Provider Card"


# ---- provider cards ----------------------------------------------------------------------------


class ProviderCardPage(CardArea):
    tab_group = PROVIDER_TABS
    selector = selectors.provider_card_list
    context_object_name = "card"
    list_label = "Rate Cards"
    list_url_name = "ratecards:index"


class ProviderCardEditView(ProviderCardPage, ObjectEditView):
    tab = ViewTab("Properties", "ratecards:provider_edit", weight=40)
    form = ProviderCardForm
    create_service = services.provider_card_create
    update_service = services.provider_card_update
    template_name = "ratecards/provider_edit.html"
    title = "Add Provider Card"


class ProviderCardDetailView(ProviderCardPage, ObjectDetailView):
    """The sheet: the draft's rows when there is one (editable), else the published revision's."""

    tab = ViewTab("Rate Card", "ratecards:provider_detail", weight=10)
    template_name = "ratecards/provider_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = self.object.revisions.filter(state=RevisionState.DRAFT).first()
        shown = draft or self.object.current_revision
        rate_filter = RateFilterSet(self.request.GET, ProviderRate.objects.filter(revision=shown))
        table = ProviderRateTable(rate_filter.qs, exclude=() if draft else ("actions",))
        context.update(draft=draft, shown=shown, rate_filter=rate_filter)
        context["table"] = configure_table(self.request, table, per_page=SHEET_PAGE_SIZE)
        return context


class DraftCreateView(CardArea, ObjectActionView):
    queryset = ProviderCard.objects.all()
    service = services.provider_draft_create
    instance_kwarg = "card"
    success_message = "Draft created."
    success_url_name = "ratecards:provider_detail"


class RowNewView(CardArea, ObjectDetailView):
    """Add Row: an empty row of inputs in the sheet (htmx)."""

    queryset = ProviderCard.objects.all()
    requires_write = True
    template_name = "ratecards/_row_new.html"

    def get_context_data(self, **kwargs):
        return {"form": RateRowForm(prefix="new", form_id="publish"), "card_pk": self.object.pk}


class RowView(CardArea, ObjectDetailView):
    """One sheet row as shown (htmx): what Cancel puts back in place of the row's inputs."""

    queryset = ProviderRate.objects.all()
    context_object_name = "rate"
    template_name = "ratecards/_row.html"


class DraftAction(CardArea, ObjectActionView):
    """A POST on the card's draft (refused with a message when there is none); back to the sheet."""

    queryset = ProviderCard.objects.all()
    no_draft_message = ""
    success_url_name = "ratecards:provider_detail"

    def call_service(self):
        draft = self.object.revisions.filter(state=RevisionState.DRAFT).first()
        if draft is None:
            raise ValidationError(self.no_draft_message)
        return type(self).service(actor=self.request.user, revision=draft, **self.get_service_kwargs())


class RowAddView(DraftAction):
    service = services.provider_rate_add
    no_draft_message = "Create a draft first."
    success_message = "Row added to the draft."

    def get_form(self):
        return RateRowForm(self.request.POST, prefix="new")


class DraftSaveView(DraftAction):
    """Publish: add the row being typed, if any, then publish the draft as a new revision."""

    service = services.provider_draft_save
    no_draft_message = "There is no draft to save."
    success_message = "Published revision {result.number}."

    def get_form(self):
        typed = self.request.POST.get("new-prefix", "").strip()
        return RateRowForm(self.request.POST, prefix="new") if typed else None

    def get_service_kwargs(self):
        return {"new_row": self.form.cleaned_data if self.form is not None else None}


class RowEditView(CardArea, ObjectEditView):
    """In-place edit of one draft row (htmx): GET gives the inputs, POST saves and gives the row."""

    queryset = ProviderRate.objects.all()
    context_object_name = "rate"
    template_name = "ratecards/_row_edit.html"
    form = RateRowForm
    update_service = services.provider_rate_update
    bind_instance = False

    def get_prefix(self):
        return f"r{self.object.pk}"

    def get_initial(self):
        rate = self.object
        fields = ("prefix", "name", "cost", "connect_cost", "billing")
        return {**{f: getattr(rate, f) for f in fields}, "status": "blocked" if rate.blocked else "active"}

    def saved(self):
        return render(self.request, "ratecards/_row.html", {"rate": self.result})


class RowDeleteView(CardArea, ObjectActionView):
    queryset = ProviderRate.objects.all()
    service = services.provider_rate_delete

    def succeeded(self):
        return HttpResponse("")

    def refused(self, exc):
        return HttpResponse(" ".join(exc.messages), status=400)


class UploadView(ProviderCardPage, ObjectEditView):
    tab = ViewTab("Upload", "ratecards:provider_upload", weight=30)
    template_name = "ratecards/upload.html"
    form = UploadForm
    update_service = services.import_job_create
    bind_instance = False
    success_message = ""

    def get_title(self):
        return f"Upload to {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "preview_url": self.request.path}

    def get_service_kwargs(self, form):
        return {"card": self.object, "upload": form.cleaned_data["file"], "mapping": form.mapping()}

    def get_success_url(self):
        return reverse("ratecards:import_job", kwargs={"pk": self.result.pk})

    def post(self, request, *args, **kwargs):
        if not request.POST.get("preview"):
            return super().post(request, *args, **kwargs)
        self.setup_object()
        context = preview_context(request.FILES.get("file"))
        if request.htmx:
            return render(request, "ratecards/_upload_preview.html", context)
        form = UploadForm(request.POST, preview_url=request.path)
        return self.render_to_response(self.get_context_data(form=form, **context))


def preview_context(upload) -> dict:
    """The first lines as the import will read them, so columns and start row can be chosen."""
    if upload is None:
        return {"preview": None, "preview_error": "Choose a file to preview."}
    try:
        return {"preview": selectors.upload_preview(upload), "preview_error": ""}
    except parsing.SheetError as exc:
        return {"preview": None, "preview_error": str(exc)}


class JobView(CardArea, ObjectDetailView):
    """An import or build job's page; htmx polls its status fragment while it runs."""

    context_object_name = "job"
    partial_template_name = ""

    def get_template_names(self):
        return [self.partial_template_name] if self.request.htmx else [self.template_name]

    def get_breadcrumbs(self):
        card = self.object.card
        return [
            ("Rate Cards", reverse("ratecards:index")),
            (str(card), card.get_absolute_url()),
            (self.get_title(), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(progress=services.job_progress(self.object), **kwargs)


class ImportJobView(JobView):
    queryset = ImportJob.objects.select_related("card")
    template_name = "ratecards/import_job.html"
    partial_template_name = "ratecards/_import_status.html"

    def get_title(self):
        return f"Import of {self.object.filename}"


class BuildJobView(JobView):
    queryset = BuildJob.objects.select_related("card")
    template_name = "ratecards/build_job.html"
    partial_template_name = "ratecards/_build_status.html"

    def get_title(self):
        return f"Build of {self.object.card}"


class JobCancelView(CardArea, ObjectActionView):
    """urls.py gives `queryset` (ImportJob or BuildJob) and `success_url_name` (the job's page)."""

    service = services.job_cancel
    instance_kwarg = "job"


class RevisionListView(CardArea, ObjectChildrenView):
    tab_group = PROVIDER_TABS
    tab = ViewTab("Revisions", "ratecards:provider_revisions", weight=20)
    template_name = "ratecards/revisions.html"
    queryset = ProviderCardRevision.objects.filter(state=RevisionState.PUBLISHED)
    queryset = queryset.select_related("card", "published_by")
    parent_queryset = ProviderCard.objects.all()
    parent_field = "card"
    parent_context_name = "card"
    parent_list_label = "Rate Cards"
    parent_list_url_name = "ratecards:index"
    table = ProviderRevisionTable
    filterset = RevisionFilterSet

    def get_title(self):
        return f"Revisions of {self.parent}"


class RevisionPage(CardArea, ObjectDetailView):
    queryset = ProviderCardRevision.objects.select_related("card")
    context_object_name = "revision"


class RevisionDiffView(RevisionPage):
    template_name = "ratecards/diff.html"

    def get_title(self):
        return f"Changes in {self.object}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(diff=selectors.revision_diff(self.object), **kwargs)


class RevisionDownloadView(RevisionPage):
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render_to_response(self, _context, **_response_kwargs):
        revision, fmt = self.object, self.kwargs["fmt"]
        rows = selectors.revision_rows_for_export(revision)
        if fmt == "xlsx":
            response = HttpResponse(selectors.rows_to_xlsx(rows), content_type=self.XLSX)
        else:
            writer, fmt = csv.writer(_Echo(), lineterminator="\n"), "csv"
            response = StreamingHttpResponse((writer.writerow(r) for r in rows), content_type="text/csv")
        # RFC 6266: an ASCII fallback plus filename*=UTF-8 for any letters; CR/LF cannot split the header.
        response["Content-Disposition"] = content_disposition_header(
            True, selectors.export_filename(revision, fmt)
        )
        return response


class _Echo:
    def write(self, value):
        return value


class RevisionRollbackView(CardArea, ObjectActionView):
    queryset = ProviderCardRevision.objects.all()
    service = services.provider_revision_rollback
    instance_kwarg = "revision"
    success_message = "Published revision {result.number} with the rows of r{obj.number}."
    success_url_name = "ratecards:provider_revisions"

    def get_success_url_kwargs(self):
        return {"pk": self.object.card_id}


# ---- customer cards ----------------------------------------------------------------------------


class CustomerCardPage(CardArea):
    tab_group = CUSTOMER_TABS
    selector = selectors.customer_card_list
    context_object_name = "card"
    list_label = "Rate Cards"
    list_url_name = "ratecards:index"


class CustomerCardEditView(CustomerCardPage, ObjectEditView):
    tab = ViewTab("Properties", "ratecards:customer_edit", weight=40)
    form = CustomerCardForm
    create_service = services.customer_card_create
    update_service = services.customer_card_update
    title = "Add Customer Card"


class CustomerTabView(CustomerCardPage, ObjectDetailView):
    tab = ViewTab("Rates", "ratecards:customer_detail", weight=10)
    template_name = "ratecards/customer_detail.html"
    per_page = SHEET_PAGE_SIZE
    shows_revision = True  # the Rates tab says which revision the rows come from
    add_url_name = ""
    add_label = ""

    def get_table(self):
        return CustomerRateTable(RateFilterSet(self.request.GET, selectors.customer_rates(self.object)).qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["table"] = configure_table(self.request, self.get_table(), per_page=self.per_page)
        context["last_build"] = self.object.build_jobs.first()
        if self.add_url_name:
            context["add_url"] = reverse(self.add_url_name, kwargs={"card_pk": self.object.pk})
            context["add_label"] = self.add_label
        return context


class CustomerProfitsView(CustomerTabView):
    tab = ViewTab("Profits", "ratecards:customer_profits", weight=20)
    shows_revision = False
    add_url_name = "ratecards:profit_add"
    add_label = "Add New Row"

    def get_table(self):
        return ProfitRuleTable(self.object.profit_rules.all())


class CustomerRevisionsView(CustomerTabView):
    tab = ViewTab("Revisions", "ratecards:customer_revisions", weight=30)
    shows_revision = False

    def get_table(self):
        return CustomerRevisionTable(
            CustomerCardRevision.objects.filter(card=self.object).select_related("created_by")
        )


class ProfitRuleAddView(CardArea, ObjectChildEditView):
    queryset = ProfitRule.objects.all()
    parent_queryset = CustomerCard.objects.all()
    parent_url_kwarg = "card_pk"
    parent_field = "card"
    parent_list_label = "Rate Cards"
    parent_list_url_name = "ratecards:index"
    form = ProfitRuleForm
    create_service = services.profit_rule_create
    title = "Add New Row"
    success_url_name = "ratecards:customer_profits"


class ProfitRuleEditView(CardArea, ObjectEditView):
    queryset = ProfitRule.objects.select_related("card")
    form = ProfitRuleForm
    update_service = services.profit_rule_update
    success_url_name = "ratecards:customer_profits"

    def get_success_url_kwargs(self):
        return {"pk": self.object.card_id}


class ProfitRuleDeleteView(CardArea, ObjectActionView):
    queryset = ProfitRule.objects.all()
    service = services.profit_rule_delete
    success_url_name = "ratecards:customer_profits"

    def get_success_url_kwargs(self):
        return {"pk": self.object.card_id}


class BuildView(CustomerCardPage, ObjectDetailView):
    """Build From Carrier Cards: GET asks for confirmation, POST queues the build."""

    template_name = "ratecards/build_confirm.html"

    def get_title(self):
        return f"Build {self.object} From Carrier Cards"

    def get_breadcrumbs(self):
        card = (str(self.object), self.object.get_absolute_url())
        return [("Rate Cards", reverse("ratecards:index")), card, ("Build From Carrier Cards", None)]

    def post(self, request, *args, **kwargs):
        return BuildQueueView.as_view()(request, *args, **kwargs)


class BuildQueueView(CardArea, ObjectActionView):
    queryset = CustomerCard.objects.all()
    service = services.build_job_create
    instance_kwarg = "card"

    def get_success_url(self):
        if self.result is None:
            return self.object.get_absolute_url()
        return reverse("ratecards:build_job", kwargs={"pk": self.result.pk})


class BuildStaleView(CardArea, ObjectActionView):
    service = services.build_stale_cards
    success_message = "Queued {result_count} build(s)."
    success_url_name = "ratecards:index"

    def get_success_message(self):
        return self.success_message.format(result_count=len(self.result))


# ---- exchange rates ----------------------------------------------------------------------------


class ExchangeRateListView(CardArea, ObjectListView):
    title = "Exchange Rates"
    queryset = ExchangeRate.objects.all()
    table = ExchangeRateTable
    filterset = ExchangeRateFilterSet
    add_url_name = "ratecards:exchange_rate_add"
    add_label = "Add Exchange Rate"


class ExchangeRateEditView(CardArea, ObjectEditView):
    queryset = ExchangeRate.objects.all()
    form = ExchangeRateForm
    title = "Add Exchange Rate"
    service = services.exchange_rate_set
    success_url_name = "ratecards:exchange_rates"
