from django import forms

from connexcs.forms import ServiceValidatedModelForm

from .models import Carrier, Gateway


class CarrierAddForm(ServiceValidatedModelForm):
    class Meta:
        model = Carrier
        fields = [
            "name",
            "currency",
            "status",
            "channels",
            "cps",
            "first_reply_timeout",
            "pdd_timeout",
            "ring_timeout",
        ]
        labels = {"name": "Carrier Name"}


class CarrierForm(CarrierAddForm):
    pass


class GatewayForm(ServiceValidatedModelForm):
    class Meta:
        model = Gateway
        fields = ["address", "port", "protocol", "weight", "enabled"]
        labels = {"address": "IP Address"}
        help_texts = {"address": "Termination IP address, host name or SRV record (_sip._udp.example.com)."}
        widgets = {"enabled": forms.CheckboxInput}
