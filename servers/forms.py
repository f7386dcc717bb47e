from django import forms

from .choices import Driver, ServerStatus, ServerType
from .cloud import ProviderError, source_for
from .models import Cluster, Server
from .services import OWN_HOST


def location_choices(providers) -> tuple[list, list[str]]:
    """Server Location choices across the cloud providers, plus Own host; and each provider's error."""
    choices, errors = [("", "Choose a location")], []
    for provider in providers:
        try:
            locations = source_for(provider).locations()
        except ProviderError as exc:
            errors.append(f"{provider.name}: {exc}")
            continue
        choices.append(
            (provider.name, [(f"{provider.pk}:{loc.id}", f"{loc.name} ({loc.id})") for loc in locations])
        )
    choices.append((OWN_HOST, "Own host (Debian 12 machine: install command)"))
    return choices, errors


def expires_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label="Expires",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="The end of the test period (UTC): the server then stops taking calls. Empty: none.",
    )


class DeployForm(forms.Form):
    location = forms.ChoiceField(label="Server Location")
    name = forms.CharField(
        label="Server Name", max_length=63, help_text="A host name: letters, digits, hyphens."
    )
    server_type = forms.ChoiceField(label="Type", choices=ServerType.choices, initial=ServerType.SWITCH)
    cluster = forms.ModelChoiceField(label="Cluster", queryset=Cluster.objects.all(), required=False)
    expires_at = expires_field()
    confirm = forms.BooleanField(
        label="I understand that a cloud server is billed by its provider, and deploy this server.",
        required=False,
    )

    def __init__(self, *args, location_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = location_choices


class ServerEditForm(forms.ModelForm):
    class Meta:
        model = Server
        fields = [
            "name",
            "cluster",
            "fqdn",
            "auto_upgrade",
            "max_channels",
            "max_cps",
            "capacity_failover",
            "failover_server",
            "expires_at",
        ]
        widgets = {
            "expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }
        help_texts = {"expires_at": expires_field().help_text}
        labels = {"name": "Server Name", "failover_server": "Failover server"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Server.objects.exclude(status=ServerStatus.DESTROYED)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["failover_server"].queryset = others
        self.fields["name"].validators = []  # the service checks the name and says why


class ClusterForm(forms.Form):
    name = forms.CharField(label="Name", max_length=63)


class ProviderForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    driver = forms.ChoiceField(label="Provider", choices=Driver.choices)
    api_key = forms.CharField(label="API Key", widget=forms.PasswordInput(render_value=False), max_length=500)
