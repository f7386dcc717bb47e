"""Form bases shared by every app."""

from django import forms


class ServiceValidatedModelForm(forms.ModelForm):
    """Field checks only; uniqueness and cross-row rules are the service's job (one place)."""

    def validate_unique(self):
        pass

    def _post_clean(self):
        # The form's instance is a scratch copy; constraint checks here would run on the raw
        # (not yet canonical) values and report on no field, so leave them to the service.
        self.instance.validate_constraints = lambda **_: None
        super()._post_clean()
