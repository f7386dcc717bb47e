"""Management > Rate Cards. Thin views: check the area, validate, call one service, redirect."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django_tables2 import RequestConfig

from accounts.choices import Area
from carriers.models import Carrier
from connexcs.permissions import AreaPermissionMixin
from connexcs.views import ObjectEditView, ObjectListView, StaffView, add_service_errors

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

CARD = Area.CARD


class IndexView(StaffView):
    area = CARD
    title = "Rate Cards"
    template_name = "ratecards/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pf = ProviderCardFilterSet(self.request.GET, selectors.provider_card_list(), prefix="p")
        cf = CustomerCardFilterSet(
            self.request.GET, selectors.customer_card_list().prefetch_related("providers"), prefix="c"
        )
        provider_table = ProviderCardTable(pf.qs, prefix="p-")
        customer_table = CustomerCardTable(cf.qs, prefix="c-")
        for table in (provider_table, customer_table):
            RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        context.update(provider_filter=pf, customer_filter=cf, provider_table=provider_table)
        context.update(customer_table=customer_table, stale_count=cf.qs.filter(stale=True).count())
        return context


class CarrierCardsView(ObjectListView):
    """A carrier's provider cards (the carrier page's Rate Cards tab)."""

    area = CARD
    table = ProviderCardTable
    filterset = ProviderCardFilterSet
    add_url_name = "ratecards:provider_add"
    add_label = "Add Provider Card"

    def get_queryset(self):
        self.carrier = get_object_or_404(Carrier, pk=self.kwargs["pk"])
        return selectors.provider_card_list().filter(carrier=self.carrier)

    def get_title(self):
        return f"Rate Cards of {self.carrier}"


# ---- provider cards ----------------------------------------------------------------------------


class ProviderCardEditView(ObjectEditView):
    area = CARD
    queryset = ProviderCard.objects.all()
    form = ProviderCardForm
    template_name = "ratecards/provider_edit.html"
    title = "Add Provider Card"

    @property
    def service(self):
        return services.provider_card_update if self.object else services.provider_card_create

    def call_service(self, form):
        return self.service(actor=self.request.user, **self.get_service_kwargs(form))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs


class ProviderCardDetailView(StaffView):
    area = CARD
    template_name = "ratecards/provider_detail.html"

    def get_context_data(self, **kwargs):
        card = get_object_or_404(selectors.provider_card_list(), pk=self.kwargs["pk"])
        draft = card.revisions.filter(state=RevisionState.DRAFT).first()
        shown = draft or card.current_revision
        context = super().get_context_data(**kwargs)
        rates = ProviderRate.objects.filter(revision=shown) if shown else ProviderRate.objects.none()
        rate_filter = RateFilterSet(self.request.GET, rates)
        table = ProviderRateTable(rate_filter.qs)
        if not draft:
            table.columns.hide("actions")
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context.update(card=card, draft=draft, shown=shown, table=table, rate_filter=rate_filter)
        context.update(
            title=str(card),
            row_form=RateRowForm(prefix="new"),
            tabs=provider_tabs(card),
            active_tab="Rate Card",
        )
        context["breadcrumbs"] = [("Rate Cards", reverse("ratecards:index")), (str(card), None)]
        return context


def provider_tabs(card):
    return [
        ("Rate Card", reverse("ratecards:provider_detail", args=[card.pk])),
        ("Revisions", reverse("ratecards:provider_revisions", args=[card.pk])),
        ("Upload", reverse("ratecards:provider_upload", args=[card.pk])),
        ("Properties", reverse("ratecards:provider_edit", args=[card.pk])),
    ]


def _draft_of(card_pk):
    card = get_object_or_404(ProviderCard, pk=card_pk)
    return card, card.revisions.filter(state=RevisionState.DRAFT).first()


class DraftCreateView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request, pk):
        card = get_object_or_404(ProviderCard, pk=pk)
        try:
            services.provider_draft_create(actor=request.user, card=card)
            messages.success(request, "Draft created.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(card)


def _errors_to_messages(request, form) -> None:
    """The sheet redirects back to the card, so a row's field errors travel as messages, by label."""
    for field, errors in form.errors.items():
        label = form[field].label if field in form.fields else None
        text = " ".join(errors)
        messages.error(request, f"{label}: {text}" if label else text)


