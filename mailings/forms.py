from django import forms

from customers.models import Customer

from .choices import Channel

VARIABLES = "{{customer.name}}, {{customer.id}}, {{currencyFormat customer.balance customer.currency}}"


class MailingForm(forms.Form):
    customers = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several. Each customer gets its own message.",
    )
    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.HiddenInput)
    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    include_rate_card = forms.BooleanField(
        label="Include Customer Rate Cards",
        required=False,
        help_text="Attach each customer's own rate cards (CSV, the ones its ingress routes sell).",
    )

    def __init__(self, *args, customers=None, channel: str = Channel.EMAIL, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = customers
        if channel == Channel.SMS:
            del self.fields["subject"], self.fields["include_rate_card"]
            self.fields["body"].label = "Text"
            self.fields["body"].help_text = f"One SMS to each contact's mobile. Handlebars: {VARIABLES}."
        else:
            self.fields["body"].help_text = f"To every contact's email address. Handlebars: {VARIABLES}."
