from django import forms

from .models import Certificate

PEM_ATTRS = {"rows": 6, "spellcheck": "false", "autocomplete": "off", "class": "font-monospace"}


class SecretTextarea(forms.Textarea):
    """Never renders a value: neither the stored key nor one just posted with an error elsewhere."""

    def format_value(self, _value):
        return None


class CertificateForm(forms.ModelForm):
    user_provided = forms.TypedChoiceField(
        label="User Provided",
        choices=[("no", "No: Let's Encrypt"), ("yes", "Yes: I paste my own")],
        coerce=lambda v: v == "yes",
        initial="no",
        help_text=Certificate._meta.get_field("user_provided").help_text,
    )
    private_key = forms.CharField(
        label="Key",
        required=False,
        strip=False,
        widget=SecretTextarea(attrs=PEM_ATTRS),
        help_text="-----BEGIN PRIVATE KEY----- … (unencrypted PEM). Stored encrypted and never shown back.",
    )

    class Meta:
        model = Certificate
        fields = ["domain", "user_provided", "certificate", "private_key", "ca_certificate"]
        widgets = {
            "certificate": forms.Textarea(attrs=PEM_ATTRS),
            "ca_certificate": forms.Textarea(attrs=PEM_ATTRS),
        }
        help_texts = {
            "domain": "The name visitors use, e.g. portal.example.com (*.example.com if User Provided).",
            "certificate": "User Provided only: -----BEGIN CERTIFICATE----- …, the chain may follow it.",
            "ca_certificate": "User Provided only, optional: the certificate of the CA that issued it.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["user_provided"] = "yes" if self.instance.user_provided else "no"
        if self.instance.pk and self.instance.private_key:
            self.fields["private_key"].help_text = "A key is stored; leave this empty to keep it."