class RowNewView(AreaPermissionMixin, View):
    """Add Row: an empty row of inputs in the sheet (htmx)."""

    area = CARD
    requires_write = True

    def get(self, request, pk):
        return render(request, "ratecards/_row_new.html", {"form": RateRowForm(prefix="new"), "card_pk": pk})


class RowAddView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request, pk):
        card, draft = _draft_of(pk)
        form = RateRowForm(request.POST, prefix="new")
        if draft is None:
            messages.error(request, "Create a draft first.")
        elif form.is_valid():
            try:
                services.provider_rate_add(actor=request.user, revision=draft, **form.cleaned_data)
                messages.success(request, "Row added to the draft.")
                return redirect(card)
            except ValidationError as exc:
                add_service_errors(form, exc)
        _errors_to_messages(request, form)
        return redirect(card)


class DraftSaveView(AreaPermissionMixin, View):
    """Save: add the row being typed, if any, then publish the draft as a new revision."""

    area = CARD

    def post(self, request, pk):
        card, draft = _draft_of(pk)
        if draft is None:
            messages.error(request, "There is no draft to save.")
            return redirect(card)
        form = RateRowForm(request.POST, prefix="new") if request.POST.get("new-prefix", "").strip() else None
        if form is not None and not form.is_valid():
            _errors_to_messages(request, form)
            return redirect(card)
        try:
            revision = services.provider_draft_save(
                actor=request.user, revision=draft, new_row=form.cleaned_data if form else None
            )
            messages.success(request, f"Published revision {revision.number}.")
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_errors(form, exc)
                _errors_to_messages(request, form)
        return redirect(card)


class RowEditView(AreaPermissionMixin, View):
    """In-place edit of one draft row (htmx): GET gives the inputs, POST saves and gives the row."""

    area = CARD
    requires_write = True

    def get(self, request, pk):
        rate = get_object_or_404(ProviderRate, pk=pk)
        initial = {
            "prefix": rate.prefix,
            "name": rate.name,
            "cost": rate.cost,
            "connect_cost": rate.connect_cost,
            "billing": rate.billing,
            "status": "blocked" if rate.blocked else "active",
        }
        form = RateRowForm(initial=initial, prefix=f"r{rate.pk}")
        return render(request, "ratecards/_row_edit.html", {"form": form, "rate": rate})

    def post(self, request, pk):
        rate = get_object_or_404(ProviderRate, pk=pk)
        form = RateRowForm(request.POST, prefix=f"r{rate.pk}")
        if form.is_valid():
            try:
                services.provider_rate_update(actor=request.user, instance=rate, **form.cleaned_data)
                return render(request, "ratecards/_row.html", {"rate": rate})
            except ValidationError as exc:
                add_service_errors(form, exc)
        return render(request, "ratecards/_row_edit.html", {"form": form, "rate": rate})


class RowDeleteView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request, pk):
        rate = get_object_or_404(ProviderRate, pk=pk)
        try:
            services.provider_rate_delete(actor=request.user, instance=rate)
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400)
        return HttpResponse("")


