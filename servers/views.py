"""Setup > Settings > Servers (servers, clusters, providers, Add Server, a server's page) and My Account >
My Servers."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.choices import Area
from accounts.views import MyAccountMixin
from connexcs.tabs import ViewTab
from connexcs.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    TabsMixin,
    add_service_errors,
)

from . import provision, selectors, services
from .filters import ClusterFilterSet, ProviderFilterSet, ServerFilterSet
from .forms import ClusterForm, DeployForm, ProviderForm, ServerEditForm, location_choices
from .models import Provider
from .tables import ClusterTable, MyServerTable, ProviderTable, ServerTable


class ServerArea:
    area = Area.SERVER

    def get_breadcrumbs(self):
        return [
            ("Setup", None),
            ("Settings", None),
            ("Servers", reverse("servers:server_list")),
            (self.get_title(), None),
        ]


class SettingsTabs(TabsMixin):
    """Servers, Clusters and Providers: the tabs of Setup > Settings > Servers."""

    tab_group = "servers.settings"
    template_name = "servers/list.html"

    def get_tab_kwargs(self):
        return {}


class ServerListView(ServerArea, SettingsTabs, ObjectListView):
    selector = selectors.server_list
    table = ServerTable
    filterset = ServerFilterSet
    title = "Servers"
    tab = ViewTab("Servers", "servers:server_list", weight=10)
    add_url_name = "servers:server_add"
    add_label = "Add Server"

    def get_breadcrumbs(self):
        return [("Setup", None), ("Settings", None), ("Servers", None)]


class ClusterListView(ServerArea, SettingsTabs, ObjectListView):
    selector = selectors.cluster_list
    table = ClusterTable
    filterset = ClusterFilterSet
    title = "Clusters"
    tab = ViewTab("Clusters", "servers:cluster_list", weight=20)
    add_url_name = "servers:cluster_add"
    add_label = "Cluster"


class ProviderListView(ServerArea, SettingsTabs, ObjectListView):
    selector = selectors.provider_list
    table = ProviderTable
    filterset = ProviderFilterSet
    title = "Providers"
    tab = ViewTab("Providers", "servers:provider_list", weight=30)
    add_url_name = "servers:provider_add"
    add_label = "Add Provider"


class ClusterAddView(ServerArea, ObjectEditView):
    form = ClusterForm
    title = "Add Cluster"
    create_service = services.cluster_create
    success_url_name = "servers:cluster_list"
    success_message = "Cluster added."


class ProviderAddView(ServerArea, ObjectEditView):
    form = ProviderForm
    title = "Add Provider"
    create_service = services.provider_create
    success_url_name = "servers:provider_list"
    success_message = "Provider added; its API key is stored encrypted and will not be shown again."


class ProviderDeleteView(ServerArea, ObjectDeleteView):
    queryset = Provider.objects.all()
    service = services.provider_delete
    success_url_name = "servers:provider_list"
    list_label = "Providers"
    delete_note = "Servers already destroyed keep their history."

    def get_breadcrumbs(self):
        return ServerArea.get_breadcrumbs(self)


class ServerDeployView(ServerArea, ObjectEditView):
    """Add Server: the getting-started checklist first, then location, name, confirmation, deploy."""

    form = DeployForm
    title = "Add Server"
    template_name = "servers/deploy.html"
    create_service = services.server_deploy

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        choices, self.provider_errors = location_choices(Provider.objects.all())
        kwargs["location_choices"] = choices
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["missing"] = selectors.checklist_missing(actor=self.request.user)
        context["provider_errors"] = self.provider_errors
        return context

    def form_valid(self, form):
        self.service_ran = True
        try:
            self.result = self.call_service(form)
        except services.ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return deployed(self.request, self.result)


def deployed(request, result: services.Deployed):
    server = result.server
    if result.warning:
        messages.warning(request, result.warning)
    if result.install_command:
        # Shown once: the token behind it is stored only as a hash.
        context = {"server": server, "command": result.install_command, "title": f"Install {server.name}"}
        return TemplateResponse(request, "servers/install_command.html", context)
    messages.success(
        request, f"Deploying {server.name}. Its IP address will be emailed to you when it first reports."
    )
    return redirect("servers:server_list")


class ServerDetailView(ServerArea, ObjectDetailView):
    selector = selectors.server_list
    template_name = "servers/server_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["table"] = MyServerTable([self.object], orderable=False)
        return context


class ServerEditView(ServerArea, ObjectEditView):
    selector = selectors.server_list
    form = ServerEditForm
    update_service = services.server_update
    success_message = "Saved."


class ServerConfigView(ServerArea, ObjectDetailView):
    """The rendered kamailio.cfg, as a download (the routing token is stored hashed, so a placeholder)."""

    selector = selectors.server_list

    def render_to_response(self, _context, **_kwargs):
        response = HttpResponse(provision.kamailio_cfg(self.object), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kamailio-{self.object.name}.cfg"'
        return response


class ServerActionView(ServerArea, ObjectActionView):
    selector = selectors.server_list
    success_url_name = "servers:server_detail"


class ServerRebootView(ServerActionView):
    service = services.server_reboot
    success_message = "Rebooting {obj.name}."


class ServerRedeployView(ServerActionView):
    service = services.server_redeploy

    def succeeded(self):
        return deployed(self.request, self.result)


class ServerDestroyView(ServerArea, ObjectDeleteView):
    selector = selectors.server_list
    service = services.server_destroy
    template_name = "servers/server_destroy.html"
    success_url_name = "servers:server_list"
    list_label = "Servers"
    success_message = "Destroyed {obj}: the machine is deleted and its tokens are revoked."
    delete_note = "The cloud machine is deleted at the provider and the server's tokens stop working."

    def get_queryset(self):
        return super().get_queryset().exclude(status="destroyed")

    def get_title(self):
        return f"Destroy {self.object}"


class MyServersView(MyAccountMixin, ObjectListView):
    area = Area.SERVER
    selector = selectors.my_servers
    table = MyServerTable
    filterset = ServerFilterSet
    title = "My Servers"
    tab = ViewTab("My Servers", "servers:my_servers", weight=80)
    template_name = "accounts/list.html"
