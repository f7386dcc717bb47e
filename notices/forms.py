from django import forms

from connexcs.forms import ServiceValidatedModelForm

from .models import MessageTemplate


class MessageTemplateForm(ServiceValidatedModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "text", "html", "sms"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 10, "class": "font-monospace", "spellcheck": "false"}),
            "html": forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"}),
            "sms": forms.Textarea(attrs={"rows": 2}),
        }