class UploadView(StaffView):
    area = CARD
    requires_write = True
    template_name = "ratecards/upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = get_object_or_404(ProviderCard, pk=self.kwargs["pk"])
        context.setdefault("form", UploadForm(preview_url=self.request.path))
        context.update(card=card, title=f"Upload to {card}", tabs=provider_tabs(card), active_tab="Upload")
        return context

    def post(self, request, pk):
        if request.POST.get("preview"):
            return self.preview(request)
        card = get_object_or_404(ProviderCard, pk=pk)
        form = UploadForm(request.POST, request.FILES, preview_url=request.path)
        if form.is_valid():
            try:
                job = services.import_job_create(
                    actor=request.user, card=card, upload=form.cleaned_data["file"], mapping=form.mapping()
                )
                return redirect("ratecards:import_job", pk=job.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form))

    def preview(self, request):
        """The first lines as the import will read them, so columns and start row can be chosen."""
        get_object_or_404(ProviderCard, pk=self.kwargs["pk"])
        upload = request.FILES.get("file")
        preview, error = None, ""
        if upload is None:
            error = "Choose a file to preview."
        else:
            try:
                preview = selectors.upload_preview(upload)
            except parsing.SheetError as exc:
                error = str(exc)
        context = {"preview": preview, "preview_error": error}
        if request.htmx:
            return render(request, "ratecards/_upload_preview.html", context)
        form = UploadForm(request.POST, preview_url=request.path)
        return self.render_to_response(self.get_context_data(form=form, **context))


class ImportJobView(StaffView):
    area = CARD
    template_name = "ratecards/import_job.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["ratecards/_import_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(ImportJob.objects.select_related("card"), pk=self.kwargs["pk"])
        context.update(job=job, progress=services.job_progress(job), title=f"Import of {job.filename}")
        return context


class JobCancelView(AreaPermissionMixin, View):
    area = CARD
    model = None
    url_name = ""

    def post(self, request, pk):
        job = get_object_or_404(self.model, pk=pk)
        services.job_cancel(actor=request.user, job=job)
        return redirect(self.url_name, pk=pk)


class RevisionListView(ObjectListView):
    area = CARD
    table = ProviderRevisionTable
    filterset = RevisionFilterSet
    template_name = "ratecards/revisions.html"

    def get_queryset(self):
        self.card = get_object_or_404(ProviderCard, pk=self.kwargs["pk"])
        return self.card.revisions.filter(state=RevisionState.PUBLISHED).select_related("published_by")

    def get_title(self):
        return f"Revisions of {self.card}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(card=self.card, tabs=provider_tabs(self.card), active_tab="Revisions")
        return context


class RevisionDiffView(StaffView):
    area = CARD
    template_name = "ratecards/diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = get_object_or_404(
            ProviderCardRevision.objects.select_related("card"), pk=self.kwargs["pk"]
        )
        diff = selectors.revision_diff(revision)
        context.update(revision=revision, diff=diff, title=f"Changes in {revision}")
        return context


class RevisionDownloadView(AreaPermissionMixin, View):
    area = CARD

    def get(self, request, pk, fmt):
        revision = get_object_or_404(ProviderCardRevision.objects.select_related("card"), pk=pk)
        name = f"{revision.card.name}-r{revision.number or 'draft'}".replace('"', "")
        rows = selectors.revision_rows_for_export(revision)
        if fmt == "xlsx":
            data = selectors.rows_to_xlsx(rows)
            response = HttpResponse(
                data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        else:
            writer = csv.writer(_Echo(), lineterminator="\n")
            response = StreamingHttpResponse((writer.writerow(r) for r in rows), content_type="text/csv")
            fmt = "csv"
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


class _Echo:
    def write(self, value):
        return value


class RevisionRollbackView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request, pk):
        revision = get_object_or_404(ProviderCardRevision, pk=pk)
        try:
            new = services.provider_revision_rollback(actor=request.user, revision=revision)
            messages.success(request, f"Published revision {new.number} with the rows of r{revision.number}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("ratecards:provider_revisions", pk=revision.card_id)


# ---- customer cards ----------------------------------------------------------------------------


class CustomerCardEditView(ProviderCardEditView):
    queryset = CustomerCard.objects.all()
    form = CustomerCardForm
    template_name = "generic/object_edit.html"
    title = "Add Customer Card"

    @property
    def service(self):
        return services.customer_card_update if self.object else services.customer_card_create


def customer_tabs(card):
    return [
        ("Rates", reverse("ratecards:customer_detail", args=[card.pk])),
        ("Profits", reverse("ratecards:customer_profits", args=[card.pk])),
        ("Revisions", reverse("ratecards:customer_revisions", args=[card.pk])),
        ("Properties", reverse("ratecards:customer_edit", args=[card.pk])),
    ]


class CustomerTabView(StaffView):
    area = CARD
    template_name = "ratecards/customer_detail.html"
    active_tab = "Rates"

    def get_table(self, card):
        rates = selectors.customer_rates(card)
        return CustomerRateTable(RateFilterSet(self.request.GET, rates).qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = get_object_or_404(selectors.customer_card_list(), pk=self.kwargs["pk"])
        table = self.get_table(card)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context.update(
            card=card, table=table, title=str(card), tabs=customer_tabs(card), active_tab=self.active_tab
        )
        context["last_build"] = card.build_jobs.first()
        context["breadcrumbs"] = [("Rate Cards", reverse("ratecards:index")), (str(card), None)]
        return context


class CustomerProfitsView(CustomerTabView):
    active_tab = "Profits"

    def get_table(self, card):
        return ProfitRuleTable(card.profit_rules.all())


class CustomerRevisionsView(CustomerTabView):
    active_tab = "Revisions"

    def get_table(self, card):
        return CustomerRevisionTable(
            CustomerCardRevision.objects.filter(card=card).select_related("created_by")
        )


class ProfitRuleEditView(ObjectEditView):
    area = CARD
    queryset = ProfitRule.objects.select_related("card")
    form = ProfitRuleForm
    title = "Add New Row"

    def setup_object(self):
        super().setup_object()
        if self.object is not None:
            self.card = self.object.card
        else:
            self.card = get_object_or_404(CustomerCard, pk=self.kwargs["card_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def call_service(self, form):
        if self.object is not None:
            return services.profit_rule_update(
                actor=self.request.user, instance=self.object, **form.cleaned_data
            )
        return services.profit_rule_create(actor=self.request.user, card=self.card, **form.cleaned_data)

    def get_success_url(self):
        return reverse("ratecards:customer_profits", args=[self.card.pk])


class ProfitRuleDeleteView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request, pk):
        rule = get_object_or_404(ProfitRule, pk=pk)
        services.profit_rule_delete(actor=request.user, instance=rule)
        return redirect("ratecards:customer_profits", pk=rule.card_id)


class BuildView(StaffView):
    """Build From Carrier Cards: GET asks for confirmation, POST queues the build."""

    area = CARD
    template_name = "ratecards/build_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        card = get_object_or_404(CustomerCard, pk=self.kwargs["pk"])
        context.update(card=card, title=f"Build {card} From Carrier Cards")
        return context

    def post(self, request, pk):
        card = get_object_or_404(CustomerCard, pk=pk)
        try:
            job = services.build_job_create(actor=request.user, card=card)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(card)
        return redirect("ratecards:build_job", pk=job.pk)


class BuildStaleView(AreaPermissionMixin, View):
    area = CARD

    def post(self, request):
        jobs = services.build_stale_cards(actor=request.user)
        messages.success(request, f"Queued {len(jobs)} build(s).")
        return redirect("ratecards:index")


class BuildJobView(StaffView):
    area = CARD
    template_name = "ratecards/build_job.html"

    def get_template_names(self):
        return ["ratecards/_build_status.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(BuildJob.objects.select_related("card"), pk=self.kwargs["pk"])
        context.update(job=job, progress=services.job_progress(job), title=f"Build of {job.card}")
        return context


# ---- exchange rates ----------------------------------------------------------------------------


class ExchangeRateListView(ObjectListView):
    area = CARD
    title = "Exchange Rates"
    queryset = ExchangeRate.objects.all()
    table = ExchangeRateTable
    filterset = ExchangeRateFilterSet
    add_url_name = "ratecards:exchange_rate_add"
    add_label = "Add Exchange Rate"


class ExchangeRateEditView(ObjectEditView):
    area = CARD
    queryset = ExchangeRate.objects.all()
    form = ExchangeRateForm
    title = "Add Exchange Rate"
    service = services.exchange_rate_set

    def get_success_url(self):
        return reverse("ratecards:exchange_rates")
